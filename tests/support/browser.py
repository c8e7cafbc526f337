"""The running app in the system Chromium: open a page and wait for its script to finish."""

from __future__ import annotations

from explorer.cli.browser import CANVAS_FRAME, canvas_button, canvas_surface, draw, wait_for, wait_idle

__all__ = [
    "assert_stays_still",
    "canvas_button",
    "canvas_ink",
    "canvas_surface",
    "draw",
    "open_app",
    "wait_for",
    "wait_for_ink",
    "wait_idle",
]

# The total brightness of what is drawn on the canvas (white ink on black: the sum of its red channel).
_INK_JS = """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s; }"""


def canvas_ink(page) -> float:
    """How much ink the page's canvas shows now (0: nothing drawn)."""
    return canvas_surface(page).evaluate(_INK_JS)


def wait_for_ink(page) -> None:
    """Wait until the page's canvas shows some ink (a picture it draws once loaded, for one)."""
    wait_for(
        page,
        f"(f) => {{ const c = document.querySelector(f)?.contentDocument?.querySelector('#ink');"
        f" return !!c && ({_INK_JS})(c) > 0; }}",
        arg=CANVAS_FRAME,
    )


def open_app(page, app_url: str, path: str = "digit", query: str = "") -> None:
    """Open a page of the app and wait until its script has finished running."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/{path}{query}")
    expect(page.locator("[data-testid=stApp]")).to_be_visible(timeout=60_000)
    # the first run has started (it draws the app's style sheet first): before it, the app also reads "notRunning"
    page.wait_for_selector("span.explorer-sr-only", state="attached", timeout=60_000)
    wait_idle(page)
    if page.locator(CANVAS_FRAME).count():  # the canvas has had its first render (nothing under a point moves)
        canvas_surface(page)


# Watches the app until `ms` have passed since the first poll, and answers early if a script run starts or the text
# under `sel` changes: a wait on the thing itself, with the app's own interval as the deadline.
_STAYS_JS = """({sel, ms}) => {
  const app = document.querySelector('[data-testid=stApp]');
  const read = () => document.querySelector(sel)?.innerText ?? null;
  if (!window.__stays) {
    const w = {start: performance.now(), text: read(), ran: false};
    w.observer = new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') w.ran = true;
    });
    w.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    window.__stays = w;
  }
  const w = window.__stays, text = read();
  if (!w.ran && text === w.text && performance.now() - w.start < ms) return false;
  w.observer.disconnect();
  delete window.__stays;
  return {ran: w.ran, before: w.text, after: text};
}"""


def assert_stays_still(page, selector: str, ms: float) -> None:
    """Nothing runs and the text under `selector` does not change for `ms` milliseconds (pick a few of the app's
    play intervals): fails as soon as a script run starts or the text changes, without waiting out the rest."""
    seen = page.wait_for_function(_STAYS_JS, arg={"sel": selector, "ms": ms}, polling=50, timeout=ms + 30_000)
    seen = seen.json_value()
    assert not seen["ran"] and seen["after"] == seen["before"], seen
