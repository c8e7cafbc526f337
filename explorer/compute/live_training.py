"""Live training: a digit model trained from random initialisation inside one browser session.

The page owns a `LiveRun` (in its session state) and calls `advance(run, steps)` a few dozen steps at a time, between
reruns, so the user watches the loss fall, the held-out accuracy rise and the first layer's weights take shape. Pausing
is simply not calling `advance`: nothing trains in the background.

A hosted app serves many users from one process, so training is rationed by `SLOTS` (explorer.compute.training_turns):
at most a few sessions train at once (`EXPLORER_LIVE_TRAINING_SLOTS`, default 2), each for a turn of
`EXPLORER_LIVE_TRAINING_TURN_S` seconds (default 30) while others wait, then back of the first-come-first-served queue;
a session that stops asking (its tab closed mid-run) loses its slot after a few seconds. `EXPLORER_LIVE_TRAINING=0` turns the feature off on a server that cannot afford it.

The optimiser is plain SGD with momentum 0.9 and a constant learning rate, so the learning-rate slider means what the
textbook says: too small and nothing moves, too large and the loss blows up (`diverged`).
"""

from __future__ import annotations

import functools
import math
import os
import threading
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from explorer import models
from explorer.compute import evaluation
from explorer.compute.training_turns import Slots
from explorer.data import digits
from explorer.models.rnn import CELL_TITLES

KINDS = {
    "digit-mlp": "MLP",
    "digit-cnn": "CNN",
    **{f"row-rnn-{cell}": title for cell, title in CELL_TITLES.items()},
}
BATCHES = (16, 32, 64, 128)  # a fixed set: each batch size is one more compilation of the step
LR_RANGE = (0.0, 10.0)  # inclusive
MAX_STEPS_PER_CALL = 50  # one call stays well under a second, so a rerun never holds the page (or a slot) for long
EVAL_EVERY = 50  # steps between held-out accuracy points in the history
MOMENTUM = 0.9
# A step whose loss passes this counts as divergence, like a non-finite one. Guessing gives ln 10 ≈ 2.3; a batch's mean
# loss of 100 means the model is confidently wrong about nearly every digit, which only overshooting steps produce. Without
# it nothing in LR_RANGE ever "diverges": measured at lr 2-10, the loss leaps to 10²-10⁴ and then the ReLUs die (or
# the RNN saturates) and it sits there, finite, never learning again, but never reaching inf or nan either.
DIVERGED_LOSS = 100.0

# One optimiser object shared by every run. nnx.jit's cache is keyed by the graph of (model, optimizer), which holds
# the optax transformation; a new optax.sgd(lr) per run would be a new graph, so every run (and every learning rate)
# would compile its own step. Instead the learning rate is a traced argument that scales the gradient before this
# unit-rate SGD: momentum is linear, so sgd(1, 0.9) on lr·g is sgd(lr, 0.9) on g (up to float rounding).
_TX = optax.sgd(1.0, momentum=MOMENTUM)


