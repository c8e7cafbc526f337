"""Browser tests: `streamlit run` on a free port, driven by Playwright in the system Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer import benchutil

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", benchutil.CHROMIUM)
CHROMIUM_ARGS = benchutil.CHROMIUM_ARGS


@pytest.fixture(scope="session")
def app_url():
    log_dir = ROOT / ".pytest_cache"
    log_dir.mkdir(exist_ok=True)
    with open(log_dir / "streamlit-e2e.log", "w") as log, benchutil.running_app(log) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` (scripts/test.sh does)")
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


def open_app(page, app_url: str, path: str = "digit", query: str = "") -> None:
    """Open a page of the app and wait until its script has finished running."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/{path}{query}")
    expect(page.locator("[data-testid=stApp]")).to_be_visible(timeout=60_000)
    wait_idle(page)


wait_idle = benchutil.wait_idle
draw = benchutil.draw
