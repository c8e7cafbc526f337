"""The shipped weights meet the bars of SPEC.md on held-out data they never trained on."""

import json

import pytest

from explorer import models
from explorer.compute import evaluation
from explorer.models import weights


@pytest.fixture(scope="module")
def results():
    return evaluation.evaluate_all()


FORECASTS = {*models.FORECAST_MODELS, "forecast-baselines", *models.CLIP_MODELS}
SENTIMENT = {*models.SENTIMENT_MODELS, "sentiment-vader"}  # VADER is the rule-based peer: it has no weights
EVALUATED = set(models.DIGIT_AND_TEXT_MODELS) | FORECASTS | SENTIMENT


def test_every_model_is_evaluated(results):
    assert set(results) == EVALUATED
    for name, row in results.items():
        if name in FORECASTS:
            continue
        if name in SENTIMENT:
            assert row["heldout"] == 2014 and 0 < row["accuracy"] < 1, name
            assert set(row["out_of_domain"]) == {"tweets", "amazon", "nyt"}, name
            assert ("params" in row) == (name in models.SENTIMENT_MODELS), name
            if name in models.SENTIMENT_MODELS:
                assert row["params"] > 0
            continue
        assert row["params"] > 0
        assert ("accuracy" in row) == (name in models.DIGIT_MODELS)


def test_digit_cnn_meets_the_bar(results):
    assert results["digit-cnn"]["accuracy"] >= 0.975


def test_best_row_rnn_meets_the_bar(results):
    assert max(results[f"row-rnn-{c}"]["accuracy"] for c in ("simple", "gru", "lstm")) >= 0.95


def test_char_lstm_meets_the_bar(results):
    assert results["char-rnn-lstm"]["bits_per_char"] <= 2.1


def test_evaluation_reproduces_the_figures_recorded_at_training(results):
    for name, row in results.items():
        if name == "forecast-baselines":
            continue
        if name in models.CLIP_MODELS:
            recorded = weights.load_meta(name)["metrics"]
            assert row["joint_accuracy"] == pytest.approx(recorded["joint_accuracy"], abs=2e-3), name
            continue
        if name == "sentiment-vader":  # no weights, nothing recorded: checked against VADER itself in test_sentiment
            continue
        if name in models.SENTIMENT_MODELS:
            recorded = weights.load_meta(name)["metrics"]
            # bit-for-bit on the machine that trained; elsewhere float rounding may move at most one snippet
            assert abs(row["accuracy"] - recorded["accuracy"]) <= max(1e-9, 1 / row["heldout"] + 1e-12), name
            assert row["params"] == recorded["params"], name
            continue
        if name in FORECASTS:
            assert row["mae"] == pytest.approx(weights.load_meta(name)["metrics"]["mae"], rel=1e-5)
            continue
        recorded = weights.load_meta(name)["metrics"]
        if "accuracy" in row:  # another CPU may round a near-tie between two logits the other way: one digit of 1,000
            assert row["accuracy"] == pytest.approx(recorded["accuracy"], abs=1.01e-3), name
        else:  # a mean over 89,000 characters of float32 cross-entropies
            assert row["bits_per_char"] == pytest.approx(recorded["bits_per_char"], rel=1e-5), name
        assert row["params"] == recorded["params"]


def test_json_output_is_one_object_keyed_by_model(results, capsys, monkeypatch):
    """The CLI prints the evaluation as one JSON object: the module's own evaluation is handed to it (evaluating
    every model again takes a worker 15 s and tests nothing more than the fixture's run)."""
    from explorer.cli import evaluate

    monkeypatch.setattr(evaluate, "evaluate_all", lambda: results)
    evaluate.main(["--json"])
    out = json.loads(capsys.readouterr().out)
    assert set(out) == EVALUATED
    assert set(out["forecast-baselines"]) == {"persistence", "seasonal_naive", "linear_ar"}
    assert out == json.loads(json.dumps(results))  # every figure, as evaluated
