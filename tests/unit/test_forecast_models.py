"""The forecasting pair on the sunspot series: traces equal the models, the held-out figures reproduce, the bar
holds against the baselines, and the CNN is causal with the receptive field it states."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from explorer import models
from explorer.compute import forecasting, series_models
from explorer.data import series as series_data
from explorer.models import weights


@pytest.fixture(scope="module")
def shipped():
    return {name: weights.load(name) for name in models.FORECAST_MODELS}


@pytest.fixture(scope="module")
def sunspots():
    full = series_data.load()
    train, held = series_data.split(full)
    return full, len(train.values)


@pytest.mark.parametrize("name", models.FORECAST_MODELS)
def test_the_trace_is_the_model(shipped, name):
    model, _ = shipped[name]
    x = jnp.asarray(np.random.default_rng(0).normal(size=(5, series_data.WINDOW)), jnp.float32)
    np.testing.assert_allclose(np.asarray(model.trace(x).prediction), np.asarray(model(x)), rtol=1e-6)


@pytest.mark.parametrize("name", models.FORECAST_MODELS)
def test_recorded_heldout_errors_reproduce_in_sunspot_numbers(shipped, sunspots, name):
    model, meta = shipped[name]
    full, start = sunspots
    found = series_models.evaluate(model, series_models.scaler_of(meta), full.values, start)
    assert found.mae == pytest.approx(meta["metrics"]["mae"], rel=1e-5)
    assert found.rollout_mae == pytest.approx(meta["metrics"]["rollout_mae"], rel=1e-5)
    true = full.values[start:]
    assert found.mae == pytest.approx(float(np.mean(np.abs(found.one_step - true))), rel=1e-12)  # independent MAE


def test_the_best_neural_model_beats_persistence_and_seasonal_naive(shipped, sunspots):
    full, start = sunspots
    table = forecasting.baseline_table(full)
    best = min(meta["metrics"]["mae"] for _, meta in shipped.values())
    assert best < table["persistence"]["one_step_mae"] and best < table["seasonal_naive"]["one_step_mae"]


def test_the_scaler_comes_from_the_training_years_only(shipped, sunspots):
    full, start = sunspots
    _, meta = shipped["forecast-rnn"]
    scaler = series_models.scaler_of(meta)
    assert scaler.mean == pytest.approx(float(np.mean(full.values[:start])))
    assert scaler.std == pytest.approx(float(np.std(full.values[:start])), rel=1e-6)


def test_the_cnn_is_causal_and_reads_its_stated_receptive_field(shipped):
    model, _ = shipped["forecast-cnn"]
    rf = model.config.receptive_field
    assert rf == 1 + (model.config.kernel - 1) * sum(model.config.dilations) == 25
    x = np.random.default_rng(1).normal(size=(1, 40)).astype(np.float32)
    base = np.asarray(model.trace(jnp.asarray(x)).layers[-1])
    later = x.copy()
    later[0, 30] += 5.0  # a change at year 30 …
    moved = np.abs(np.asarray(model.trace(jnp.asarray(later)).layers[-1]) - base).max(axis=-1)[0]
    assert np.all(moved[:30] == 0)  # … reaches no earlier output
    earlier = x.copy()
    earlier[0, 39 - rf] += 5.0  # just outside the last output's window
    assert np.array_equal(np.asarray(model(jnp.asarray(earlier[:, -40:]))), np.asarray(model(jnp.asarray(x))))
