"""Training-page figures for `python -m explorer bench`: a scrub through the checkpoints, and one live-training
update (what one tick of a student's Play costs the server) per model, after compilation.

What live training costs the other students is measured by the load test:
`python -m explorer loadtest --students 30 --mode draw --trainers 2`.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from explorer.app import rerun_timing
from explorer.app.pages.training import live as training_live
from explorer.compute import live_training as live

REPEAT = 9


def _scrub(positions=itertools.cycle(range(13))):
    def setup(at) -> None:
        at.session_state["checkpoint"] = next(positions)  # a different checkpoint every rerun

    return setup


def _update_ms(name: str) -> float:
    run = live.new_run(name, 0.05, 64, seed=0)
    live.advance(run, training_live.STEPS_PER_TICK)  # compiles
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        live.advance(run, training_live.STEPS_PER_TICK)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def measure() -> dict:
    page = rerun_timing.page_rerun("training", _scrub())
    return {
        "training_scrub_rerun_ms_p50": page["rerun_ms_p50"],
        "training_page_payload_bytes": page["payload_bytes"],
        **{f"live_update_ms_p50_{name}": _update_ms(name) for name in ("digit-mlp", "digit-cnn", "row-rnn-lstm")},
    }
