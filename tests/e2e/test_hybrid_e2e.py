"""The Hybrid page in a real browser: the clip plays, and a new motion changes the hybrid's answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e

LABEL = "() => document.querySelector('.st-key-hybrid-clip g.slider-group > text.slider-label')?.textContent"


def test_the_clip_plays_and_the_motion_changes_the_answer(page, app_url):
    open_app(page, app_url, "hybrid")
    expect(page.locator(".st-key-hybrid-table")).to_contain_text("hybrid: CNN per frame", timeout=60_000)
    wait_for(page, f"() => ({LABEL})() === 'frame 1'")
    page.locator(".st-key-hybrid-clip").get_by_text("▶ play").click()
    wait_for(page, f"() => ({LABEL})() === 'frame 8'", timeout=20_000)  # it played through
    page.locator(".st-key-hy_direction button").filter(has_text=re.compile("^up$")).click()
    wait_idle(page)
    expect(page.get_by_text("The clip moves up.")).to_be_visible()
    expect(page.locator(".st-key-hybrid-table")).to_contain_text("up")
