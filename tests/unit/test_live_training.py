"""Live training in the browser session: it learns, it is reproducible, it stops when told, and it is rationed."""

import math

import numpy as np
import pytest

from explorer.compute import live_training as lt
from explorer.data import digits


def train(run: lt.LiveRun, steps: int, per_call: int = lt.MAX_STEPS_PER_CALL) -> lt.LiveRun:
    while run.step < steps and not run.diverged:
        lt.advance(run, min(per_call, steps - run.step))
    return run


def params(run: lt.LiveRun) -> list[np.ndarray]:
    import jax
    from flax import nnx

    return [np.array(leaf) for leaf in jax.tree.leaves(nnx.state(run.model, nnx.Param))]


@pytest.fixture(scope="module")
def mlp_run():
    """The MLP at lr 0.05, batch 64, seed 0 after 300 steps."""
    return train(lt.new_run("digit-mlp", 0.05, 64, seed=0), 300)


def test_mlp_learns_from_scratch(mlp_run):
    assert mlp_run.step == 300 and not mlp_run.diverged
    assert lt.heldout_accuracy(mlp_run) >= 0.7  # chance is 0.1
    losses = [loss for _, loss, _ in mlp_run.history]
    assert losses[-1] < losses[0] / 3  # the first point is the mean of steps 1-50, about 1.0


def test_history_records_accuracy_every_eval_every_steps(mlp_run):
    assert [step for step, _, _ in mlp_run.history] == [50, 100, 150, 200, 250, 300]
    assert all(acc is not None and 0.0 <= acc <= 1.0 for _, _, acc in mlp_run.history)
    run = lt.new_run("digit-mlp", 0.05, 64)
    lt.advance(run, 30)
    lt.advance(run, 30)  # passes step 50
    assert run.history[0][2] is None and run.history[1][0] == 60 and run.history[1][2] is not None


def test_same_seed_gives_the_same_run(mlp_run):
    again = train(lt.new_run("digit-mlp", 0.05, 64, seed=0), 300)
    assert again.history == mlp_run.history
    for a, b in zip(params(again), params(mlp_run)):
        np.testing.assert_array_equal(a, b)


def test_batches_depend_on_the_step_not_on_how_steps_are_split_into_calls():
    one_call = train(lt.new_run("digit-mlp", 0.05, 32, seed=3), 50)
    many_calls = train(lt.new_run("digit-mlp", 0.05, 32, seed=3), 50, per_call=7)
    for a, b in zip(params(one_call), params(many_calls)):
        np.testing.assert_array_equal(a, b)
    other_seed = train(lt.new_run("digit-mlp", 0.05, 32, seed=4), 50)
    assert not np.array_equal(params(other_seed)[0], params(one_call)[0])


def test_cnn_learns_from_scratch():
    run = train(lt.new_run("digit-cnn", 0.05, 64, seed=0), 200)
    assert not run.diverged
    assert lt.heldout_accuracy(run) >= 0.5


def test_zero_learning_rate_changes_nothing():
    run = lt.new_run("digit-mlp", 0.0, 64)
    before = params(run)
    lt.advance(run, 20)
    assert run.step == 20 and not run.diverged and math.isfinite(run.history[-1][1])
    for a, b in zip(before, params(run)):
        np.testing.assert_array_equal(a, b)


def test_huge_learning_rate_diverges_and_stops():
    run = lt.new_run("digit-mlp", 10.0, 64, seed=0)
    train(run, 300)
    assert run.diverged and run.step < 50  # measured: the loss passes 100 within a few steps
    assert all(math.isfinite(loss) for _, loss, _ in run.history)
    assert all(np.isfinite(p).all() for p in params(run))  # the blown-up step was undone
    step, history, weights = run.step, list(run.history), params(run)
    assert lt.advance(run, 50) is run  # a no-op from now on
    assert run.step == step and run.history == history
    for a, b in zip(weights, params(run)):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(lt.predict(run, np.zeros((1, 28, 28, 1)))).all()


@pytest.mark.parametrize("name", ["digit-cnn", "row-rnn-simple"])
def test_huge_learning_rate_on_other_models_does_not_raise(name):
    run = train(lt.new_run(name, 10.0, 16, seed=0), 20, per_call=10)
    assert all(math.isfinite(loss) for _, loss, _ in run.history)
    assert run.diverged or run.step == 20


