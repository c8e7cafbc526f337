"""The Forecast page in AppTest: the table is the held-out evaluation, the verdict follows its numbers, the GRU
reading is its trace, and a pasted series that cannot be forecast gets a message."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from explorer.compute import evaluation, series_models
from explorer.data import series as series_data
from explorer.models import weights
from tests.support.apptest import assert_clean, chart_spec, new_app
from tests.support.plotly_arrays import decode

PAGE = "explorer/app/pages/forecast/page.py"


@pytest.fixture(scope="module")
def page():
    at = new_app()
    at.switch_page(PAGE)
    return at.run()


def test_the_table_is_the_heldout_evaluation(page):
    assert_clean(page)
    table = page.dataframe[0].value.set_index("model")
    figures = evaluation.evaluate_forecasts()
    assert table.loc["GRU (RNN)", "one-step MAE"] == pytest.approx(figures["forecast-rnn"]["mae"])
    assert table.loc["causal CNN", "rolled-out MAE"] == pytest.approx(figures["forecast-cnn"]["rollout_mae"])
    for key, name in (("persistence", "persistence"), ("seasonal_naive", "seasonal naive"), ("linear_ar", "linear AR")):
        assert table.loc[name, "one-step MAE"] == pytest.approx(figures["forecast-baselines"][key]["one_step_mae"])
    verdict = page.get_by_key("forecast-table").markdown[0].value
    assert "better than repeating last year" in verdict
    assert ("beats the causal CNN" in verdict) == (
        figures["forecast-baselines"]["linear_ar"]["one_step_mae"] < figures["forecast-cnn"]["mae"]
    )


def test_stepping_shows_the_grus_own_readout(page):
    page.slider(key="fc_read").set_value(7).run()
    year = page.select_slider(key="fc_year").value
    full = series_data.load()
    t = int(np.searchsorted(full.years, year))
    model, meta = weights.load("forecast-rnn")
    scaler = series_models.scaler_of(meta)
    window = full.values[t - series_data.WINDOW : t]
    readout = scaler.inverse(np.asarray(model.trace(scaler.forward(window)[None].astype(np.float32)).readout[0]))
    assert_clean(page)
    text = page.get_by_key("forecast-rnn-reading").markdown[0].value
    assert f"**{readout[6]:.1f}**" in text and f"{int(full.years[t - series_data.WINDOW + 6]) + 1}" in text


@pytest.mark.parametrize(
    "text,says",
    [
        ("1, 2, <b>x</b>", "is not a number"),
        ("3 " * 30, "constant"),
        ("1 2 3", "at least 25"),
        ("1 " * 2500, "2,000"),
    ],
)
def test_a_series_that_cannot_be_forecast_gets_a_message(page, text, says):
    page.text_area(key="fc_user").input(text).run()
    assert_clean(page)
    shown = [w.value.replace("\\", "") for w in page.warning]  # quoted values are escaped: shown literally
    assert any(says in w for w in shown), shown


def _rolled_out_independently(name: str, values: np.ndarray, steps: int) -> np.ndarray:
    """The model run directly (no page code, no jit): standardised by the series' own mean and spread in float64,
    each forecast fed back as the next year."""
    model, _ = weights.load(name)
    mean, std = values.mean(), values.std()
    history = list((values[-series_data.WINDOW :] - mean) / std)
    out = []
    for _ in range(steps):
        window = np.asarray(history[-series_data.WINDOW :], np.float32)[None]  # (1, W)
        z = float(np.asarray(model(jnp.asarray(window))).reshape(-1)[0])
        history.append(z)
        out.append(z * std + mean)
    return np.asarray(out)


def test_a_pasted_series_gets_both_models_forecasts(page):
    values = np.array([round(50 + 40 * np.sin(i / 1.75), 1) for i in range(60)])
    page.text_area(key="fc_user").input(", ".join(str(v) for v in values)).run()
    assert_clean(page)
    assert not page.warning
    lines = {t["name"]: t for t in chart_spec(page, "forecast-user-figure")["data"]}
    forecasts = {}
    for name, title in (("forecast-rnn", "GRU (RNN)"), ("forecast-cnn", "causal CNN")):
        shown = decode(lines[title]["y"])
        np.testing.assert_array_equal(decode(lines[title]["x"]), np.arange(60, 70))  # the 10 values after the 60
        # the page rounds to 2 decimals; float32 inside the model: a hundredth of a sunspot covers both
        np.testing.assert_allclose(shown, _rolled_out_independently(name, values, 10), atol=0.01)
        forecasts[title] = shown
    assert not np.allclose(forecasts["GRU (RNN)"], forecasts["causal CNN"], atol=0.5)  # two models, two answers


@pytest.mark.parametrize("text", ["1, 2, 😀", "1\x00 2 3", "שלום 1 2", "<script>alert(1)</script>"])
def test_emoji_control_characters_and_other_scripts_get_a_message(page, text):
    page.text_area(key="fc_user").input(text).run()
    assert_clean(page)
    assert page.warning and "is not a number" in page.warning[0].value
