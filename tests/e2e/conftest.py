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
