"""The Forecast page's error table (compute.forecasting / series_models.forecast_table) against an independent
float64 recomputation: the baselines and errors written out with plain NumPy, the models' one-step forecasts
recomputed window by window."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import models
from explorer.compute import forecasting, series_models
from explorer.data import series as series_data
from explorer.models import weights


@pytest.fixture(scope="module")
def sunspots():
    full = series_data.load()
    return full.values.astype(np.float64), len(series_data.split(full)[0].values)


def _errors(pred: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    d = np.asarray(pred, np.float64) - np.asarray(true, np.float64)
    return float(np.abs(d).sum() / d.size), float(np.sqrt((d * d).sum() / d.size))


def test_baselines_on_a_hand_made_series():
    v = np.arange(70, dtype=np.float64) ** 1.5  # increasing: persistence under-forecasts each year
    start = 60
    found = forecasting.baseline_forecasts(v, start)
    assert tuple(found) == forecasting.BASELINES
    np.testing.assert_array_equal(found["persistence"].one_step, v[59:69])
    np.testing.assert_array_equal(found["persistence"].rolled, np.full(10, v[59]))
    np.testing.assert_array_equal(found["seasonal_naive"].one_step, v[60 - 11 : 70 - 11])
    np.testing.assert_array_equal(found["seasonal_naive"].rolled, v[49:59])  # one cycle back, never fed back here
    assert found["linear_ar"].params == series_data.WINDOW + 1 and found["persistence"].params == 0


def test_error_rows_are_the_mean_absolute_and_root_mean_square_errors_best_first():
    true = np.array([1.0, 4.0, 3.0])
    f = {
        "a": forecasting.Forecasts(np.array([1.0, 2.0, 6.0]), np.array([0.0, 0.0, 0.0]), 3),
        "b": forecasting.Forecasts(np.array([1.0, 4.0, 4.0]), np.array([1.0, 4.0, 3.0]), 0),
    }
    rows = forecasting.error_rows(f, true)
    assert [r.name for r in rows] == ["b", "a"]
    assert rows[1].one_step_mae == pytest.approx(5 / 3, rel=1e-12)
    assert rows[1].one_step_rmse == pytest.approx(np.sqrt(13 / 3), rel=1e-12)
    assert rows[1].rollout_mae == pytest.approx(8 / 3, rel=1e-12) and rows[0].rollout_mae == 0.0
    assert rows[1].params == 3


def test_the_forecast_table_matches_an_independent_recomputation(sunspots):
    values, start = sunspots
    true = values[start:]
    found = {}
    for name in models.FORECAST_MODELS:
        model, meta = weights.load(name)
        found[name] = (model, series_models.scaler_of(meta))
    forecasts, rows = series_models.forecast_table(values, start, found)
    by = {r.name: r for r in rows}
    assert set(by) == set(forecasting.BASELINES) | set(models.FORECAST_MODELS)
    assert [r.one_step_mae for r in rows] == sorted(r.one_step_mae for r in rows)

    # persistence, written out: each held-out year predicted by the year before
    mae, rmse = _errors(values[start - 1 : -1], true)
    assert by["persistence"].one_step_mae == pytest.approx(mae, rel=1e-12)
    assert by["persistence"].one_step_rmse == pytest.approx(rmse, rel=1e-12)
    # the linear AR: least squares solved through the normal equations, an independent route to the same fit
    w = series_data.WINDOW
    x = np.stack([values[t - w : t] for t in range(w, start)])
    design = np.hstack([x, np.ones((len(x), 1))])
    coef = np.linalg.solve(design.T @ design, design.T @ values[w:start])
    one = np.stack([values[t - w : t] for t in range(start, len(values))]) @ coef[:w] + coef[w]
    assert by["linear_ar"].one_step_mae == pytest.approx(_errors(one, true)[0], rel=1e-6)
    # each model: its one-step forecasts, one window at a time, in float64 around the model's float32 output
    for name, (model, scaler) in found.items():
        windows = np.stack([values[t - w : t] for t in range(start, len(values))])
        z = ((windows - scaler.mean) / scaler.std).astype(np.float32)
        pred = np.asarray(model(z), np.float64) * scaler.std + scaler.mean
        assert by[name].one_step_mae == pytest.approx(_errors(pred, true)[0], rel=1e-5)
        assert by[name].rollout_mae == pytest.approx(_errors(forecasts[name].rolled, true)[0], rel=1e-12)
        assert by[name].params == models.count_params(model)


def test_the_baseline_table_is_the_same_rows(sunspots):
    values, start = sunspots
    table = forecasting.baseline_table(series_data.load())
    rows = {r.name: r for r in forecasting.error_rows(forecasting.baseline_forecasts(values, start), values[start:])}
    assert list(table) == list(forecasting.BASELINES)
    for name, row in table.items():
        assert row == {
            "one_step_mae": rows[name].one_step_mae,
            "one_step_rmse": rows[name].one_step_rmse,
            "rollout_mae": rows[name].rollout_mae,
        }
