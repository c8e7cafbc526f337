"""The training checkpoints shipped in explorer/assets/: they are the shipped runs, and their recorded metrics reproduce."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from explorer.compute import evaluation
from explorer.data import corpus, digits
from explorer.models import checkpoints, weights


@pytest.fixture(scope="module")
def runs():
    return {name: checkpoints.load(name) for name in checkpoints.MODELS}


def _flat(model) -> list[np.ndarray]:
    return jax.tree_util.tree_leaves(weights.flat_params(model))


@pytest.mark.parametrize("name", checkpoints.MODELS)
def test_the_last_checkpoint_is_the_shipped_model_bit_for_bit(runs, name):
    run = runs[name]
    shipped, _ = weights.load(name)
    for a, b in zip(_flat(run.model_at(len(run.steps) - 1)), _flat(shipped)):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", checkpoints.MODELS)
def test_a_dozen_log_spaced_checkpoints_from_the_untrained_model(runs, name):
    run = runs[name]
    steps = [int(s) for s in run.steps]
    assert steps[0] == 0 and 12 <= len(steps) <= 14 and steps == sorted(set(steps))
    gaps = np.diff(np.log(steps[1:]))
    assert gaps.max() < 3 * gaps.min() + 0.5  # about evenly spaced on a log scale
    assert np.all(np.diff(run.seconds) >= 0) and run.seconds[0] < 1.0
    assert np.isnan(run.train_loss[0]) and np.all(np.isfinite(run.train_loss[1:]))
    from explorer import models

    for a, b in zip(_flat(run.model_at(0)), _flat(models.build(name, seed=0))):  # where the run started
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ["digit-cnn", "digit-mlp", "row-rnn-lstm"])
def test_recorded_heldout_accuracy_reproduces(runs, name):
    run = runs[name]
    held = digits.load_heldout()
    for k in (0, 6, len(run.steps) - 1):
        model = run.model_at(k)
        predictions = np.asarray(model(digits.to_model_input(held.images)))
        predictions = predictions[:, -1] if predictions.ndim == 3 else predictions
        assert np.mean(predictions.argmax(-1) == held.labels) == pytest.approx(run.heldout[k], abs=1e-12)
    assert run.heldout[0] < 0.2 < 0.9 < run.heldout[-1]  # from chance to trained


def test_recorded_bits_per_char_reproduce_and_fall(runs):
    run = runs["char-rnn-lstm"]
    text = corpus.load_heldout()
    for k in (0, len(run.steps) - 1):
        assert evaluation.bits_per_char(run.model_at(k), text) == pytest.approx(run.heldout[k], rel=1e-5)
    assert run.heldout[0] > 6.0 > 2.1 > run.heldout[-1]  # log2(98) ≈ 6.6 untrained; the shipped bar at the end


def test_missing_checkpoints_name_the_command(tmp_path):
    with pytest.raises(weights.WeightsError, match="python -m explorer train digit-mlp"):
        checkpoints.load("digit-mlp", tmp_path)
    (tmp_path / "digit-cnn.npz").write_bytes(b"not a zip")
    with pytest.raises(weights.WeightsError, match="unreadable"):
        checkpoints.load("digit-cnn", tmp_path)


def test_the_schedule_is_log_spaced_from_zero():
    assert checkpoints.schedule(3720) == [0, 1, 2, 4, 9, 20, 42, 89, 187, 395, 834, 1762, 3720]
