"""Phones, tablets and the projector, in Chromium as those devices open the app: the canvas fits its column, a
finger's stroke gives a prediction that is in view, no two chart titles overlap and none is cut, the page never
scrolls sideways (down to a 320 px window), a rotation mid-stroke keeps the drawing, the keyboard is never trapped
in the canvas or a chart; in presenter mode at 1280 × 720 every chart text is at least 20 px and a lesson scene's
figure starts on the first screen."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from explorer.cli.browser import CANVAS_FRAME, canvas_surface
from explorer.figures.projector import PROJECTED_MIN_PX
from tests.support.browser import canvas_ink, open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
TABLET = dict(viewport={"width": 820, "height": 1180}, has_touch=True)
LAPTOP = dict(viewport={"width": 1024, "height": 768})
DEVICES = {"phone": PHONE, "tablet": TABLET, "small-laptop": LAPTOP}
PAGES = ["digit?sample=7", "text", "compare", "forecast", "hybrid", "sentiment", "training", "guide", "lesson"]
ONE = [(0.5, 0.15), (0.5, 0.35), (0.5, 0.55), (0.5, 0.75), (0.5, 0.85)]  # a vertical stroke down the middle


@pytest.fixture
def device(browser, request):
    """A fresh browser context shaped like the device named by the test's parameter."""
    context = browser.new_context(**DEVICES[request.param])
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _context_page(browser, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _canvas_box(page) -> dict:
    canvas = canvas_surface(page)
    # as a student holds it: the canvas in the middle of the screen
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    return canvas.bounding_box()


def _touch(cdp, kind: str, x: float, y: float | None = None) -> None:
    points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1, "radiusX": 4, "radiusY": 4, "force": 1}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def _touch_stroke(page, points, box, rotate_to: dict | None = None) -> None:
    """A finger's stroke through `points` (fractions of the canvas box), as real touch input (Chromium's input
    pipeline, which also makes the pointer events the canvas listens to); `rotate_to`: the viewport the device
    turns to halfway through the stroke."""
    cdp = page.context.new_cdp_session(page)
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    _touch(cdp, "touchStart", *at[0])
    for i, (x, y) in enumerate(at[1:], start=1):
        if rotate_to and i == len(at) // 2:
            page.set_viewport_size(rotate_to)
            box = canvas_surface(page).bounding_box()  # the canvas moved with the layout
            at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
            x, y = at[i]
        _touch(cdp, "touchMove", x, y)
    _touch(cdp, "touchEnd", 0)
    cdp.detach()


@pytest.mark.parametrize("device", ["phone", "tablet", "small-laptop"], indirect=True)
def test_the_canvas_fits_its_column(device, app_url):
    open_app(device, app_url, "digit")
    canvas = canvas_surface(device)
    expect(canvas).to_be_visible()
    box = _canvas_box(device)
    column = device.locator(CANVAS_FRAME).first.evaluate(
        "f => { let e = f; while (e && e.getAttribute('data-testid') !== 'stColumn')"
        " e = e.parentElement; const r = e.getBoundingClientRect(); return {x: r.x, width: r.width}; }"
    )
    assert box["width"] >= 279, box  # drawn at its full 280 px
    assert column["x"] - 0.5 <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"] + 0.5, (
        box,
        column,
    )
    # every side of the canvas can start a stroke: what lies at its edges is the canvas itself, inside its frame
    for fx, fy in [(0.03, 0.5), (0.97, 0.5), (0.5, 0.03), (0.5, 0.97)]:
        x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
        on_top = device.evaluate(
            "([x, y]) => { const f = document.elementFromPoint(x, y); if (!f || f.tagName !== 'IFRAME') return f && f.tagName;"
            " const r = f.getBoundingClientRect(); const e = f.contentDocument.elementFromPoint(x - r.x, y - r.y);"
            " return e && e.id; }",
            [x, y],
        )
        assert on_top == "ink", (fx, fy, on_top)


