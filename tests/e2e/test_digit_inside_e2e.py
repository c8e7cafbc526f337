"""Browser: the CNN's insides appear for a digit, a selected map opens, and its animation plays."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import draw, open_app, wait_idle

pytestmark = pytest.mark.e2e


def _option(page, key: str, text: str):
    """The button of a segmented control / pills widget (keyed `key`) whose label is exactly `text`."""
    return page.locator(f".st-key-{key} button").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def _open_layers(page) -> None:
    """Open the section of the layers (it runs only while open): a click on its header."""
    page.locator(".st-key-inside-open summary").click()
    wait_idle(page)


def test_random_digit_overview_detail_and_play(page, app_url):
    open_app(page, app_url, "digit")
    page.locator(".st-key-random-digit button").click()
    wait_idle(page)
    expect(page.locator(".st-key-inside-overview")).to_have_count(0)  # closed as the page opens: nothing sent
    _open_layers(page)
    overview = page.locator(".st-key-inside-overview .js-plotly-plot").first  # two for a moment while swapped
    expect(overview).to_be_visible(timeout=60_000)

    _option(page, "layer", "conv2").click()
    wait_idle(page)
    _option(page, "map", "5").click()
    wait_idle(page)
    detail = page.locator(".st-key-inside-detail")
    expect(detail).to_contain_text("conv2, map 5")

    label = detail.locator("g.slider-group > text.slider-label").first  # the slider's current-value line
    expect(label).to_have_text(re.compile(r"output row \d+, column 0"))
    moved = re.compile(r"output row \d+, column [1-9]\d*")
    for _ in range(3):  # a press that lands while a rerun redraws the figure is lost with the old figure: again
        detail.locator(".updatemenu-button", has_text="play").first.click()
        try:
            expect(label).to_have_text(moved, timeout=15_000)  # playing: the window moves along the row
            break
        except AssertionError:
            wait_idle(page)
    expect(label).to_have_text(moved)


def test_drawing_shows_the_overview_and_pool_detail(page, app_url):
    open_app(page, app_url, "digit")
    draw(page, [[(0.5, 0.15), (0.52, 0.5), (0.5, 0.85)], [(0.35, 0.3), (0.5, 0.15)]])
    wait_idle(page)
    _open_layers(page)
    # while a rerun swaps the figure, the old and the new chart can both be in the page for a moment
    expect(page.locator(".st-key-inside-overview .js-plotly-plot").first).to_be_visible(timeout=60_000)
    _option(page, "layer", "pool 1").click()
    wait_idle(page)
    detail = page.locator(".st-key-inside-detail")
    expect(detail).to_contain_text("pool1, map 0")
    # the previous detail's chart stays in the page until the rerun replaces it: wait for one chart
    expect(detail.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    expect(detail.locator(".js-plotly-plot")).to_be_visible()
