"""The forecasting pair (forecast-rnn, forecast-cnn) on the sunspot series' training years, full batch."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import series_models
from explorer.data import series as series_data
from explorer.training import losses
from explorer.training.configs import SeriesTraining
from explorer.training.loop import fit
from explorer.training.optimizer import make_optimizer
from explorer.training.records import is_shipped_folder, train_and_record


def fit_series(
    model: nnx.Module, x: np.ndarray, y: np.ndarray, cfg: SeriesTraining, desc: str = "", quiet: bool = False
) -> dict:
    """Full-batch training on every (window (N, W), next value (N,)) pair of the training years; timing figures."""
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32)
    log = fit(
        model,
        make_optimizer(model, cfg, cfg.steps),
        losses.squared_error,
        [[(x, y)] * cfg.steps],  # one pass of cfg.steps full batches
        total_steps=cfg.steps,
        desc=desc,
        quiet=quiet,
    )
    return {"seconds": log.epoch_seconds[0], "steps": cfg.steps, "final_loss": log.final_loss}


def train_series(names: list[str], out: Path, cfg: SeriesTraining = SeriesTraining(), quiet: bool = False) -> dict:
    """The forecasting pair on the sunspot series: train years only, standardised with their own statistics."""
    if is_shipped_folder(out) or not series_data.SERIES_FILE.exists():
        series_data.save(series_data.from_statsmodels())  # statsmodels: the train extra
    full = series_data.load()
    train, held = series_data.split(full)
    scaler = series_data.Scaler.fit(train.values)
    x, y = series_data.windows(scaler.forward(train.values))
    start = len(train.values)
    data = {
        "source": full.source,
        "train_years": f"{int(train.years[0])}–{int(train.years[-1])}",
        "heldout_years": f"{int(held.years[0])}–{int(held.years[-1])}",
        "window": series_data.WINDOW,
        "scaler": {"mean": scaler.mean, "std": scaler.std},
    }

    def score(model: nnx.Module) -> dict:
        found = series_models.evaluate(model, scaler, full.values, start)
        return {"mae": found.mae, "rmse": found.rmse, "rollout_mae": found.rollout_mae}

    def fit_one(name: str, model: nnx.Module) -> dict:
        return fit_series(model, x, y, cfg, desc=name, quiet=quiet)

    return {name: metrics for name, (metrics, _) in train_and_record(names, out, cfg, data, fit_one, score).items()}
