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

MODELS = ("char-rnn-lstm", "char-cnn")  # the shipped recurrent scan and causal convolution that are timed
LENGTHS = (16, 128, 512, 2048)
BATCHES = (1, 64)
MIN_REPEAT, MAX_REPEAT, TIME_BUDGET_S = 1, 5, 0.25  # repeats per point: as many as fit in the budget


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
    """(median forward ms, compile s) of model(ids) for ids (batch, length)."""
    graphdef, state = nnx.split(model)
    x = jnp.zeros((batch, length), jnp.int32)
    start = time.perf_counter()
    compiled = jax.jit(lambda s, ids: nnx.merge(graphdef, s)(ids)).lower(state, x).compile()
    compile_s = time.perf_counter() - start
    first = _time_one(compiled, state, x)  # warm-up (memory allocation)
    times = [_time_one(compiled, state, x)]
    budget = TIME_BUDGET_S - first - times[0]
    while len(times) < MAX_REPEAT and budget > times[-1]:
        times.append(_time_one(compiled, state, x))
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


def interpretation(points: list[Point], rnn: str, cnn: str, macs: dict[str, int] | None = None) -> str:
    """A few sentences on what was measured here, including where the simple claim fails.

    `macs` (model → multiply-adds per character, see `macs_per_char`) explains a CNN that is not faster.
    """
    lo, hi = min(p.length for p in points), max(p.length for p in points)
    parts, failed = [], []
    for b in sorted({p.batch for p in points}):
        r = ratio_at(points, rnn, cnn, b, hi)
        if r >= 1.2:
            verdict = f"the claim holds: the RNN took {r:.1f}× the CNN's time"
        elif r <= 1 / 1.2:
            verdict = f"the claim is reversed: the CNN took {1 / r:.1f}× the RNN's time"
            failed.append(b)
        else:
            verdict = "the two took about the same time"
            failed.append(b)
        parts.append(
            f"at batch {b} and {hi} characters {verdict} (log-log slopes from {lo} to {hi}: "
            f"RNN {slope(points, rnn, b):.2f}, CNN {slope(points, cnn, b):.2f})"
        )
    text = "Measured here: " + "; ".join(parts) + ". "
    if failed:
        text += (
            "Where the claim fails, the reason is this machine: with only a few CPU cores, the CNN's positions are "
            "computed by those same few cores, so being parallel buys little"
            + (
                f", and the CNN does about {macs[cnn] / macs[rnn]:.1f}× the RNN's arithmetic per character "
                f"({macs[cnn]:,} vs {macs[rnn]:,} multiply-adds)"
                if macs
                else ""
            )
            + ". Hardware with many parallel lanes (a GPU) can change the balance; this page measures only this machine. "
        )
    else:
        text += (
            "The RNN is slower because each step waits for the previous one; the CNN computes all positions together. "
        )
    text += "A slope near 1 means time grows in proportion to length: parallelism changes the constant, not the order, here."
    return text
