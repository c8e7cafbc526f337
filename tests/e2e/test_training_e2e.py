"""The Training page in a real browser: live training runs by itself while playing and stops on pause."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_stays_still, open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e


def _step(page) -> int:
    return int(re.search(r"Step ([\d,]+)", page.locator(".st-key-live-status").inner_text()).group(1).replace(",", ""))


def test_play_trains_by_itself_and_pause_stops_it(page, app_url):
    open_app(page, app_url, "training", "?training_section=Train+one+yourself")
    expect(page.locator(".st-key-live-status")).to_contain_text("Step 0", timeout=60_000)
    page.locator(".st-key-live-play button").click()
    wait_for(
        page,
        "() => /Step (6|8|[1-9]\\d\\d)/.test(document.querySelector('.st-key-live-status')?.innerText ?? '')",
        timeout=60_000,
    )  # several ticks of 20 steps, with no click
    expect(page.locator(".st-key-live-status")).to_contain_text("held-out accuracy")
    page.locator(".st-key-live-play button").click()  # pause
    expect(page.locator(".st-key-live-play button")).to_contain_text("Play", timeout=30_000)  # after a tick in flight
    wait_idle(page)
    paused_at = _step(page)
    # paused: no tick runs in three ticks' time (while playing, the live fragment runs once a second)
    assert_stays_still(page, ".st-key-live-status", 3_000)
    assert _step(page) == paused_at


def test_scrubbing_changes_the_saved_models_answers(page, app_url):
    open_app(page, app_url, "training")
    generated = page.locator(".st-key-training-generated")
    expect(generated).to_contain_text("The ", timeout=120_000)
    before = generated.inner_text()
    slider = page.locator(".st-key-checkpoint input[type=range]").first
    slider.focus()
    page.keyboard.press("End")  # the last checkpoint: the shipped model
    wait_idle(page)
    expect(generated).not_to_have_text(before)
    expect(page.locator(".st-key-training-digit-cnn")).to_contain_text("98.4%")