def _loss(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    """Mean cross-entropy on the logits after the whole digit (after the last row for the row RNNs): the loss the
    shipped digit models were trained with (explorer.training.losses.classification), without the augmentation."""
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()


def _all_finite(tree) -> jax.Array:
    return jnp.all(jnp.stack([jnp.all(jnp.isfinite(leaf)) for leaf in jax.tree.leaves(tree)]))


@nnx.jit
def _step(model, optimizer, lr, x, y):
    """One SGD step; returns (loss, ok). Compiled once per model structure and batch size, shared by all runs.

    When the loss is non-finite or above DIVERGED_LOSS, or the step would leave a non-finite weight (ok False), the
    model and optimizer are put back as they were, inside the compiled function: a diverged run keeps its last finite
    weights, so its sketch prediction and first-layer picture still show something.
    """
    before = jax.tree.map(lambda a: a, nnx.state((model, optimizer)))  # a copy of the values, not the Variables
    loss, grads = nnx.value_and_grad(_loss)(model, x, y)
    optimizer.update(model, jax.tree.map(lambda g: lr * g, grads))
    ok = jnp.isfinite(loss) & (loss <= DIVERGED_LOSS) & _all_finite(nnx.state(model, nnx.Param))
    after = nnx.state((model, optimizer))
    nnx.update((model, optimizer), jax.tree.map(lambda new, old: jnp.where(ok, new, old), after, before))
    return loss, ok


@nnx.jit
def _probs(model, x):
    return jax.nn.softmax(model(x), axis=-1)


@functools.cache
def _train_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 4,000 training digits as model input, read once per process (about 12 MB)."""
    train = digits.load_train()
    return digits.to_model_input(train.images), train.labels


@functools.cache
def _heldout() -> digits.Digits:
    return digits.load_heldout()


@dataclass(eq=False)
class LiveRun:
    """One session's training run: its settings, the model being trained and what has been seen so far."""

    name: str
    lr: float
    batch: int
    seed: int
    model: nnx.Module = field(repr=False)
    optimizer: nnx.Optimizer = field(repr=False)
    step: int = 0  # optimiser steps applied; only `advance` moves it
    history: list[tuple[int, float, float | None]] = field(default_factory=list)  # (step, mean loss, accuracy)
    diverged: bool = False  # the step after `step` blew up (see DIVERGED_LOSS) and was undone; the run stops
    # Streamlit reruns of one session can overlap (a click during a rerun): one run is trained by one thread at a time.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def title(self) -> str:
        return KINDS[self.name]


def new_run(name: str, lr: float, batch: int, seed: int = 0) -> LiveRun:
    """A freshly initialised model (weights from `seed`) ready to train."""
    if name not in KINDS:
        raise ValueError(f"Unknown model {name!r}: live training offers {', '.join(KINDS)}.")
    if isinstance(batch, bool) or batch not in BATCHES:
        raise ValueError(f"Batch size must be one of {', '.join(map(str, BATCHES))}, not {batch!r}.")
    lo, hi = LR_RANGE
    if isinstance(lr, bool) or not isinstance(lr, int | float) or not math.isfinite(lr) or not lo <= lr <= hi:
        raise ValueError(f"The learning rate must be a finite number from {lo:g} to {hi:g}, not {lr!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"The seed must be a non-negative integer, not {seed!r}.")
    model = models.build(name, seed=seed)
    return LiveRun(name, float(lr), int(batch), seed, model, nnx.Optimizer(model, _TX, wrt=nnx.Param))


def _batch_indices(run: LiveRun, step: int, n: int) -> np.ndarray:
    # Seeded by (seed, step), not by a generator carried along: the same run gives the same batches however its
    # steps are split into calls, and nothing but the settings needs to be stored to reproduce it.
    return np.random.default_rng((run.seed, step)).integers(0, n, size=run.batch)


def advance(run: LiveRun, steps: int) -> LiveRun:
    """Train `steps` more optimiser steps (1..MAX_STEPS_PER_CALL) and add one point to the history.

    The point holds the mean training loss of those steps, and the held-out accuracy when the run passed a multiple
    of EVAL_EVERY steps (else None). A step whose loss is non-finite or above DIVERGED_LOSS, or that would leave a
    non-finite weight, is undone, the run is marked `diverged` and stops: the history keeps only finite points, and
    later calls return at once.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS_PER_CALL:
        raise ValueError(f"Steps per call must be an integer from 1 to {MAX_STEPS_PER_CALL}, not {steps!r}.")
    with run._lock:
        if run.diverged:
            return run
        x_all, y_all = _train_arrays()
        lr = jnp.float32(run.lr)
        start = run.step
        losses = []
        for _ in range(steps):
            idx = _batch_indices(run, run.step, len(y_all))
            loss, ok = _step(run.model, run.optimizer, lr, x_all[idx], y_all[idx])
            if not bool(ok):  # waits for this step: it is what decides whether there is a next one
                run.diverged = True
                break
            losses.append(loss)
            run.step += 1
        if losses:
            accuracy = heldout_accuracy(run) if run.step // EVAL_EVERY > start // EVAL_EVERY else None
            run.history.append((run.step, float(np.mean(jax.device_get(losses))), accuracy))
    return run


def heldout_accuracy(run: LiveRun, n: int = 1000) -> float:
    """Accuracy of the current weights on the first `n` held-out digits (never trained on)."""
    held = _heldout()
    with run._lock:
        return evaluation.digit_accuracy(run.model, held.images[:n], held.labels[:n])


def predict(run: LiveRun, x: np.ndarray) -> np.ndarray:
    """Probabilities (B, 10) of the current weights for x (B, 28, 28, 1) in 0..1, e.g. the user's own sketch."""
    x = np.asarray(x, dtype=np.float32).reshape(-1, 28, 28, 1)
    with run._lock:
        return np.asarray(_probs(run.model, jnp.asarray(x)))


def first_layer(run: LiveRun) -> np.ndarray | None:
    """The weights worth drawing as pictures: the MLP's hidden kernel (784, H), the CNN's conv1 kernel (3, 3, 1, C);
    None for the row RNNs (their first layer reads a row, not a picture)."""
    with run._lock:
        if run.name == "digit-mlp":
            return np.asarray(run.model.hidden.kernel[...])
        if run.name == "digit-cnn":
            return np.asarray(run.model.conv1.kernel[...])
    return None


# Per process: each app process (a hosted deployment may run several behind a proxy) rations its own CPU.
SLOTS = Slots(
    max(1, int(os.environ.get("EXPLORER_LIVE_TRAINING_SLOTS", "2"))),
    turn_s=max(5.0, float(os.environ.get("EXPLORER_LIVE_TRAINING_TURN_S", "30"))),  # 30 s ≈ 600 steps at 20 a tick
)
ENABLED = os.environ.get("EXPLORER_LIVE_TRAINING", "1") != "0"
