"""The training checkpoints shipped in explorer/assets/: they are the shipped runs, and their recorded metrics reproduce."""

from __future__ import annotations

import jax
import numpy as np
import pytest

from explorer.compute import evaluation
from explorer.data import corpus, digits
from explorer.models import checkpoints, weights
from explorer.training import checkpoints as writing

# A fresh model and the shipped step-0 checkpoint are two computations of the same initialisation: the LSTMs'
# orthogonal recurrent kernels go through LAPACK's QR, whose float rounding depends on the CPU (up to 1e-6 seen
# between two x86 machines); every initial weight is of order 0.01 to 1.
INIT_ATOL = 1e-5


@pytest.fixture(scope="module")
def runs():
    return {name: checkpoints.load(name) for name in checkpoints.MODELS}


def _flat(model) -> list[np.ndarray]:
    return jax.tree_util.tree_leaves(weights.flat_params(model))


@pytest.mark.parametrize("name", checkpoints.MODELS)
def test_the_last_checkpoint_is_the_shipped_model_bit_for_bit(runs, name):
    # exact: both are the same float32 values read from two files written by the same run
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
        np.testing.assert_allclose(a, b, rtol=0, atol=INIT_ATOL)


@pytest.mark.parametrize("name", ["digit-cnn", "digit-mlp", "row-rnn-lstm"])
def test_recorded_heldout_accuracy_reproduces(runs, name):
    run = runs[name]
    held = digits.load_heldout()
    for k in (0, 6, len(run.steps) - 1):
        model = run.model_at(k)
        predictions = np.asarray(model(digits.to_model_input(held.images)))
        predictions = predictions[:, -1] if predictions.ndim == 3 else predictions
        # recomputed here on another CPU: a near-tie between two logits may flip one digit of 1,000, no more
        assert np.mean(predictions.argmax(-1) == held.labels) == pytest.approx(run.heldout_score[k], abs=1.01e-3)
    assert run.heldout_score[0] < 0.2 < 0.9 < run.heldout_score[-1]  # from chance to trained


def test_recorded_bits_per_char_reproduce_and_fall(runs):
    assert runs["char-rnn-lstm"].metric == "bits_per_char" and runs["digit-cnn"].metric == "accuracy"
    run = runs["char-rnn-lstm"]
    text = corpus.load_heldout()
    for k in (0, len(run.steps) - 1):
        assert evaluation.bits_per_char(run.model_at(k), text) == pytest.approx(run.heldout_score[k], rel=1e-5)
    assert (
        run.heldout_score[0] > 6.0 > 2.1 > run.heldout_score[-1]
    )  # log2(98) ≈ 6.6 untrained; the shipped bar at the end


def test_missing_checkpoints_name_the_command(tmp_path):
    with pytest.raises(weights.WeightsError, match="python -m explorer train digit-mlp"):
        checkpoints.load("digit-mlp", tmp_path)
    (tmp_path / "digit-cnn.npz").write_bytes(b"not a zip")
    with pytest.raises(weights.WeightsError, match="unreadable"):
        checkpoints.load("digit-cnn", tmp_path)


def test_the_schedule_is_log_spaced_from_zero():
    assert writing.schedule(3720) == [0, 1, 2, 4, 9, 20, 42, 89, 187, 395, 834, 1762, 3720]
