"""Forecasting baselines and error metrics for a real series (NumPy only, float64).

A neural forecaster is only interesting if it beats what costs nothing: persistence
(next year = this year), seasonal naive (next year = the year one cycle ago) and a
linear autoregression fitted by least squares. All are judged the way the models
are: one step ahead on the held-out years (each year predicted from ALL true values
before it), and as a rollout over the whole held-out stretch that feeds its own
predictions back, starting from the last train window. Errors are in sunspot numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from explorer.data.series import WINDOW, Series, split, windows

SEASON = 11  # years: the solar cycle


def _as_series(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"expected a 1-D series, got shape {v.shape}")
    return v


def one_step_persistence(values: np.ndarray, start: int) -> np.ndarray:
    """Predictions for t = start … N−1, each = values[t−1]: (N − start,)."""
    v = _as_series(values)
    if not 1 <= start <= len(v):
        raise ValueError(f"start must be in 1..{len(v)}, got {start}")
    return v[start - 1 : len(v) - 1].copy()


def one_step_seasonal_naive(values: np.ndarray, start: int, season: int = SEASON) -> np.ndarray:
    """Predictions for t = start … N−1, each = values[t−season]: (N − start,)."""
    v = _as_series(values)
    if not season <= start <= len(v):
        raise ValueError(f"start must be in {season}..{len(v)}, got {start}")
    return v[start - season : len(v) - season].copy()


@dataclass(frozen=True)
class ARModel:
    """x[t] ≈ coef · x[t−order … t−1] + intercept; coef is oldest first, the order `windows` gives."""

    coef: np.ndarray  # (order,) float64
    intercept: float

    @property
    def order(self) -> int:
        return len(self.coef)

    def predict_next(self, window_values: np.ndarray) -> float:
        """One prediction from the last `order` values of a window (a `rollout` predict function)."""
        w = _as_series(window_values)
        if len(w) < self.order:
            raise ValueError(f"an AR({self.order}) needs {self.order} values, got {len(w)}")
        return float(w[len(w) - self.order :] @ self.coef + self.intercept)

    def predict_one_step(self, values: np.ndarray, start: int) -> np.ndarray:
        """Predictions for t = start … N−1, each from the true values[t−order … t−1]: (N − start,)."""
        v = _as_series(values)
        if not self.order <= start <= len(v):
            raise ValueError(f"start must be in {self.order}..{len(v)}, got {start}")
        if start == len(v):
            return np.zeros(0)
        x = np.lib.stride_tricks.sliding_window_view(v[start - self.order : len(v) - 1], self.order)
        return x @ self.coef + self.intercept


def fit_ar(train_values: np.ndarray, order: int = WINDOW) -> ARModel:
    """Least-squares linear autoregression on the train part only (scaling would not change its predictions)."""
    v = _as_series(train_values)
    if len(v) < 2 * order + 1:  # at least order + 1 equations for order + 1 unknowns
        raise ValueError(f"an AR({order}) needs at least {2 * order + 1} values to fit, got {len(v)}")
    x, y = windows(v, order)
    design = np.hstack([x, np.ones((len(y), 1))])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return ARModel(coef=solution[:order].copy(), intercept=float(solution[order]))


def rollout(
    predict_next: Callable[[np.ndarray], float], history: np.ndarray, steps: int, window: int = WINDOW
) -> np.ndarray:
    """`steps` predictions, each fed back as the newest value of the next window: (steps,).

    `predict_next` gets the latest `window` values (oldest first) and returns the next one; only the
    first window comes from `history`, so errors compound as they would in a real forecast.
    """
    h = _as_series(history)
    if len(h) < window:
        raise ValueError(f"a rollout needs at least {window} values of history, got {len(h)}")
    buffer = np.concatenate([h[len(h) - window :], np.zeros(steps)])
    for i in range(steps):
        buffer[window + i] = float(predict_next(buffer[i : window + i].copy()))
    return buffer[window:].copy()


def _pair(pred: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, t = np.asarray(pred, dtype=np.float64), np.asarray(true, dtype=np.float64)
    if p.shape != t.shape or p.size == 0:
        raise ValueError(f"predictions {p.shape} and targets {t.shape} must have the same non-empty shape")
    return p, t


def mae(pred: np.ndarray, true: np.ndarray) -> float:
    p, t = _pair(pred, true)
    return float(np.mean(np.abs(p - t)))


def rmse(pred: np.ndarray, true: np.ndarray) -> float:
    p, t = _pair(pred, true)
    return float(np.sqrt(np.mean((p - t) ** 2)))


@dataclass(frozen=True)
class Forecasts:
    """One forecaster's forecasts of the held-out stretch values[start:], in the series' units."""

    one_step: np.ndarray  # (H,) each year from the true years before it
    rolled: np.ndarray  # (H,) each forecast fed back as if it were true, from the last training window
    params: int  # numbers the forecaster learned (0 for the naive baselines)


@dataclass(frozen=True)
class ErrorRow:
    name: str
    one_step_mae: float
    one_step_rmse: float
    rollout_mae: float
    params: int


BASELINES = ("persistence", "seasonal_naive", "linear_ar")


def baseline_forecasts(values: np.ndarray, start: int) -> dict[str, Forecasts]:
    """The three baselines (keys BASELINES) on values[start:], fitted (the AR) on values[:start] only."""
    v = _as_series(values)
    held = len(v) - start
    ar = fit_ar(v[:start], WINDOW)
    history = v[:start]
    return {
        "persistence": Forecasts(one_step_persistence(v, start), rollout(lambda w: w[-1], history, held), 0),
        "seasonal_naive": Forecasts(
            one_step_seasonal_naive(v, start, SEASON), rollout(lambda w: w[-SEASON], history, held), 0
        ),
        "linear_ar": Forecasts(ar.predict_one_step(v, start), rollout(ar.predict_next, history, held), ar.order + 1),
    }


def error_rows(forecasts: dict[str, Forecasts], true: np.ndarray) -> list[ErrorRow]:
    """Each forecaster's errors against the held-out `true` (H,), best one-step MAE first."""
    rows = [
        ErrorRow(name, mae(f.one_step, true), rmse(f.one_step, true), mae(f.rolled, true), f.params)
        for name, f in forecasts.items()
    ]
    return sorted(rows, key=lambda r: r.one_step_mae)


def baseline_table(series: Series) -> dict[str, dict[str, float]]:
    """{baseline: {one_step_mae, one_step_rmse, rollout_mae}} on the held-out years, in the series' units.

    Keys are BASELINES (the linear AR is AR(WINDOW), fitted on the train part)."""
    start = len(split(series)[0].values)
    rows = error_rows(baseline_forecasts(series.values, start), series.values[start:])
    return {
        r.name: {"one_step_mae": r.one_step_mae, "one_step_rmse": r.one_step_rmse, "rollout_mae": r.rollout_mae}
        for r in sorted(rows, key=lambda r: BASELINES.index(r.name))
    }
