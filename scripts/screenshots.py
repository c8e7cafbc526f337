"""Screenshots of the running app for a human to look at.

    streamlit run streamlit_app.py --server.port 8600 --server.headless true &
    python scripts/screenshots.py http://127.0.0.1:8600 digit "digit?sample=7" text

Writes screenshots/<page>-<width>x<height>.png (the first screen) and …-full.png (the whole page)
at 1280×800 and 1920×1080.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from explorer.cli.browser import CHROMIUM, CHROMIUM_ARGS, wait_idle

SIZES = [(1280, 800), (1920, 1080)]


def main(base: str, paths: list[str]) -> None:
    out = Path("screenshots")
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            for w, h in SIZES:
                page = browser.new_page(viewport={"width": w, "height": h})
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
                page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
