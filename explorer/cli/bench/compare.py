"""Compare-page figures for `python -m explorer bench`."""

from __future__ import annotations

import time

from explorer.app import rerun_timing
from explorer.compute import scaling
from explorer.models import weights


def _pick_sample(at) -> None:
    at.session_state["compare_digit_source"] = "sample"
    at.session_state["compare_sample_index"] = 7


def measure() -> dict:
    """compare_page_rerun_ms_p50: the page (first tab) rerun with models warm; scaling_measure_s: the
    whole time-against-length measurement the page's button runs (compilation included)."""
    page = rerun_timing.page_rerun("compare", _pick_sample)
    named = {name: weights.load(name)[0] for name in scaling.MODELS}
    start = time.perf_counter()
    scaling.measure(named)
    return {
        "compare_page_rerun_ms_p50": page["rerun_ms_p50"],
        "compare_page_payload_bytes": page["payload_bytes"],
        "scaling_measure_s": time.perf_counter() - start,
    }
