"""Forecast-page figures for `python -m explorer bench`: one step of the GRU's reading (← / → or the buttons),
which reruns only its fragment, timed through Streamlit's websocket protocol against a fresh `streamlit run`;
and the whole page's rerun (AppTest), the held-out table cached."""

from __future__ import annotations

import itertools

import numpy as np

from explorer.app import rerun_timing
from explorer.cli import appserver
from explorer.cli.loadtest import protocol as p

REPEAT = 24


async def _steps(url: str) -> list[float]:
    times = []
    async with p.Session(url, "forecast") as s:
        await s.open()
        for key in itertools.islice(itertools.cycle(["fc_read-prev"] * 3 + ["fc_read-next"]), REPEAT + 2):
            run = await s.rerun([p.click(s.widget_id(key))], fragment_key=key)
            times.append(run.seconds)
    return times[2:]


def _page(read=itertools.cycle(range(1, 25))):
    def setup(at) -> None:
        at.session_state["fc_read"] = next(read)

    return setup


def measure() -> dict:
    with appserver.settled_app() as (url, _):
        steps = p.run_async(_steps(url))
    page = rerun_timing.page_rerun("forecast", _page())
    return {
        "forecast_step_server_ms_p50": float(np.median(steps) * 1000),
        "forecast_page_rerun_ms_p50": page["rerun_ms_p50"],
        "forecast_page_payload_bytes": page["payload_bytes"],
    }
