"""The one fit loop every shipped model is trained with (Flax examples' `train_step` + `train_epoch`).

`train_step` is one optimiser step on any loss `loss(model, *batch)`; `fit` runs it over epochs of batches, keeps
the progress bar and the timing, and calls back after each step (checkpoints) and each epoch (validation).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import jax
import numpy as np
from flax import nnx


@nnx.jit(static_argnums=2)
def train_step(model: nnx.Module, optimizer: nnx.Optimizer, loss_fn: Callable, *batch: jax.Array) -> jax.Array:
    """One step: the loss and its gradient w.r.t. the model's parameters, then the optimiser's update (in place).
    Compiled once per model structure, loss and batch shapes."""
    loss, grads = nnx.value_and_grad(loss_fn)(model, *batch)
    optimizer.update(model, grads)
    return loss


@dataclass
class FitLog:
    """What a run measured: seconds per epoch and per step (dispatch), and the last loss."""

    epoch_seconds: list[float] = field(default_factory=list)  # each includes waiting for its last step
    step_seconds: list[float] = field(default_factory=list)
    final_loss: float = float("nan")

    @property
    def steps(self) -> int:
        return len(self.step_seconds)

    def timing(self) -> dict:
        """The figures recorded in a weights file: the first epoch includes compilation, so the median is what one
        epoch costs."""
        return {
            "seconds": sum(self.epoch_seconds),
            "seconds_per_epoch": float(np.median(self.epoch_seconds)),
            "final_loss": self.final_loss,
        }


def _progress(total: int, desc: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, disable=quiet, mininterval=2.0)


def fit(
    model: nnx.Module,
    optimizer: nnx.Optimizer,
    loss_fn: Callable,
    epochs: Iterable[Iterable[tuple]],
    *,
    total_steps: int,
    desc: str = "",
    quiet: bool = False,
    after_step: Callable[[nnx.Module, int, jax.Array], None] | None = None,
    after_epoch: Callable[[nnx.Module], dict] | None = None,
) -> FitLog:
    """Train `model` in place: one `train_step` per batch of every epoch.

    epochs: an iterable of epochs, each an iterable of batches (tuples of arrays passed to `loss_fn` after the model),
        drawn lazily so a run's random streams are consumed in the order they always were.
    after_step(model, step, loss): after optimiser step `step` (1-based), e.g. to record a checkpoint.
    after_epoch(model) -> figures for the progress bar, e.g. a validation score; called with dropout off.
    The model is in training mode (dropout on) while it steps and in evaluation mode otherwise.
    """
    log = FitLog()
    loss = None
    with _progress(total_steps, desc, quiet) as bar:
        for batches in epochs:
            start = time.perf_counter()
            model.train()
            for batch in batches:
                step_start = time.perf_counter()
                loss = train_step(model, optimizer, loss_fn, *batch)
                log.step_seconds.append(time.perf_counter() - step_start)
                if after_step is not None:
                    after_step(model, log.steps, loss)
                bar.update()
            log.final_loss = float(loss)  # waits for the epoch's last step
            log.epoch_seconds.append(time.perf_counter() - start)
            model.eval()
            shown = after_epoch(model) if after_epoch is not None else {}
            bar.set_postfix(loss=f"{log.final_loss:.3f}", **shown)
    return log
