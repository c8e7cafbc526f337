"""Trained models turned into compiled trace functions, ready before the first user needs them.

`load_reader` loads a model's weights, jit-compiles its `trace` once for the
shapes the app uses, and runs it once so the first real call is fast. Text
models are compiled for one padded length (MAX_TEXT): every text model here is
causal, so padding after the text cannot change what is computed for the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models, vocab, weights

MAX_TEXT = 256  # characters a text model reads in the app (pages state their own, smaller bound)


@dataclass(frozen=True)
class Reader:
    name: str
    model: nnx.Module
    meta: dict
    trace: Callable[[np.ndarray], Any]  # digit models: (B, 28, 28, 1) → trace; text: str → trace (batch 1)


def _compiled_trace(model: nnx.Module) -> Callable:
    graphdef, state = nnx.split(model)
    fn = jax.jit(lambda s, x: nnx.merge(graphdef, s).trace(x))
    return lambda x: fn(state, x)


def _slice_time(tree, length: int):
    """Cut every (1, T, ...) array in a trace back to the text's length."""
    return jax.tree_util.tree_map(lambda a: a[:, :length] if a.ndim >= 2 else a, tree)


def load_reader(name: str, folder=None) -> Reader:
    """Load, compile and warm up one model; raises weights.WeightsError with a fix to show."""
    model, meta = weights.load(name, folder)
    traced = _compiled_trace(model)
    if name in models.DIGIT_MODELS:
        trace = lambda x: traced(jnp.asarray(x, jnp.float32))
        jax.block_until_ready(trace(np.zeros((1, 28, 28, 1), np.float32)))
    else:

        def trace(text: str):
            ids = vocab.encode(text[:MAX_TEXT])
            padded = np.zeros((1, MAX_TEXT), np.int32)
            padded[0, : len(ids)] = ids
            return _slice_time(traced(padded), len(ids))

        jax.block_until_ready(trace("warm up"))
    return Reader(name, model, meta, trace)
