"""Timing helper for `python -m explorer bench`: the median of warm calls."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


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
