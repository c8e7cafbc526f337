"""Driving the app in the system Chromium with Playwright (bench --browser, the browser tests, screenshots)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CANVAS = "[data-testid=stBidiComponentIsolated] canvas.upper-canvas"  # the drawing layer, in an open shadow root
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and its script has run to the end."""
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.getAttribute('data-test-connection-state') === 'CONNECTED'"
        " && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout,
    )


def draw(page, strokes: list[list[tuple[float, float]]], canvas_selector: str = CANVAS) -> None:
    """Draw strokes on the canvas; points are fractions (0..1) of the canvas's width and height."""
    canvas = page.locator(canvas_selector).first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in strokes:
        x0, y0 = stroke[0]
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=8)
        page.mouse.up()
