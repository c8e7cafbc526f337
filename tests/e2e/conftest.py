"""Browser tests: `streamlit run` on a free port, driven by Playwright in the system Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer.cli import appserver
from explorer.cli import browser as chromium

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", chromium.CHROMIUM)
CHROMIUM_ARGS = chromium.CHROMIUM_ARGS


@pytest.fixture(scope="session")
def app_url():
    log_dir = ROOT / ".pytest_cache"
    log_dir.mkdir(exist_ok=True)
    with open(log_dir / "streamlit-e2e.log", "w") as log, appserver.running_app(log) as url:
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
