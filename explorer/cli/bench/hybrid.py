"""Hybrid-page figures for `python -m explorer bench`: a new motion chosen (the clip made, four models run, the
hybrid traced, a whole-page rerun), a different one each time."""

from __future__ import annotations

import itertools

from explorer.app import rerun_timing
from explorer.data import clips


def _motion(directions=itertools.cycle(clips.DIRECTIONS), digits=itertools.count(0, 7)):
    def setup(at) -> None:
        at.session_state["hy_direction"] = next(directions)
        at.session_state["hy_digit"] = next(digits) % 1000  # a digit not drawn before: fresh input

    return setup


def measure() -> dict:
    page = rerun_timing.page_rerun("hybrid", _motion())
    return {"hybrid_motion_rerun_ms_p50": page["rerun_ms_p50"], "hybrid_page_payload_bytes": page["payload_bytes"]}
