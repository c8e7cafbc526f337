"""Browser tests: `streamlit run` on a free port, driven by Playwright in the system Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from explorer.cli import appserver
from explorer.cli import browser as chromium

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", chromium.CHROMIUM)
CHROMIUM_ARGS = chromium.CHROMIUM_ARGS
# The suite runs on two workers (pytest-xdist) sharing two cores with the app servers they start: an element can
# take longer than Playwright's default 5 s to be drawn; 30 s is still a failure, not a hang.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    log_dir = ROOT / ".pytest_cache"
    log_dir.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # one server, and one log, per test worker
    # class rooms opened by the tests go into a SQLite file of this run's, never the user's own data folder
    env = {**os.environ, "EXPLORER_DATA_DIR": str(tmp_path_factory.mktemp("data"))}
    env.pop("EXPLORER_CLASS_STORE", None)
    with (
        open(log_dir / f"streamlit-e2e-{worker}.log", "w") as log,
        appserver.started_app(log, env=env) as (url, _),
    ):
        yield url


# Recorded by the page itself: every `securitypolicyviolation` event the browser fires, from the first script on.
_RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
});
"""


@pytest.fixture(scope="session")
def proxy_url(tmp_path_factory):
    """One app process behind the shipped HAProxy (its Content-Security-Policy and compression on), per worker."""
    from explorer.cli.loadtest import servers

    env = {"EXPLORER_DATA_DIR": str(tmp_path_factory.mktemp("proxied-data")), "EXPLORER_CLASS_STORE": ""}
    with servers.app_processes(1, env=env) as apps, servers.haproxy([apps[0].url.removeprefix("http://")]) as url:
        yield url


class Watched:
    """A page that records Content-Security-Policy violations (events and console) and every refused request."""

    def __init__(self, page) -> None:
        self.page = page
        self.seen: list[str] = []
        page.on("console", lambda m: self.seen.append(m.text) if "Content Security Policy" in m.text else None)
        page.on(
            "response",
            lambda r: self.seen.append(f"{r.status} {r.url}") if r.status >= 400 and _served(r.url) else None,
        )

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__csp || []"), *self.seen]


def _served(url: str) -> bool:
    """A request for something the app serves at its root (the frontend also probes /<page>/_stcore/health first,
    which Streamlit itself answers 404 with or without a proxy: not a refusal)."""
    from urllib.parse import urlparse

    return urlparse(url).path.startswith(("/_stcore/", "/static/", "/media/", "/component/"))


@pytest.fixture
def watched(browser):
    """A 1280 × 900 page whose policy violations are recorded (`.violations()`)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(_RECORD_VIOLATIONS)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield Watched(pg)
    context.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` (scripts/test.sh does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
