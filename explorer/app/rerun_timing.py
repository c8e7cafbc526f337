"""Whole-page reruns timed in-process with Streamlit's AppTest (for `python -m explorer bench`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def figure_payload_bytes(at) -> int:
    """Bytes of the figures an AppTest run sends to the browser: Plotly specs, and the HTML of light figures
    (explorer/figures/light.py, the Digit page's first view)."""
    plotly = sum(len(e.proto.spec.encode()) for e in at.get("plotly_chart"))
    return plotly + sum(len(e.proto.body.encode()) for e in at.get("html") if 'class="xp-fig' in e.proto.body)


def page_rerun(page: str, setup: Callable[[object], None] | None = None, repeat: int = 10) -> dict:
    """Time full reruns of one page through AppTest (server-side script time, models warm).

    `page` is the url path ("digit"); `setup(at)` prepares session state (e.g. picks a digit)
    before each timed rerun. Returns {"rerun_ms_p50": ..., "payload_bytes": ...}.
    """
    # one run first registers the pages: every page file is called page.py, and before a run AppTest knows a
    # page only by its file name, so it would open the default page instead
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(f"explorer/app/pages/{page}/page.py")
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
    return {"rerun_ms_p50": float(np.median(times) * 1000), "payload_bytes": figure_payload_bytes(at)}
