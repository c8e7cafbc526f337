"""Screenshots of the running app for a human to look at, on a phone, a tablet, a projector and a desktop.

    streamlit run streamlit_app.py --server.port 8600 --server.headless true &
    python scripts/screenshots.py http://127.0.0.1:8600 digit "digit?sample=7" text
    python scripts/screenshots.py --out /tmp/shots --sizes 390x844,820x1180 http://127.0.0.1:8600 digit

Writes <out>/<page>-<width>x<height>.png (the first screen) and …-full.png (the whole page). The phone and
tablet sizes (390×844, 820×1180) are opened as touch devices (the phone as a mobile one), as a student's are.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

from explorer.cli.browser import CHROMIUM, CHROMIUM_ARGS, wait_idle

SIZES = [(390, 844), (820, 1180), (1280, 720), (1920, 1080)]
TOUCH_BELOW = 1000  # narrower windows are phones and tablets: touch, and a mobile viewport under 600 px


def _size(text: str) -> tuple[int, int]:
    w, h = text.lower().split("x")
    return int(w), int(h)


def main(base: str, paths: list[str], out: Path, sizes: list[tuple[int, int]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            for w, h in sizes:
                touch = w < TOUCH_BELOW
                context = browser.new_context(
                    viewport={"width": w, "height": h}, has_touch=touch, is_mobile=touch and w < 600
                )
                page = context.new_page()
                page.goto(f"{base}/{path}")
                wait_idle(page, timeout=120_000)
                page.wait_for_timeout(1500)  # let Plotly finish drawing before the picture
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
                page.screenshot(path=str(out / f"{name}-{w}x{h}.png"))  # what the first screen shows
                # Streamlit scrolls inside its own container, so grow the window to the content for the full page.
                tall = page.evaluate("document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
                page.set_viewport_size({"width": w, "height": int(tall) + 200})
                page.wait_for_timeout(1500)
                page.screenshot(path=str(out / f"{name}-{w}x{h}-full.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the running app's address, e.g. http://127.0.0.1:8600")
    parser.add_argument("paths", nargs="+", help="pages with their parameters, e.g. digit 'digit?sample=7'")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the PNGs")
    parser.add_argument(
        "--sizes", default=",".join(f"{w}x{h}" for w, h in SIZES), help="WIDTHxHEIGHT,… (default: %(default)s)"
    )
    args = parser.parse_args()
    main(args.base, args.paths, args.out, [_size(s) for s in args.sizes.split(",")])
