"""Helpers for `python -m explorer.bench` and the browser tests: timing, AppTest reruns, a running app, Playwright."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def p50_ms(fn: Callable[[], object], repeat: int = 20, warmup: int = 2) -> float:
    """Median wall time of fn() in milliseconds (results are blocked on if they are JAX arrays)."""
    import jax

    for _ in range(warmup):
        jax.block_until_ready(fn())
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn())
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def plotly_payload_bytes(at) -> int:
    """Bytes of Plotly figure specs that an AppTest run sends to the browser."""
    return sum(len(e.proto.spec.encode()) for e in at.get("plotly_chart"))


def page_rerun(page: str, setup: Callable[[object], None] | None = None, repeat: int = 10) -> dict:
    """Time full reruns of one page through AppTest (server-side script time, models warm).

    `page` is the url path ("digit"); `setup(at)` prepares session state (e.g. picks a digit)
    before each timed rerun. Returns {"rerun_ms_p50": ..., "payload_bytes": ...}.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(f"explorer/pages/{page}.py")
    if setup:
        setup(at)
    at.run()
    if at.exception:
        raise RuntimeError(f"page {page} raised: {at.exception[0].value}")
    times = []
    for _ in range(repeat):
        if setup:
            setup(at)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return {"rerun_ms_p50": float(np.median(times) * 1000), "payload_bytes": plotly_payload_bytes(at)}


CHROMIUM = "/usr/bin/chromium"
CANVAS = "[data-testid=stBidiComponentIsolated] canvas.upper-canvas"  # the drawing layer, in an open shadow root
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(log=None, timeout: float = 120.0):
    """`streamlit run streamlit_app.py` on a free port; yields its URL once /_stcore/health says ok."""
    import subprocess
    import sys
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=Path(APP).parent, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in time")
            time.sleep(0.25)  # the server is starting; nothing to wait on but the next poll
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


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