def test_non_finite_weights_count_as_divergence():
    run = lt.new_run("digit-mlp", 0.05, 16)
    lt.advance(run, 5)
    run.model.out.bias[...] = run.model.out.bias[...].at[0].set(np.nan)
    lt.advance(run, 5)
    assert run.diverged and run.step == 5 and len(run.history) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch": 7},
        {"lr": -1.0},
        {"lr": float("nan")},
        {"lr": float("inf")},
        {"lr": 10.5},
        {"name": "transformer"},
    ],
)
def test_bad_settings_are_refused(kwargs):
    settings = {"name": "digit-mlp", "lr": 0.1, "batch": 64} | kwargs
    with pytest.raises(ValueError):
        lt.new_run(**settings)


@pytest.mark.parametrize("steps", [0, 51, -1, 2.5])
def test_bad_step_counts_are_refused(steps):
    run = lt.new_run("digit-mlp", 0.1, 64)
    with pytest.raises(ValueError):
        lt.advance(run, steps)
    assert run.step == 0


def test_learning_rate_range_is_inclusive():
    assert lt.new_run("digit-mlp", lt.LR_RANGE[0], 16).lr == 0.0
    assert lt.new_run("digit-mlp", lt.LR_RANGE[1], 16).lr == 10.0


def test_only_advance_moves_a_run(mlp_run):
    """The page's Pause is not calling `advance`: reading a run (accuracy, prediction, weights) never trains it."""
    step, weights = mlp_run.step, params(mlp_run)
    x = digits.to_model_input(digits.load_heldout().images[:3])
    probs = lt.predict(mlp_run, x)
    assert probs.shape == (3, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    lt.heldout_accuracy(mlp_run, n=200)
    lt.first_layer(mlp_run)
    lt.SLOTS.request("pause-test", now=0.0)
    lt.SLOTS.release("pause-test")
    assert mlp_run.step == step
    for a, b in zip(weights, params(mlp_run)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(lt.predict(mlp_run, x), probs)


def test_first_layer_shapes(mlp_run):
    assert lt.first_layer(mlp_run).shape == (784, 64)
    assert lt.first_layer(lt.new_run("digit-cnn", 0.1, 16)).shape == (3, 3, 1, 8)
    assert lt.first_layer(lt.new_run("row-rnn-gru", 0.1, 16)) is None


def test_every_kind_is_a_digit_model():
    from explorer import models

    assert set(lt.KINDS) <= set(models.DIGIT_MODELS)
    assert {"digit-mlp", "digit-cnn", "row-rnn-simple", "row-rnn-gru", "row-rnn-lstm"} <= set(lt.KINDS)


def test_slots_first_come_first_served():
    slots = lt.Slots(2, ttl_s=10.0)
    assert [slots.request(s, now=0.0) for s in ("a", "b", "c")] == [0, 0, 1]
    assert slots.request("d", now=1.0) == 2
    assert slots.request("c", now=1.0) == 1  # asking again keeps its place
    assert slots.request("a", now=1.0) == 0  # and a slot stays held
    slots.release("b")
    assert slots.request("c", now=2.0) == 0
    assert slots.request("d", now=2.0) == 1
    assert slots.counts(now=2.0) == (2, 1)


def test_silent_sessions_lose_their_slot_and_queue_place():
    slots = lt.Slots(1, ttl_s=10.0)
    assert slots.request("left", now=0.0) == 0
    assert slots.request("queued-then-left", now=1.0) == 1
    assert slots.request("waiting", now=2.0) == 2
    assert slots.request("waiting", now=10.0) == 2  # 10 s is not longer than the ttl
    assert slots.request("waiting", now=11.5) == 0  # "left" silent 11.5 s, "queued-then-left" 10.5 s: both gone
    assert slots.counts(now=11.5) == (1, 0)


def test_release_of_an_unknown_session_is_harmless():
    slots = lt.Slots(1)
    slots.release("nobody")
    assert slots.request("a", now=0.0) == 0


def test_module_level_slots():
    assert lt.SLOTS.capacity >= 1
    assert isinstance(lt.ENABLED, bool)
    with pytest.raises(ValueError):
        lt.Slots(0)