@pytest.mark.parametrize("device", ["phone", "tablet"], indirect=True)
def test_a_touch_stroke_gives_a_prediction_in_view(device, app_url):
    open_app(device, app_url, "digit")
    _touch_stroke(device, ONE, _canvas_box(device))
    answer = device.locator(".st-key-cnn-prediction h3")
    expect(answer).to_contain_text("Prediction: 1", timeout=30_000)
    wait_idle(device)
    top, bottom, height = answer.evaluate(
        "h => { const r = h.getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]; }"
    )
    assert 0 <= top and bottom <= height, (top, bottom, height)  # no scrolling needed to read it


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_a_phone_turned_mid_stroke_keeps_the_drawing(device, app_url):
    open_app(device, app_url, "digit")
    _touch_stroke(device, ONE, _canvas_box(device))
    expect(device.locator(".st-key-cnn-prediction")).to_contain_text("Prediction: 1", timeout=30_000)
    wait_idle(device)
    before = canvas_ink(device)
    assert before > 0
    # a second stroke, across the top, while the phone turns to landscape
    _touch_stroke(device, [(0.2, 0.2), (0.35, 0.2), (0.5, 0.2), (0.65, 0.2), (0.8, 0.2)], _canvas_box(device),
                  rotate_to={"width": 844, "height": 390})  # fmt: skip
    wait_idle(device)
    after = canvas_ink(device)
    assert after > before  # the first stroke is still there, and the second was added to it
    expect(device.locator(".st-key-cnn-prediction")).to_contain_text("Prediction:")
    expect(device.locator("[data-testid=stException]")).to_have_count(0)


@pytest.mark.parametrize("device", ["phone"], indirect=True)
def test_a_wide_chart_scrolls_sideways_under_a_finger(device, app_url):
    """On a phone the layer overview keeps its width and scrolls inside its own box: a finger's swipe across it
    scrolls it (Plotly's drag layer would take the touch for a zoom), and the page itself does not move sideways.
    (`layer=` in the address opens the layers section, which the page draws only while it is open.)"""
    open_app(device, app_url, "digit", query="?sample=7&layer=conv1")
    box = device.locator(".st-key-inside-overview-chart")
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    expect(box.locator(".main-svg").first).to_be_attached()
    assert box.evaluate("e => e.scrollWidth - e.clientWidth") > 100  # wider than the phone: it has to scroll
    r = box.bounding_box()
    y = r["y"] + r["height"] / 2
    cdp = device.context.new_cdp_session(device)
    _touch(cdp, "touchStart", r["x"] + 0.8 * r["width"], y)
    for i in range(1, 13):
        _touch(cdp, "touchMove", r["x"] + (0.8 - 0.05 * i) * r["width"], y)
    _touch(cdp, "touchEnd", 0)
    cdp.detach()
    wait_for(device, "() => document.querySelector('.st-key-inside-overview-chart').scrollLeft > 50")
    assert device.evaluate("() => document.documentElement.scrollLeft") == 0


# Every chart on the page drawn (scrolled into view: Plotly draws on demand), then, in each chart, the boxes of its
# titles (.gtitle) and annotations: pairs that overlap, and any that leaves the chart's own drawing (cut).
_TITLES_JS = """async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const found = [];
  for (const chart of document.querySelectorAll('.stElementContainer.stPrintGraphic')) {
    chart.scrollIntoView({block: 'center'});
    for (let i = 0; i < 150 && !chart.querySelector('.main-svg'); i++) await sleep(100);
    const svg = chart.querySelector('.main-svg');
    if (!svg) continue;  // not a Plotly chart (an image)
    await sleep(150);
    const key = [...chart.classList].find((c) => c.startsWith('st-key-')) || chart.className;
    const frame = svg.getBoundingClientRect();
    const texts = [...chart.querySelectorAll('.gtitle, .annotation-text')]
      .map((t) => ({text: t.textContent, r: t.getBoundingClientRect()})).filter((t) => t.r.width > 0 && t.text.trim());
    texts.forEach((a, i) => {
      if (a.r.left < frame.left - 1 || a.r.right > frame.right + 1) found.push(`${key}: "${a.text}" is cut`);
      texts.slice(i + 1).forEach((b) => {
        const ox = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const oy = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (ox > 1 && oy > 1) found.push(`${key}: "${a.text}" overlaps "${b.text}"`);
      });
    });
  }
  return found;
}"""

_SIDEWAYS_JS = """() => {
  const root = document.documentElement, main = document.querySelector('[data-testid=stMain]');
  return {page: root.scrollWidth - root.clientWidth, main: main.scrollWidth - main.clientWidth};
}"""


