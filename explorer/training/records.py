"""What a trained model's weights file records beside its parameters: data, metrics, training, versions."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import flax
import jax
import numpy as np
import optax
from flax import nnx

from explorer import models
from explorer.models import weights
from explorer.training.checkpoints import save_folder
from explorer.training.configs import TrainingConfig


def versions() -> dict:
    """The library versions a run used (float results can differ between versions)."""
    return {
        "python": platform.python_version(),
        "jax": jax.__version__,
        "flax": flax.__version__,
        "optax": optax.__version__,
        "numpy": np.__version__,
    }


def save_trained(
    name: str, model: nnx.Module, out: Path, *, data: dict, metrics: dict, timing: dict, cfg: TrainingConfig
) -> Path:
    """explorer/assets/weights/<name>.npz + .json (or under `out`): the one place the record is put together."""
    meta = {"data": data, "metrics": metrics, "training": {**timing, **asdict(cfg)}, "versions": versions()}
    return weights.save(name, model, meta, out)


def is_shipped_folder(out: Path) -> bool:
    """Training into explorer/assets/weights also rewrites the shipped data files the app reads."""
    return out.resolve() == weights.DEFAULT_DIR.resolve()


def train_and_record(
    names, out: Path, cfg: TrainingConfig, data: dict, fit_one: Callable, score: Callable, save: bool = True
) -> dict[str, tuple[dict, dict]]:
    """Each model of a family in turn: built from cfg.seed, trained by `fit_one(name, model)` → timing figures (with
    the run's checkpoints under "checkpoints", or None), scored on held-out data by `score(model)` → metrics, and
    saved with its record under `out` (checkpoints beside it). Returns name → (metrics, timing)."""
    results = {}
    for name in names:
        model = models.build(name, seed=cfg.seed)
        timing = fit_one(name, model)
        recorder = timing.pop("checkpoints", None)
        if recorder is not None and save:
            recorder.save(name, save_folder(out))
        metrics = {**score(model), "params": models.count_params(model)}
        if save:
            save_trained(name, model, out, data=data, metrics=metrics, timing=timing, cfg=cfg)
        results[name] = metrics, timing
    return results
