"""What a trained model's weights file records beside its parameters: data, metrics, training, versions."""

from __future__ import annotations

import platform
from dataclasses import asdict
from pathlib import Path

import flax
import jax
import numpy as np
import optax
from flax import nnx

from explorer.models import weights
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
