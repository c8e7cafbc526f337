"""Lecture mode in a real browser: every view in its address (and through a reload), presenter keys, lessons,
and an exported animation that plays from file:// with the network off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from explorer.app import present
from tests.support.browser import assert_stays_still, draw, open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / ".pytest_cache" / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)
# the probability bars (drawn as HTML, explorer/figures/light.py), each bar holding its exact value
DRAWN = "() => ['cnn-probs', 'rnn-probs'].every(k => document.querySelectorAll(`.st-key-${k} .xp-b`).length === 10)"
PROBS = "(key) => JSON.stringify([...document.querySelectorAll(`.st-key-${key} .xp-b`)].map((b) => b.dataset.value))"
SLIDER_ACTIVE = (
    "() => document.querySelector('.st-key-inside-conv-animation .js-plotly-plot')?.layout?.sliders?.[0]?.active"
)


def _selected(page, key: str) -> str:
    """The label of the selected option of a segmented control / pills widget."""
    return page.locator(
        f".st-key-{key} button[aria-checked=true], .st-key-{key} button[kind*=Active]"
    ).first.inner_text()


def _params(page) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlparse

    return dict(parse_qsl(urlparse(page.url).query))


def test_a_digit_address_opens_exactly_that_view_and_survives_a_reload(page, app_url):
    open_app(page, app_url, "digit", "?sample=9&cell=GRU&layer=conv2&map=11&row=4&frame=6")
    expect(page.locator(".st-key-inside-detail")).to_contain_text("conv2, map 11")
    assert _selected(page, "cell") == "GRU" and _selected(page, "layer") == "conv2"
    expect(page.locator(".st-key-row input[type=range]").first).to_have_value("4")
    expect(page.locator(".st-key-frame input[type=range]").first).to_have_value("6")
    wait_for(page, f"() => ({SLIDER_ACTIVE})() === 6")  # the animation opens at that window position
    expect(page.locator(".st-key-rnn-prediction")).to_contain_text("GRU")
    # change a widget: the address follows, and a reload shows the same view
    page.locator(".st-key-map button").filter(has_text=re.compile("^5$")).click()
    wait_idle(page)
    wait_for(page, "() => new URLSearchParams(location.search).get('map') === '5'")
    page.reload()
    wait_idle(page)
    expect(page.locator(".st-key-inside-detail")).to_contain_text("conv2, map 5")
    assert _params(page)["sample"] == "9" and _selected(page, "cell") == "GRU"


def test_a_shared_sketch_address_gives_the_drawings_own_prediction(page, browser, app_url):
    open_app(page, app_url, "digit")
    draw(page, [[(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)]])  # a 7
    wait_for(page, "() => new URLSearchParams(location.search).has('sketch')")
    wait_idle(page)
    wait_for(page, DRAWN)
    before = (page.evaluate(PROBS, "cnn-probs"), page.evaluate(PROBS, "rnn-probs"))
    shared = page.url
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(shared)
    expect(other.locator(".st-key-cnn-prediction")).to_contain_text("Prediction", timeout=60_000)
    wait_idle(other)
    wait_for(other, DRAWN)
    assert (other.evaluate(PROBS, "cnn-probs"), other.evaluate(PROBS, "rnn-probs")) == before
    other.context.close()


def test_a_text_address_opens_that_step_and_unit_and_presenter_keys_step(page, app_url):
    query = "?text=The%20cat%20sat%20on%20the%20mat.&cell=GRU&step=5&unit=17&temperature=1.3&seed=42&present=1"
    page.goto(f"{app_url}/text{query}")
    step = page.locator(".st-key-text-step")
    expect(step).to_contain_text("Step 5 of 23", timeout=240_000)
    wait_idle(page)
    expect(page.locator(".st-key-unit input")).to_have_value("17")
    expect(page.locator(".st-key-seed input")).to_have_value("42")
    expect(page.locator(".st-key-temperature input[type=range]").first).to_have_value("1.3")
    expect(page.locator(".st-key-step-next button")).to_be_visible()
    assert _selected(page, "cell") == "GRU"
    page.screenshot(path=str(SHOTS / "present-text-1280x900.png"))
    page.mouse.click(5, 300)  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    expect(step).to_contain_text("Step 6 of 23")
    wait_for(page, "() => new URLSearchParams(location.search).get('step') === '6'")
    page.reload()
    expect(step).to_contain_text("Step 6 of 23", timeout=60_000)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_a_lesson_moves_between_scenes_with_the_arrow_keys(browser, app_url, size):
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/lesson?lesson=cnn-vs-rnn&scene=2&present=1")
    scene = page.locator(".st-key-lesson-scene")
    expect(scene).to_contain_text("Scene 2 of 13", timeout=240_000)
    wait_idle(page)
    expect(page.locator(".st-key-inside-detail")).to_contain_text("conv1, map 2")
    expect(page.locator(".st-key-scene-next button")).to_be_visible(timeout=60_000)  # drawn, its key listening
    wait_for(page, DRAWN)
    page.screenshot(path=str(SHOTS / f"lesson-scene2-{size[0]}x{size[1]}.png"))
    page.mouse.click(5, 300)
    page.keyboard.press("ArrowRight")
    expect(scene).to_contain_text("Scene 3 of 13")
    wait_for(page, "() => new URLSearchParams(location.search).get('scene') === '3'")
    page.keyboard.press("ArrowLeft")
    expect(scene).to_contain_text("Scene 2 of 13")
    page.goto(f"{app_url}/lesson?lesson=cnn-vs-rnn&scene=6&present=1")
    expect(page.locator(".st-key-text-step")).to_contain_text("Step 9 of", timeout=240_000)
    wait_idle(page)
    expect(page.locator(".st-key-step-next button")).to_be_visible()
    wait_for(page, "() => document.querySelector('.st-key-rnn-top5 .js-plotly-plot')?.data")
    page.screenshot(path=str(SHOTS / f"lesson-scene6-{size[0]}x{size[1]}.png"))
    page.context.close()


def test_an_exported_animation_plays_from_file_with_the_network_off(page, browser, app_url, tmp_path):
    open_app(page, app_url, "digit", "?sample=9&layer=conv1&map=2")
    button = page.locator(".st-key-inside-conv-animation-html button")
    expect(button).to_be_visible()
    wait_idle(page)
    saved = tmp_path / "conv.html"
    for _ in range(3):  # a press that lands while the page is still rerunning can be lost: press again
        try:
            with page.expect_download(timeout=60_000) as download:  # the file (~5 MB) is built on the press
                button.click()
            download.value.save_as(saved)
            break
        except PlaywrightTimeout:
            wait_idle(page)
    assert saved.exists(), "no download after three presses"
    offline = browser.new_context(offline=True).new_page()
    offline.route(re.compile(r"^https?://"), lambda route: route.abort())  # nothing may come from a network
    offline.goto(saved.as_uri())
    wait_for(offline, "() => document.querySelector('.js-plotly-plot')?._transitionData?._frames?.length > 0")
    frames = offline.evaluate("() => document.querySelector('.js-plotly-plot')._transitionData._frames.length")
    assert frames == 28
    title = "() => document.querySelector('.js-plotly-plot').layout.title.text"
    first = offline.evaluate(title)
    offline.get_by_text("▶ play").click()
    wait_for(offline, f"() => ({title})() !== {first!r}")  # the frames advance
    offline.context.close()


@pytest.mark.parametrize(
    "path,query",
    [
        ("digit", "?sample=-1&layer=%3Cscript%3E&map=1e9&row=x&frame=999999999999999999999&sketch=%%%"),
        ("text", "?step=0&unit=99999&temperature=inf&seed=-5&cell=%3Cb%3Ex%3C/b%3E"),
        ("compare", "?section=%3Cimg%20src=x%20onerror=alert(1)%3E&digit=abc"),
        ("lesson", "?lesson=nope&scene=999"),
    ],
)
def test_bad_address_parameters_warn_and_the_view_still_opens(page, app_url, path, query):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page, app_url, path, query)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    if path != "lesson":  # a lesson name Streamlit drops silently falls back to the first lesson
        expect(page.locator("[data-testid=stAlertContentWarning]").first).to_contain_text(
            "Ignored the address parameter"
        )
    assert not dialogs


def _step_number(page) -> int:
    return int(re.search(r"Step (\d+) of", page.locator(".st-key-text-step").inner_text()).group(1))


def test_space_plays_and_pauses_the_text_in_presenter_mode(page, app_url):
    page.goto(f"{app_url}/text?text=abcdefghijklmnopqrstuvwxyz&step=2&present=1")
    expect(page.locator(".st-key-text-step")).to_contain_text("Step 2 of 26", timeout=240_000)
    expect(page.locator(".st-key-step-play button")).to_be_visible()
    page.mouse.click(5, 300)
    page.keyboard.press("Space")
    wait_for(
        page, "() => /Step ([5-9]|1\\d) of/.test(document.querySelector('.st-key-text-step').innerText)", timeout=30_000
    )  # it moves on by itself
    expect(page.locator(".st-key-step-play button")).to_contain_text("Pause")
    page.keyboard.press("Space")
    expect(page.locator(".st-key-step-play button")).to_contain_text("Play")
    wait_idle(page)
    paused_at = _step_number(page)
    # paused: no step runs in more than three play intervals (it stepped every PLAY_EVERY_S while playing)
    assert_stays_still(page, ".st-key-text-step", 3.5 * present.PLAY_EVERY_S * 1000)
    assert _step_number(page) == paused_at


def test_copy_link_copies_the_address_of_this_view(browser, app_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_app(page, app_url, "compare", "?section=Invariance+probes&digit=5&cell=GRU")
    expect(page.locator("[data-testid=stTab][aria-selected=true]")).to_contain_text("Invariance probes")
    expect(page.locator(".st-key-compare-probe-curve")).to_be_visible()
    assert _selected(page, "cell") == "GRU"
    page.get_by_role("button", name="Copy link to this view").click()
    copied = wait_for(
        page, "async () => { const t = await navigator.clipboard.readText(); return t.includes('section=') && t; }"
    ).json_value()
    assert copied == page.url and "digit=5" in copied and "cell=GRU" in copied
    context.close()


def test_guide_answers_live_in_the_address(page, app_url):
    open_app(page, app_url, "guide", "?guide_data=sequence&guide_order=no")
    expect(page.locator(".st-key-guide-recommendation")).to_be_visible()
    checked = page.locator("[data-testid=stRadio] input:checked")
    expect(checked).to_have_count(2)
    page.reload()
    wait_idle(page)
    expect(page.locator("[data-testid=stRadio] input:checked")).to_have_count(2)
    assert _params(page)["guide_data"] == "sequence" and _params(page)["guide_order"] == "no"
