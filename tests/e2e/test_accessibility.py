"""WCAG 2.1 A/AA in a real browser: axe-core (from npm, version pinned in package-lock.json) finds no violation on
any page the app's navigation registers, in each of its tabs, on the Digit page with a digit in hand, in a class
room's two views and in every scene of the lessons. The pages are opened through the shipped HAProxy, and each view
is also checked for Content-Security-Policy violations and exceptions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.support import axe
from tests.support.apptest import registered_pages
from tests.support.browser import open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e

PAGES = [info["url_pathname"] for info in registered_pages() if info.get("script_path")]
# Views a page's plain address does not show: the Digit page's predictions and "Inside the CNN" need a digit.
EXTRA_VIEWS = {"digit": ["?sample=7"]}
FIGURES = Path(__file__).resolve().parents[2] / ".pytest_cache" / "axe"  # per-view counts, for the closing note

# The open tab's panel has been drawn (tabs draw their section only when open) and the script has finished.
_TAB_DRAWN = """(label) => {
  const app = document.querySelector('[data-testid=stApp]');
  const tab = [...document.querySelectorAll('[role=tab][aria-selected=true]')].find((t) => t.innerText.trim() === label);
  const panel = tab && document.getElementById(tab.getAttribute('aria-controls'));
  return !!panel && panel.innerText.trim().length > 0 && app.getAttribute('data-test-script-state') === 'notRunning';
}"""

# (charts drawn, chart text alternatives, mode-bar buttons) on the page now
_CHARTS_JS = """() => [document.querySelectorAll('.js-plotly-plot').length,
  [...document.querySelectorAll('p.explorer-sr-only')].filter((p) => p.textContent.startsWith('Chart: ')).length,
  document.querySelectorAll('.modebar-btn').length]"""


def _views(page, app_url: str, path: str):
    """Open each view of the page in turn; yields its name once it is drawn."""
    for query in ["", *EXTRA_VIEWS.get(path, [])]:
        open_app(page, app_url, path, query)
        page.wait_for_selector("span.explorer-sr-only", state="attached")  # the app's own style sheet is drawn
        yield f"/{path}{query}"
        tabs = page.locator("[data-testid=stMain] [role=tab]")
        for i in range(tabs.count()):
            label = tabs.nth(i).inner_text().strip()
            tabs.nth(i).click()
            wait_for(page, _TAB_DRAWN, arg=label, timeout=120_000)
            yield f"/{path}{query} tab {label!r}"
    if path == "class":  # a room: the lecturer's view of it, then the student's join view
        page.get_by_role("button", name="Start a class room").click()
        wait_for(page, "() => new URLSearchParams(location.search).get('key')?.length >= 32")
        wait_idle(page)
        yield "/class the lecturer's view of a room"
        code = page.evaluate("() => new URLSearchParams(location.search).get('room')")
        open_app(page, app_url, path, f"?room={code}")
        page.wait_for_selector("span.explorer-sr-only", state="attached")
        yield "/class a student's join view"
    if path == "lesson":  # every scene: each opens another page's view
        while page.locator(".st-key-scene-next button").is_enabled():
            shown = page.locator(".st-key-lesson-scene h4").inner_text()
            page.locator(".st-key-scene-next button").click()
            expect(page.locator(".st-key-lesson-scene h4")).not_to_have_text(shown, timeout=120_000)
            wait_idle(page, timeout=120_000)
            yield f"/lesson {page.locator('.st-key-lesson-scene h4').inner_text()}"


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_21_aa_violations_on_any_view_of_the_page(watched, proxy_url, path):
    """Through the shipped proxy, so that each view is also checked for Content-Security-Policy violations."""
    axe.installed_axe()  # before the server's time is spent: a missing axe-core fails here, never skips
    page = watched.page
    found: dict[str, list[dict]] = {}
    version = ""
    for view in _views(page, proxy_url, path):
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        assert watched.violations() == [], f"{view}: the page's policy was violated"
        version, found[view] = axe.violations(page)
        charts, described, buttons = page.evaluate(_CHARTS_JS)
        assert buttons == 0, f"{view}: {buttons} mode-bar buttons (a tab stop per chart)"
        assert described >= charts, f"{view}: {charts} charts but {described} text alternatives"
    FIGURES.mkdir(parents=True, exist_ok=True)
    counts = {view: {v["id"]: v["count"] for v in vs} for view, vs in found.items()}
    (FIGURES / f"{path}.json").write_text(json.dumps({"axe": version, "views": counts}, indent=1))
    assert len(found) >= 1
    bad = {view: vs for view, vs in found.items() if vs}
    assert not bad, "\n".join(f"{view}:\n{axe.described(vs)}" for view, vs in bad.items())


LIVE = "[role=status][aria-live=polite]"
# A mark on the live region's element: still there after an announcement means the browser kept the region and
# only its text changed, which is what a screen reader announces (a region drawn anew is not announced).
_MARK = "(sel) => { const e = document.querySelector(sel); if (e) e.__kept = true; return !!e; }"
_MARKED = "(sel) => document.querySelector(sel)?.__kept === true"


def test_a_keyboard_user_picks_the_fifth_held_out_3_and_hears_the_new_prediction(page, app_url):
    from explorer.data import digits

    labels = digits.load_heldout().labels
    fifth_three = int(np.flatnonzero(labels == 3)[4])  # independent of the page: the 5th image labelled 3
    open_app(page, app_url, "digit", "?sample=7")
    live = f".st-key-prediction-announcement {LIVE}"
    region = page.locator(live)
    expect(region).to_have_text(re.compile(r"^CNN predicts \d"))
    assert page.evaluate(_MARK, live)
    # keyboard only: the expander's summary, the row of digits, the number, the button
    page.locator("summary").filter(has_text="Choose a held-out digit").focus()
    page.keyboard.press("Enter")
    digits_row = page.locator(".st-key-choose-digit [role=radiogroup]")
    expect(digits_row).to_be_visible()  # the expander has opened (a busy server draws it late)
    page.keyboard.press("Tab")  # from the summary into the row of digits: one tab stop, on the chosen digit (0)
    assert page.evaluate("() => document.activeElement.closest('.st-key-choose-digit') !== null")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 0 → 1 → 2 → 3
    expect(page.locator(".st-key-choose-digit label:has(input:checked)")).to_have_text("3")
    wait_idle(page)
    threes = int(np.count_nonzero(labels == 3))
    expect(page.locator(".st-key-choose-which")).to_contain_text(f"Which one (1–{threes})")  # the page took the 3
    page.locator(".st-key-choose-which input").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Tab")  # leaves the number (Streamlit takes its value) towards − / + and the button
    wait_idle(page)
    show = page.locator(".st-key-choose-show button")
    for _ in range(4):  # − and + of the number box, then the button
        if show.evaluate("(b) => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert show.evaluate("(b) => b === document.activeElement"), "Tab does not reach the Show it button"
    # the focus ring is drawn: a 2 px solid outline on the focused button
    ring = show.evaluate("(b) => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth]; }")
    assert ring == ["solid", "2px"], ring
    page.keyboard.press("Enter")
    wait_for(page, f"() => new URLSearchParams(location.search).get('sample') === '{fifth_three}'")
    wait_idle(page)
    expect(page.locator("[data-testid=stMain]")).to_contain_text(f"Held-out MNIST digit #{fifth_three}, labelled 3")
    shown = page.locator(".st-key-cnn-prediction h3").inner_text().removeprefix("Prediction: ")
    expect(region).to_contain_text(f"CNN predicts {shown}.")
    assert page.evaluate(_MARKED, live), "the live region was drawn anew (not announced)"


def test_each_step_and_each_lesson_scene_is_announced(page, app_url):
    open_app(page, app_url, "lesson")
    live = f".st-key-lesson-scene {LIVE}"
    scene = page.locator(live)
    expect(scene).to_have_text(re.compile(r"^Scene 1 of \d+: "))
    assert page.evaluate(_MARK, live)
    page.locator(".st-key-scene-next button").click()
    expect(scene).to_have_text(re.compile(r"^Scene 2 of \d+: "))
    title = page.locator(".st-key-lesson-scene h4").inner_text().split(": ", 1)[1]
    expect(scene).to_have_text(re.compile(f": {re.escape(title)}$"))
    assert page.evaluate(_MARKED, live)
    # a stepper (here the convolution's window) says where it stands after each step
    open_app(page, app_url, "digit", "?sample=7&frame=3")
    step = page.locator(f".st-key-step-keys {LIVE}")
    expect(step).to_have_text(re.compile(r": 4 of 28$"))  # frame 3, counted from 0, is the 4th of 28 positions
