"""Trained models turned into compiled trace functions, ready before the first user needs them.

`load_reader` loads a model's weights, jit-compiles its `trace` once for the
shapes the app uses, and runs it once so the first real call is fast. Text
models are compiled for one padded length (MAX_TEXT): every text model here is
causal, so padding after the text cannot change what is computed for the text.
"""

from __future__ import annotations

import logging
import os
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.data import vocab
from explorer.models import weights

MAX_TEXT = 256  # characters a text model reads in the app (pages state their own, smaller bound)
CACHE_ENV = "EXPLORER_JAX_CACHE"  # where compiled programs are kept between processes ("" turns the cache off)
log = logging.getLogger(__name__)


def enable_compilation_cache(folder: str | os.PathLike | None = None) -> Path | None:
    """Keep XLA's compiled programs on disk, so a restarted server (or the next test run) skips compiling.

    The folder comes from `folder`, else $EXPLORER_JAX_CACHE, else ~/.cache/cnn-rnn-explorer/jax; returns it, or
    None when there is no cache: turned off, or the folder cannot be made or written (a read-only home in some
    containers). The cache only saves time, so a folder that fails logs one line and the app runs without it.
    Every program is kept, however quick to compile: the app has a few dozen, all small.
    """
    chosen = folder if folder is not None else os.environ.get(CACHE_ENV)
    if chosen == "":
        return None
    path = Path(chosen) if chosen else Path.home() / ".cache" / "cnn-rnn-explorer" / "jax"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):  # XLA writes its entries here: check that it can
            pass
    except OSError as e:
        log.warning("No compilation cache in %s (%s); every program is compiled in this process.", path, e.strerror)
        jax.config.update("jax_compilation_cache_dir", None)  # drop a folder an earlier call chose
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return path


@nnx.jit
def forward(model: nnx.Module, x: jax.Array):
    """`model(x)`, compiled once per model structure and input shape (nnx.jit splits the model each call, so it
    follows weights that change, as during training; `jit_method` is the faster choice for fixed weights)."""
    return model(x)


@dataclass(frozen=True)
class Reader:
    name: str
    model: nnx.Module
    meta: dict
    trace: Callable[[np.ndarray], Any]  # digit models: (B, 28, 28, 1) → trace; text: str → trace (batch 1)


def jit_method(model: nnx.Module, method: str = "__call__") -> tuple[Callable, Any]:
    """(fn, state): `fn(state, x)` is `model.<method>(x)` compiled with jax.jit (split → jit → merge, written once).

    The weights travel as the argument `state`, so one compilation serves every shape's call and
    `fn.lower(state, x).compile()` gives the compiled program alone (for timing without compilation).
    """
    graphdef, state = split_once(model)
    return jax.jit(lambda s, x: getattr(nnx.merge(graphdef, s), method)(x)), state


def _compiled_trace(model: nnx.Module) -> Callable:
    fn, state = jit_method(model, "trace")
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


_SPLITS: weakref.WeakKeyDictionary[nnx.Module, tuple] = weakref.WeakKeyDictionary()


def split_once(model: nnx.Module) -> tuple:
    """(graphdef, state) of a model, computed once per model object (the app never changes weights)."""
    if model not in _SPLITS:
        _SPLITS[model] = nnx.split(model)
    return _SPLITS[model]


def pad_ids(ids: np.ndarray, length: int = MAX_TEXT) -> np.ndarray:
    """ids (T,) → (length,) int32 with zeros after the text: one compiled shape for every text."""
    ids = np.asarray(ids, np.int32).reshape(-1)
    if not 1 <= len(ids) <= length:
        raise ValueError(f"expected 1 to {length} characters, got {len(ids)}")
    out = np.zeros(length, np.int32)
    out[: len(ids)] = ids
    return out
