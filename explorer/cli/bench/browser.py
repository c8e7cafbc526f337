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

REPEAT = 5
ONE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]
PREDICTION = "() => (document.querySelector('.st-key-cnn-prediction')?.innerText || '').includes('Prediction: 1')"
NO_PREDICTION = "() => !(document.querySelector('.st-key-cnn-prediction')?.innerText || '').includes('Prediction:')"


def _draw_to_prediction_ms(page, url: str) -> float:
    page.goto(f"{url}/digit")
    chromium.wait_idle(page, timeout=240_000)
    times = []
    for i in range(REPEAT + 1):
        if chromium.canvas_button(page, "Clear canvas").is_enabled():
            chromium.canvas_button(page, "Clear canvas").click()
        page.wait_for_function(NO_PREDICTION, timeout=60_000)
        chromium.wait_idle(page)
        chromium.draw(page, ONE)  # ends with the mouse-up
        start = time.perf_counter()
        page.wait_for_function(PREDICTION, polling="raf", timeout=60_000)
        if i:  # the first one warms the caches
            times.append(time.perf_counter() - start)
        chromium.wait_idle(page)
    return float(np.median(times) * 1000)


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

    with appserver.running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.CHROMIUM, args=chromium.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            return {
                "digit_browser_mouseup_to_prediction_ms_p50": _draw_to_prediction_ms(page, url),
                "text_browser_send_to_view_ms_p50": _type_to_view_ms(page, url),
            }
        finally:
            browser.close()
