"""The canvas and the copy-link button in Chromium through the shipped HAProxy, with its Content-Security-Policy
on: no violation.

The policy (deploy/haproxy.cfg) allows no inline script but two by hash, no eval, and connections only to this
origin. Every page, each of its tabs, a class room's views and every lesson scene are opened under the policy by
tests/e2e/test_accessibility.py, which checks each view for violations as it runs axe; here a stroke is drawn on
the Digit page's canvas and the copy-link button's hashed inline script is run.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import draw, open_app

pytestmark = pytest.mark.e2e


def test_the_policy_is_on_and_a_canvas_stroke_and_the_copy_link_button_work_under_it(watched, proxy_url):
    page = watched.page
    response = page.goto(f"{proxy_url}/digit")
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in response.headers["content-security-policy"]
    open_app(page, proxy_url, "digit")
    draw(page, [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]])
    expect(page.locator(".st-key-cnn-prediction")).to_contain_text("Prediction:", timeout=60_000)
    page.get_by_role("button", name="Copy link to this view").click()  # the hashed inline script runs
    expect(page.get_by_text("Copied")).to_be_visible()
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    assert watched.violations() == []
