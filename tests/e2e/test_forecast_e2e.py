"""The Forecast page in a real browser: the held-out table, and stepping the GRU back through its window."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e


def test_the_table_and_the_grus_reading_step_by_step(page, app_url):
    open_app(page, app_url, "forecast", "?fc_read=10")
    expect(page.locator(".st-key-forecast-table")).to_contain_text("GRU (RNN)", timeout=60_000)
    reading = page.locator(".st-key-forecast-rnn-reading")
    expect(reading).to_contain_text("After reading")
    before = reading.inner_text()
    page.locator(".st-key-fc_read-prev button").click()
    wait_idle(page)
    expect(reading).not_to_have_text(before)
    wait_for(page, "() => new URLSearchParams(location.search).get('fc_read') === '9'")
    wait_for(page, "() => document.querySelector('.st-key-forecast-cnn-layers .js-plotly-plot')?.data")
