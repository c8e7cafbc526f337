"""Browser-side latency for `python -m explorer bench --browser` (needs the test extra and Chromium).

What a student waits for, measured in Chromium against `streamlit run`: from releasing the
mouse after drawing a digit to the CNN's prediction on screen, and from sending a new
sentence on the Text page to its updated step line. Each figure is the median of REPEAT tries,
after one warm-up that compiles and caches.
"""

from __future__ import annotations

import time

import numpy as np

from explorer.cli import appserver
from explorer.cli import browser as chromium

REPEAT = 9
ONE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]
NO_PREDICTION = "() => !(document.querySelector('.st-key-cnn-prediction')?.innerText || '').includes('Prediction:')"


# Both ends are read from the page's own clock (performance.timeOrigin + now, one clock for the page and its canvas
# frame), so Playwright's own polling is not in the figure: the mouse-up is the canvas's pointerup event; the
# prediction is on screen when the first frame after its text appeared has been produced (an animation frame, then a
# task after it).
_MARK_MOUSE_UP = """c => { window.__upAt = 0;
  c.addEventListener('pointerup', (e) => { window.__upAt = performance.timeOrigin + e.timeStamp; }, {once: true}); }"""
_MARK_SHOWN = """() => { window.__shownAt = 0;
  const shown = () => (document.querySelector('.st-key-cnn-prediction')?.textContent || '').includes('Prediction: 1');
  const watch = new MutationObserver(() => {
    if (!shown()) return;
    watch.disconnect();
    requestAnimationFrame(() => { const c = new MessageChannel();
      c.port1.onmessage = () => { window.__shownAt = performance.timeOrigin + performance.now(); }; c.port2.postMessage(0); });
  });
  watch.observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def _draw_to_prediction_ms(page, url: str) -> float:
    page.goto(f"{url}/digit")
    chromium.wait_idle(page, timeout=240_000)
    times = []
    for i in range(REPEAT + 1):
        if chromium.canvas_button(page, "Clear canvas").is_enabled():
            chromium.canvas_button(page, "Clear canvas").click()
        chromium.wait_for(page, NO_PREDICTION, timeout=60_000)
        chromium.wait_idle(page)
        surface = chromium.canvas_surface(page)
        surface.evaluate(_MARK_MOUSE_UP)
        page.evaluate(_MARK_SHOWN)
        chromium.draw(page, ONE)  # ends with the mouse-up
        chromium.wait_for(page, "() => window.__shownAt > 0", timeout=60_000)
        if i:  # the first one warms the caches
            times.append(page.evaluate("() => window.__shownAt") - surface.evaluate("() => window.__upAt"))
        chromium.wait_idle(page)
    return float(np.median(times))


def _type_to_view_ms(page, url: str) -> float:
    page.goto(f"{url}/text")
    page.wait_for_selector(".st-key-text-step", timeout=240_000)
    chromium.wait_idle(page, timeout=240_000)
    box = page.locator(".st-key-text_input textarea")
    times = []
    for i in range(REPEAT + 1):
        sentence = "Return the number of values" + "!" * (i + 1)  # a new length each time: a new step line
        box.fill(sentence)
        start = time.perf_counter()
        box.press("Control+Enter")
        page.wait_for_function(
            f"() => (document.querySelector('.st-key-text-step')?.innerText || '').includes('Step {len(sentence)} of {len(sentence)}')",
            polling="raf",
            timeout=60_000,
        )
        if i:
            times.append(time.perf_counter() - start)
        chromium.wait_idle(page)
    return float(np.median(times) * 1000)


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    # a server whose background warm-up has finished, as a class finds one started before the lesson
    with appserver.settled_app() as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.CHROMIUM, args=chromium.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            return {
                "digit_browser_mouseup_to_prediction_ms_p50": _draw_to_prediction_ms(page, url),
                "text_browser_send_to_view_ms_p50": _type_to_view_ms(page, url),
            }
        finally:
            browser.close()
