"""Checkpoints of the shipped training runs: a model's weights at about a dozen log-spaced optimiser steps, with
the held-out score and the training loss measured at each, and the training seconds spent to get there.

explorer/assets/checkpoints/<name>.npz holds, for every parameter, its values at every checkpoint stacked on a first
axis (float32), plus `steps`, `heldout` (the held-out score), `train_loss`, `seconds` and the model's `config`
(JSON), so the checkpoints stand on their own. The app reads them; nothing trains at run time
(explorer.training.checkpoints writes them).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from flax import nnx

from explorer import models
from explorer.data import ASSETS
from explorer.models import weights

DEFAULT_DIR = ASSETS / "checkpoints"
MODELS = ("digit-cnn", "digit-mlp", "row-rnn-lstm", "char-rnn-lstm")  # one per kind, as the Training page shows
SERIES = ("steps", "heldout", "train_loss", "seconds")  # the (K,) arrays beside the parameters


@dataclass(frozen=True)
class Run:
    """One model's checkpoints, loaded."""

    name: str
    steps: np.ndarray  # (K,) optimiser steps
    heldout_score: np.ndarray  # (K,) the held-out `metric`: accuracy (digits) or bits per character (text)
    train_loss: np.ndarray  # (K,) mean training loss over the steps since the previous checkpoint (nan at 0)
    seconds: np.ndarray  # (K,) training seconds to reach the step (evaluation time excluded)
    config: dict  # the model's config, as in its weights' JSON
    params: dict[str, np.ndarray]  # parameter path → (K, ...)

    @property
    def metric(self) -> str:
        """What `heldout_score` measures: "accuracy" or "bits_per_char"."""
        return heldout_metric(self.name)

    def model_at(self, index: int) -> nnx.Module:
        """The model with its weights at checkpoint `index`."""
        model = models.build(self.name, models.config_from_dict(self.name, self.config))
        weights.load_params(model, self.params, stacked=len(self.steps), index=index)
        return model


def heldout_metric(name: str) -> str:
    """The held-out score a checkpointed model is measured by: "accuracy" (digits) or "bits_per_char" (text)."""
    return "accuracy" if name in models.DIGIT_MODELS else "bits_per_char"


def load(name: str, folder: Path = DEFAULT_DIR) -> Run:
    """A model's checkpoints, checked against the model they claim to be, or a WeightsError naming the command
    that writes them."""
    path = folder / f"{name}.npz"
    fix = f"Rebuild them with `{weights.train_command(name)}`."
    if not path.exists():
        raise weights.WeightsError(
            f"The training checkpoints of {name} are missing ({weights.shown_path(path)}). {fix}"
        )
    try:
        arrays = weights.read_arrays(path)
        missing = [k for k in (*SERIES, "config") if k not in arrays]
        if missing:
            raise ValueError(f"no {', '.join(missing)}")
        series = {k: arrays[k] for k in SERIES}
        count = len(series["steps"]) if series["steps"].ndim == 1 else -1
        if count < 1 or any(a.shape != (count,) or not np.issubdtype(a.dtype, np.number) for a in series.values()):
            raise ValueError(f"{', '.join(SERIES)} must be numbers of one length")
        config = json.loads(str(arrays["config"]))
        params = {k.removeprefix("param:"): v for k, v in arrays.items() if k.startswith("param:")}
        run = Run(name, series["steps"], series["heldout"], series["train_loss"], series["seconds"], config, params)
        weights.load_params(weights.build_from_config(name, config), params, stacked=count)  # every array fits
    except (ValueError, OSError, zipfile.BadZipFile) as e:
        raise weights.WeightsError(
            f"The training checkpoints of {name} are unreadable ({weights.shown_path(path)}: {e}). {fix}"
        ) from e
    return run
