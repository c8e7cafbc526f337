"""Every page in Chromium through the shipped HAProxy, with its Content-Security-Policy on: no violation anywhere.

The policy (deploy/haproxy.cfg) allows no inline script but two by hash, no eval, and connections only to this
origin. A page that needed more would break in a hosted class and log a violation here: each page is opened
and scrolled to its end (so every figure renders), and a stroke is drawn on the Digit page's canvas.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from explorer.cli.loadtest import servers
from tests.support.browser import draw, open_app, wait_idle

pytestmark = pytest.mark.e2e

PAGES = ("digit", "text", "compare", "forecast", "hybrid", "sentiment", "training", "guide", "lesson")

# Recorded by the page itself: every `securitypolicyviolation` event the browser fires, from the first script on.
_RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture(scope="module")
def proxy_url():
    with servers.app_processes(1) as apps, servers.haproxy([apps[0].url.removeprefix("http://")]) as url:
        yield url


@pytest.fixture
def watched(browser):
    """A page that records CSP violations (events and console), and every refused request to the app."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if r.status >= 400 and _served(r.url) else None)
    yield page, seen
    context.close()


def _served(url: str) -> bool:
    """A request for something the app serves at its root (the frontend also probes /<page>/_stcore/health first,
    which Streamlit itself answers 404 with or without a proxy: not a refusal)."""
    return urlparse(url).path.startswith(("/_stcore/", "/static/", "/media/", "/component/"))


def _violations(page, seen: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp"), *seen]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_under_the_policy(watched, proxy_url, path):
    page, seen = watched
    response = page.goto(f"{proxy_url}/{path}")
    assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in response.headers["content-security-policy"]
    expect(page.locator("[data-testid=stApp]")).to_be_visible()
    wait_idle(page)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)
    page.keyboard.press("End")  # every figure below the fold renders too
    page.mouse.wheel(0, 20_000)
    wait_idle(page)
    if path != "digit":  # a Plotly figure drew (the Digit page shows its canvas first: below)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    assert _violations(page, seen) == []


def test_a_canvas_stroke_and_the_copy_link_button_work_under_the_policy(watched, proxy_url):
    page, seen = watched
    open_app(page, proxy_url, "digit")
    draw(page, [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]])
    expect(page.locator(".st-key-cnn-prediction")).to_contain_text("Prediction:", timeout=60_000)
    page.get_by_role("button", name="Copy link to this view").click()  # the hashed inline script runs
    expect(page.get_by_text("Copied")).to_be_visible()
    assert _violations(page, seen) == []
