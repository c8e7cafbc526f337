"""Driving the app in the system Chromium with Playwright (bench --browser, the browser tests, screenshots)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# The drawing canvas (explorer/app/sketch_canvas) is a components.v1 frame the app serves; "#ink" is its drawing.
CANVAS_FRAME = "iframe[src*='sketch_canvas']"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# How often a wait re-reads the page. Playwright's default for wait_for_function, "raf", runs the check on every
# animation frame and so keeps the renderer drawing 60 frames a second while it waits: measured here at 70-190 ms
# of Chromium CPU per second of waiting on a drawn page (the Text page), against 6-12 ms when polled every 50 ms.
POLL_MS = 50


def wait_for(page, expression: str, arg=None, timeout: float | None = None):
    """`page.wait_for_function` polled every POLL_MS (not on every animation frame); returns its JSHandle."""
    return page.wait_for_function(expression, arg=arg, polling=POLL_MS, timeout=timeout)


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until the app is connected and its script has run to the end."""
    wait_for(
        page,
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.getAttribute('data-test-connection-state') === 'CONNECTED'"
        " && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout,
    )


# The canvas's frame has had its first render and is as tall as its content (Streamlit sizes the frame when the
# component reports its height: before that, what lies under a point may still move).
_CANVAS_READY = """(sel) => { const f = document.querySelector(sel); const d = f && f.contentDocument;
  if (!d || !d.body || d.body.dataset.rendered !== 'true') return false;
  return Math.abs(f.getBoundingClientRect().height - d.documentElement.getBoundingClientRect().height) < 2; }"""


def canvas_surface(page, frame: str = CANVAS_FRAME):
    """The drawing surface of the page's (first) canvas, inside its frame, once the frame is ready (its bounding box
    is in page pixels)."""
    wait_for(page, _CANVAS_READY, arg=frame, timeout=60_000)
    return page.frame_locator(frame).first.locator("canvas#ink")


def canvas_button(page, name: str, frame: str = CANVAS_FRAME):
    """A button under the canvas, inside its frame: "Undo stroke" or "Clear canvas"."""
    return page.frame_locator(frame).first.get_by_role("button", name=name)


def draw(page, strokes: list[list[tuple[float, float]]], frame: str = CANVAS_FRAME) -> None:
    """Draw strokes on the canvas with the mouse; points are fractions (0..1) of the canvas's width and height."""
    canvas = canvas_surface(page, frame)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for stroke in strokes:
        x0, y0 = stroke[0]
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=8)
        page.mouse.up()
