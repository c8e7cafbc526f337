"""Forecast-page figures for `python -m explorer bench`: a step of the GRU's reading (a whole-page rerun, the
held-out table cached) with a different number of years read each time."""

from __future__ import annotations

import itertools

from explorer.app import rerun_timing


def _step(read=itertools.cycle(range(1, 25))):
    def setup(at) -> None:
        at.session_state["fc_read"] = next(read)

    return setup


def measure() -> dict:
    page = rerun_timing.page_rerun("forecast", _step())
    return {"forecast_step_rerun_ms_p50": page["rerun_ms_p50"], "forecast_page_payload_bytes": page["payload_bytes"]}
