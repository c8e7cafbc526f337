"""Parallel vs sequential, measured: time of one forward pass against sequence length.

The RNN's `lax.scan` must take its steps one after another; the causal CNN computes
every position of a layer at once. Both are timed here on this machine, at batch 1
and 64, each shape compiled first (compile time recorded separately, not in the
forward time).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.models import compiled

MODELS = ("char-rnn-lstm", "char-cnn")  # the shipped recurrent scan and causal convolution that are timed
LENGTHS = (16, 128, 512, 2048)
BATCHES = (1, 64)
MIN_REPEAT, MAX_REPEAT, TIME_BUDGET_S = 5, 9, 0.25  # repeats per point: at least 5 (a median of 5), more if they fit


@dataclass(frozen=True)
class Point:
    model: str
    batch: int
    length: int
    forward_ms: float  # median forward pass, compiled
    compile_s: float  # the one-off compilation for this shape


def _time_one(compiled, state, x) -> float:
    start = time.perf_counter()
    jax.block_until_ready(compiled(state, x))
    return time.perf_counter() - start


def time_forward(model: nnx.Module, batch: int, length: int) -> tuple[float, float]:
    """(median forward ms, compile s) of model(ids) for ids (batch, length): at least MIN_REPEAT timed runs after a
    warm-up, more while they fit in TIME_BUDGET_S."""
    fn, state = compiled.jit_method(model, "__call__")
    x = jnp.zeros((batch, length), jnp.int32)
    start = time.perf_counter()
    program = fn.lower(state, x).compile()
    compile_s = time.perf_counter() - start
    first = _time_one(program, state, x)  # warm-up (memory allocation)
    times = [_time_one(program, state, x)]
    budget = TIME_BUDGET_S - first - times[0]
    while len(times) < MIN_REPEAT or (len(times) < MAX_REPEAT and budget > times[-1]):
        times.append(_time_one(program, state, x))
        budget -= times[-1]
    return float(np.median(times) * 1000), compile_s


def measure(
    named_models: dict[str, nnx.Module],
    lengths: tuple[int, ...] = LENGTHS,
    batches: tuple[int, ...] = BATCHES,
    progress: Callable[[float, str], None] | None = None,
) -> list[Point]:
    """Time every (model, batch, length); `progress(fraction, message)` is called before each point."""
    jobs = [(n, b, t) for n in named_models for b in batches for t in lengths]
    points = []
    for i, (name, batch, length) in enumerate(jobs):
        if progress:
            progress(i / len(jobs), f"{name}: batch {batch}, {length} characters")
        ms, compile_s = time_forward(named_models[name], batch, length)
        points.append(Point(name, batch, length, ms, compile_s))
    if progress:
        progress(1.0, "done")
    return points


def slope(points: list[Point], model: str, batch: int) -> float:
    """Log-log slope of forward time against length (1 = time grows in proportion to length)."""
    pts = sorted((p.length, p.forward_ms) for p in points if p.model == model and p.batch == batch)
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


def ratio_at(points: list[Point], slow: str, fast: str, batch: int, length: int) -> float:
    """forward time of `slow` / forward time of `fast` at one (batch, length)."""
    get = lambda m: next(p.forward_ms for p in points if p.model == m and p.batch == batch and p.length == length)
    return get(slow) / get(fast)


def macs_per_char(model: nnx.Module) -> int:
    """About how many multiply-adds the model does per character: every weight except the
    embedding table (a lookup) is used once per position, by both the RNN and the causal CNN."""
    return models.count_params(model) - int(model.embed.embedding[...].size)


def growth(slope_value: float) -> str:
    """What a log-log slope of time against length says, in words."""
    if slope_value >= 0.9:
        return "grows about in proportion to the length"
    if slope_value >= 0.5:
        return "grows more slowly than the length (a fixed cost per call weighs on short texts)"
    return "barely grows with the length (a fixed cost per call dominates)"


def interpretation(
    points: list[Point], rnn: str, cnn: str, macs: dict[str, int] | None = None, cores: int | None = None
) -> str:
    """Sentences on what was measured here, every one derived from the points (and from the multiply-adds per
    character and the CPU count, when given, which are measured too). Nothing is asserted that was not measured."""
    lo, hi = min(p.length for p in points), max(p.length for p in points)
    parts, failed = [], False
    for b in sorted({p.batch for p in points}):
        r = ratio_at(points, rnn, cnn, b, hi)
        if r >= 1.2:
            verdict = f"the claim holds: the RNN took {r:.1f}× the CNN's time"
        elif r <= 1 / 1.2:
            verdict, failed = f"the claim is reversed: the CNN took {1 / r:.1f}× the RNN's time", True
        else:
            verdict, failed = "the two took about the same time", True
        s_rnn, s_cnn = slope(points, rnn, b), slope(points, cnn, b)
        parts.append(
            f"at batch {b} and {hi} characters {verdict}. From {lo} to {hi} characters the RNN's time "
            f"{growth(s_rnn)} (log-log slope {s_rnn:.2f}) and the CNN's {growth(s_cnn)} (slope {s_cnn:.2f})"
        )
    text = "Measured here: " + "; ".join(parts) + ". "
    facts = []
    if macs:
        facts.append(
            f"the CNN does {macs[cnn] / macs[rnn]:.1f}× the RNN's arithmetic per character "
            f"({macs[cnn]:,} vs {macs[rnn]:,} multiply-adds)"
        )
    if cores:
        facts.append(f"this machine gives the app {cores} CPU core{'s' if cores != 1 else ''} to compute in parallel")
    if failed and facts:
        text += "Two measured facts bear on where the claim fails: " + "; ".join(facts) + ". "
    elif facts:
        text += "For scale: " + "; ".join(facts) + ". "
    return text
