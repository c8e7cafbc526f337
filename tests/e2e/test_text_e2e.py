"""The Text page in a real browser: typing updates the views, the step control moves, script never runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import wait_for, wait_idle

pytestmark = pytest.mark.e2e

HEATMAP_COLUMNS = "() => document.querySelector('.st-key-hidden-heatmap .js-plotly-plot').calcdata[0][0].z[0].length"
MARKER_X0 = "() => document.querySelector('.st-key-hidden-heatmap .js-plotly-plot').layout.shapes[0].x0"
TOP5 = "() => JSON.stringify(document.querySelector('.st-key-rnn-top5 .js-plotly-plot').data[0].y)"


def _open_text(page, app_url: str) -> None:
    """Open the Text page; the first visit in a process compiles four models, so allow it time."""
    page.goto(f"{app_url}/text")
    expect(page.locator(".st-key-text-step")).to_contain_text("Step", timeout=240_000)
    wait_idle(page, timeout=240_000)


def _type(page, text: str) -> None:
    box = page.locator(".st-key-text_input textarea")
    box.fill(text)
    box.press("Control+Enter")  # a text area sends its value on Ctrl+Enter (or on blur)
    wait_idle(page)


def test_typing_updates_the_heatmap_and_the_predictions(page, app_url):
    _open_text(page, app_url)
    step = page.locator(".st-key-text-step")
    expect(step).to_contain_text("Step")
    wait_for(page, "() => !!document.querySelector('.st-key-rnn-top5 .js-plotly-plot')?.data")  # drawn
    top_before = page.evaluate(TOP5)
    _type(page, "Hello there, my fri")
    expect(step).to_contain_text("Step 19 of 19")
    wait_for(page, f"() => ({HEATMAP_COLUMNS})() === 19")
    wait_for(page, f"() => ({TOP5})() !== {top_before!r}")


def test_the_step_control_moves_the_character_being_read(page, app_url):
    _open_text(page, app_url)
    _type(page, "abcdefghij")
    step = page.locator(".st-key-text-step")
    expect(step).to_contain_text("Step 10 of 10")
    page.locator(".st-key-step-prev button").click()
    expect(step).to_contain_text("Step 9 of 10")
    expect(step).to_contain_text("“i”")
    wait_for(page, f"() => ({MARKER_X0})() === 8.5")  # the outlined column moved to character 9
    page.locator(".st-key-step-prev button").click()
    expect(step).to_contain_text("Step 8 of 10")
    page.locator(".st-key-step-next button").click()
    expect(step).to_contain_text("Step 9 of 10")


def test_html_and_script_in_text_are_shown_literally_and_never_run(page, app_url):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open_text(page, app_url)
    payload = "<img src=x onerror=alert(1)>"
    _type(page, payload)
    expect(page.locator(".st-key-text-step")).to_contain_text(f"Step {len(payload)} of {len(payload)}")
    page.get_by_text("What the models read").click()
    expect(page.locator("[data-testid=stCode]").first).to_contain_text(payload)
    assert page.locator("img[src='x']").count() == 0
    _type(page, "<script>alert(2)</script> **bold** $x^2$")
    expect(page.locator("[data-testid=stCode]").first).to_contain_text("<script>alert(2)</script> **bold** $x^2$")
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert(2)'))")
    assert dialogs == []
