"""The running app in the system Chromium: open a page and wait for its script to finish."""

from __future__ import annotations

from explorer.cli.browser import draw, wait_idle

__all__ = ["draw", "open_app", "wait_idle"]


def open_app(page, app_url: str, path: str = "digit", query: str = "") -> None:
    """Open a page of the app and wait until its script has finished running."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/{path}{query}")
    expect(page.locator("[data-testid=stApp]")).to_be_visible(timeout=60_000)
    wait_idle(page)
