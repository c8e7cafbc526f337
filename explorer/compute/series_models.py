"""The forecasting models on the held-out stretch, in sunspot numbers: one step ahead (each held-out year from
the true years before it) and rolled out (each forecast fed back as if it were true)."""

from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.compute import forecasting
from explorer.data import series as series_data
from explorer.models import compiled


@dataclass(frozen=True)
class Forecast:
    one_step: np.ndarray  # (H,) each held-out year predicted from the WINDOW true years before it
    rollout: np.ndarray  # (H,) the whole held-out stretch forecast from the last training window only
    mae: float  # one-step, in sunspot numbers
    rmse: float
    rollout_mae: float


def scaler_of(meta: dict) -> series_data.Scaler:
    """The standardisation a forecasting model was trained with (its weights' metadata)."""
    s = meta["data"]["scaler"]
    return series_data.Scaler(float(s["mean"]), float(s["std"]))


def predictor(model: nnx.Module, scaler: series_data.Scaler):
    """(W,) values in sunspot numbers → the next value in sunspot numbers."""

    def predict_next(window: np.ndarray) -> float:
        z = scaler.forward(np.asarray(window, np.float64))[None].astype(np.float32)
        return float(scaler.inverse(np.asarray(compiled.forward(model, jnp.asarray(z)), np.float64))[0])

    return predict_next


def evaluate(model: nnx.Module, scaler: series_data.Scaler, values: np.ndarray, start: int) -> Forecast:
    """One-step and rolled-out forecasts of values[start:], the held-out stretch."""
    w = series_data.WINDOW
    windows = np.stack([values[t - w : t] for t in range(start, len(values))])
    z = scaler.forward(windows).astype(np.float32)
    one = scaler.inverse(np.asarray(compiled.forward(model, jnp.asarray(z)), np.float64))
    true = values[start:]
    rolled = np.asarray(forecasting.rollout(predictor(model, scaler), values[start - w : start], len(true)))
    return Forecast(one, rolled, forecasting.mae(one, true), forecasting.rmse(one, true), forecasting.mae(rolled, true))


def forecast_table(
    values: np.ndarray, start: int, found: dict[str, tuple[nnx.Module, series_data.Scaler]]
) -> tuple[dict[str, forecasting.Forecasts], list[forecasting.ErrorRow]]:
    """The baselines' and the `found` models' forecasts of values[start:] (keyed by baseline or model name) and
    their errors, best one-step MAE first."""
    forecasts = forecasting.baseline_forecasts(values, start)
    for name, (model, scaler) in found.items():
        f = evaluate(model, scaler, values, start)
        forecasts[name] = forecasting.Forecasts(f.one_step, f.rollout, models.count_params(model))
    return forecasts, forecasting.error_rows(forecasts, np.asarray(values, np.float64)[start:])
