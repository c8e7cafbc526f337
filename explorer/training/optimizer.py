"""The one optimiser every shipped run used: adamw on a warm-up + cosine schedule, optionally after clipping."""

from __future__ import annotations

import optax
from flax import nnx

from explorer.training.configs import TrainingConfig

WARMUP_SHARE = 20  # warm-up over the first 1/20 of the steps
FINAL_SHARE = 0.02  # the schedule ends at 2 % of the peak rate


def schedule(lr: float, steps: int) -> optax.Schedule:
    """0 → `lr` linearly over steps // 20, then a cosine down to lr · 0.02 at `steps`."""
    return optax.warmup_cosine_decay_schedule(0.0, lr, max(1, steps // WARMUP_SHARE), steps, lr * FINAL_SHARE)


def transform(cfg: TrainingConfig, steps: int) -> optax.GradientTransformation:
    """adamw(schedule, cfg.weight_decay), after a global-norm clip to cfg.clip when it is set."""
    tx = optax.adamw(schedule(cfg.lr, steps), weight_decay=cfg.weight_decay)
    return optax.chain(optax.clip_by_global_norm(cfg.clip), tx) if cfg.clip else tx


def make_optimizer(model: nnx.Module, cfg: TrainingConfig, steps: int) -> nnx.Optimizer:
    """The optimiser for a run of `steps` optimiser steps, on the model's nnx.Param leaves."""
    return nnx.Optimizer(model, transform(cfg, steps), wrt=nnx.Param)
