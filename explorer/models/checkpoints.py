"""Checkpoints of the shipped training runs: a model's weights at about a dozen log-spaced optimiser steps, with
the held-out score and the training loss measured at each, and the training seconds spent to get there.

explorer/assets/checkpoints/<name>.npz holds, for every parameter, its values at every checkpoint stacked on a first axis
(float32), plus `steps`, `heldout`, `train_loss`, `seconds` and the model's `config` (JSON), so the checkpoints
stand on their own. The app reads them; nothing trains at run time.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.data import ASSETS
from explorer.models import weights

DEFAULT_DIR = ASSETS / "checkpoints"
MODELS = ("digit-cnn", "digit-mlp", "row-rnn-lstm", "char-rnn-lstm")  # one per kind, as the Training page shows
COUNT = 12  # checkpoints per run, after the untrained one


def schedule(total_steps: int, count: int = COUNT) -> list[int]:
    """Log-spaced optimiser steps 0 (untrained), 1, …, total_steps: early training changes most, so it is
    sampled most densely."""
    steps = np.unique(np.round(np.geomspace(1, total_steps, count)).astype(int))
    return [0, *steps.tolist()]


@dataclass
class Recorder:
    """Collects a run's checkpoints while it trains (see explorer.cli.train)."""

    steps: list[int]
    config: dict
    params: dict[str, list[np.ndarray]]
    heldout: list[float]
    train_loss: list[float]
    seconds: list[float]

    @classmethod
    def empty(cls) -> Recorder:
        return cls([], {}, {}, [], [], [])

    def add(self, model: nnx.Module, step: int, heldout: float, train_loss: float, seconds: float) -> None:
        self.config = model.config.to_dict()
        self.steps.append(step)
        for key, value in weights.flat_params(model).items():
            self.params.setdefault(key, []).append(value.astype(np.float32))
        self.heldout.append(float(heldout))
        self.train_loss.append(float(train_loss))
        self.seconds.append(float(seconds))

    def save(self, name: str, folder: Path = DEFAULT_DIR) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.npz"
        arrays = {f"param:{k}": np.stack(v) for k, v in self.params.items()}
        np.savez_compressed(
            path,
            steps=np.asarray(self.steps, np.int64),
            heldout=np.asarray(self.heldout, np.float64),
            train_loss=np.asarray(self.train_loss, np.float64),
            seconds=np.asarray(self.seconds, np.float64),
            config=np.asarray(json.dumps(self.config)),
            **arrays,
        )
        return path


@dataclass(frozen=True)
class Run:
    """One model's checkpoints, loaded."""

    name: str
    steps: np.ndarray  # (K,) optimiser steps
    heldout: np.ndarray  # (K,) accuracy (digits) or bits per character (text) on the held-out data
    train_loss: np.ndarray  # (K,) mean training loss over the steps since the previous checkpoint (nan at 0)
    seconds: np.ndarray  # (K,) training seconds to reach the step (evaluation time excluded)
    config: dict  # the model's config, as in its weights' JSON
    params: dict[str, np.ndarray]  # parameter path → (K, ...)

    @property
    def metric(self) -> str:
        return "accuracy" if self.name in models.DIGIT_MODELS else "bits_per_char"

    def model_at(self, index: int) -> nnx.Module:
        """The model with its weights at checkpoint `index`."""
        model = models.build(self.name, models.config_from_dict(self.name, self.config))
        state = nnx.state(model, nnx.Param)
        paths, treedef = jax.tree_util.tree_flatten_with_path(state)
        leaves = [jnp.asarray(self.params[jax.tree_util.keystr(p)][index], leaf.dtype) for p, leaf in paths]
        nnx.update(model, jax.tree_util.tree_unflatten(treedef, leaves))
        return model


def load(name: str, folder: Path = DEFAULT_DIR) -> Run:
    """A model's checkpoints, or a WeightsError naming the command that writes them."""
    path = folder / f"{name}.npz"
    fix = f"Rebuild them with `{weights.train_command(name)}`."
    if not path.exists():
        raise weights.WeightsError(f"The training checkpoints of {name} are missing ({path}). {fix}")
    try:
        with np.load(path) as f:
            params = {k.removeprefix("param:"): f[k] for k in f.files if k.startswith("param:")}
            config = json.loads(str(f["config"]))
            return Run(name, f["steps"], f["heldout"], f["train_loss"], f["seconds"], config, params)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as e:
        raise weights.WeightsError(f"The training checkpoints of {name} are unreadable ({path}: {e}). {fix}") from e