@pytest.mark.parametrize("path", PAGES)
def test_chart_titles_never_overlap_and_the_page_never_scrolls_sideways(browser, app_url, path):
    problems = []
    for name, options in [("phone", PHONE), ("tablet", TABLET)]:
        context, page = _context_page(browser, **options)
        try:
            open_app(page, app_url, path)
            problems += [f"{name}: {p}" for p in page.evaluate(_TITLES_JS)]
            sizes = [name] if name == "tablet" else [name, "320 px"]
            for size in sizes:  # the phone, then the same page narrowed to a 320 px window (no new load)
                if size == "320 px":
                    page.set_viewport_size({"width": 320, "height": 640})
                    wait_for(page, "() => document.documentElement.clientWidth === 320")
                    with contextlib.suppress(PlaywrightTimeout):  # Plotly redraws its charts at the new width
                        settled = f"() => {{ const s = ({_SIDEWAYS_JS})(); return !s.page && !s.main; }}"
                        wait_for(page, settled, timeout=5_000)
                sideways = page.evaluate(_SIDEWAYS_JS)
                if sideways["page"] > 0 or sideways["main"] > 0:
                    problems.append(f"{size}: the page scrolls sideways by {sideways}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


# every text Plotly drew, with its computed size; labels a chart hides (no width) are not read
_CHART_TEXT_JS = """async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const sizes = [];
  for (const chart of document.querySelectorAll('.stElementContainer.stPrintGraphic')) {
    chart.scrollIntoView({block: 'center'});
    for (let i = 0; i < 150 && !chart.querySelector('.main-svg'); i++) await sleep(100);
    for (const t of chart.querySelectorAll('.main-svg text')) {
      if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
      sizes.push([parseFloat(getComputedStyle(t).fontSize), t.textContent.slice(0, 40)]);
    }
  }
  // the light figures (drawn as HTML: the Digit page's probabilities and preprocessing strip)
  for (const t of document.querySelectorAll('.xp-fig :is(figcaption, .xp-v, .xp-x, .xp-axis)')) {
    if (!t.textContent.trim() || t.getBoundingClientRect().width === 0) continue;
    sizes.push([parseFloat(getComputedStyle(t).fontSize), t.textContent.slice(0, 40)]);
  }
  return sizes;
}"""


@pytest.mark.parametrize("path", ["digit?sample=7", "text", "compare", "forecast", "training", "guide"])
def test_presenter_chart_text_is_projector_sized(browser, app_url, path):
    context, page = _context_page(browser, viewport={"width": 1280, "height": 720})
    try:
        open_app(page, app_url, path, query=("&" if "?" in path else "?") + "present=1")
        sizes = page.evaluate(_CHART_TEXT_JS)
    finally:
        context.close()
    assert sizes, "no chart text found"
    small = [s for s in sizes if s[0] < PROJECTED_MIN_PX - 0.01]
    assert not small, small[:10]


def test_a_lesson_scene_shows_its_figure_on_the_first_screen(browser, app_url):
    """Scene 2 ('A convolution at one position') talks about the window figure, which the Digit page draws far
    below its top: in presenter mode at 1280 × 720 the figure starts on the first screen."""
    context, page = _context_page(browser, viewport={"width": 1280, "height": 720})
    try:
        open_app(page, app_url, "lesson", query="?lesson=cnn-vs-rnn&scene=2&present=1")
        figure = page.locator(".st-key-inside-conv-animation .main-svg").first
        expect(figure).to_be_attached()
        top = page.evaluate("() => document.querySelector('.st-key-inside-conv-animation').getBoundingClientRect().top")
        note = page.locator(".st-key-lesson-scene").bounding_box()
        assert note["y"] + note["height"] <= top < 720, (note, top)  # under the note, on the first screen
    finally:
        context.close()


@pytest.mark.parametrize("device", ["tablet"], indirect=True)
def test_the_keyboard_passes_through_the_canvas_and_the_charts(device, app_url):
    """Tab from the canvas (it takes focus, for drawing by keyboard): focus moves on at every press, out of the
    canvas's frame, through the prediction charts, and reaches the Inside-the-CNN layers section after them (no
    trap)."""
    open_app(device, app_url, "digit", query="?sample=7")
    canvas_surface(device).focus()
    seen = []
    for _ in range(60):
        device.keyboard.press("Tab")
        where, same = device.evaluate(
            "() => { let e = document.activeElement; while (e && e.tagName === 'IFRAME' && e.contentDocument)"
            " e = e.contentDocument.activeElement; const same = e === window.__lastFocus; window.__lastFocus = e;"
            " const k = e.closest('[class*=st-key-]');"
            " return [(k ? [...k.classList].find((c) => c.startsWith('st-key-')) : '') + ' ' + e.tagName, same]; }"
        )
        assert not same, f"focus stuck on {where} after {seen[-5:]}"
        seen.append(where)
        if "st-key-inside-open" in where:
            break
    assert any("st-key-inside-open" in s for s in seen), seen
