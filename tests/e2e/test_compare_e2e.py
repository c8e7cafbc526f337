"""The Compare page in a real browser: both readers for a random or a drawn digit; the scaling button plots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import draw, open_app, wait_idle

pytestmark = pytest.mark.e2e

CHART = "[data-testid=stPlotlyChart]"


def test_both_readers_show_a_random_heldout_digit(page, app_url):
    open_app(page, app_url, "compare")
    expect(page.get_by_text("Held-out MNIST digit #")).to_be_visible()
    expect(page.locator(f".st-key-compare-rnn-reader {CHART}")).to_be_visible()
    expect(page.locator(f".st-key-compare-cnn-reader {CHART}")).to_be_visible()
    expect(page.locator(".st-key-compare-cnn-reader").get_by_text("The CNN says")).to_be_visible()
    page.get_by_role("button", name="Another held-out digit").click()
    wait_idle(page)
    # .first: while the browser swaps the figure, the old and the new one can both be in the container for a moment
    expect(page.locator(f".st-key-compare-rnn-reader {CHART}").first).to_be_visible()


def test_a_drawn_digit_reaches_the_compare_page(page, app_url):
    open_app(page, app_url, "digit")
    draw(page, [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]])
    wait_idle(page)
    expect(page.locator(".st-key-cnn-prediction").get_by_text("Prediction:")).to_be_visible()
    page.locator("[data-testid=stTopNavLink], [data-testid=stSidebarNavLink]").filter(has_text="Compare").first.click()
    wait_idle(page)
    expect(page.get_by_text("The digit from the Digit page.")).to_be_visible()
    expect(page.locator(f".st-key-compare-rnn-reader {CHART}")).to_be_visible()
    expect(page.locator(f".st-key-compare-cnn-reader {CHART}")).to_be_visible()


def test_the_scaling_button_produces_a_plot(page, app_url):
    open_app(page, app_url, "compare", "?section=Parallel+vs+sequential")
    button = page.get_by_role("button", name="Measure time against length")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(f".st-key-compare-scaling {CHART}")).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Measured here:")).to_be_visible()
