"""The unrolled SGD step of the digit MLP against a backward pass written out by hand in NumPy float64, against the
model's own forward pass, and against the SGD update rule."""

from __future__ import annotations

import math

import jax
import numpy as np
import pytest

from explorer import models
from explorer.compute import backprop
from explorer.data import digits
from explorer.models import weights

DIGITS = range(6)  # held-out digits checked against the hand-written backward pass


@pytest.fixture(scope="module")
def held():
    return digits.load_heldout()


@pytest.fixture(scope="module")
def trained():
    return weights.load("digit-mlp")[0]


@pytest.fixture(scope="module")
def untrained():
    return models.build("digit-mlp", seed=1)


def _image(held, i: int) -> np.ndarray:
    return digits.to_model_input(held.images[i : i + 1])[0, ..., 0]


def _params(model) -> dict[str, np.ndarray]:
    f64 = lambda a: np.asarray(a, np.float64)
    return {
        "w1": f64(model.hidden.kernel[...]),
        "b1": f64(model.hidden.bias[...]),
        "w2": f64(model.out.kernel[...]),
        "b2": f64(model.out.bias[...]),
    }


def _by_hand(model, image: np.ndarray, label: int) -> dict[str, np.ndarray]:
    """Forward and backward pass of softmax cross-entropy through the MLP, written out in NumPy float64."""
    w = _params(model)
    x = np.asarray(image, np.float64).reshape(-1)
    z1 = x @ w["w1"] + w["b1"]
    h = np.maximum(z1, 0.0)
    z2 = h @ w["w2"] + w["b2"]
    e = np.exp(z2 - z2.max())
    p = e / e.sum()
    d_z2 = p - np.eye(10)[label]
    d_h = w["w2"] @ d_z2
    d_z1 = d_h * (z1 > 0)
    return {
        "x": x,
        "z1": z1,
        "h": h,
        "z2": z2,
        "p": p,
        "d_z2": d_z2,
        "d_w2": np.outer(h, d_z2),
        "d_b2": d_z2,
        "d_h": d_h,
        "d_z1": d_z1,
        "d_w1": np.outer(x, d_z1),
        "d_b1": d_z1,
    }


GRADIENTS = ("d_z2", "d_w2", "d_b2", "d_h", "d_z1", "d_w1", "d_b1")


@pytest.mark.parametrize("which", ["trained", "untrained"])
def test_every_gradient_equals_the_hand_written_backward_pass(which, held, request):
    model = request.getfixturevalue(which)
    for i in DIGITS:
        label = int(held.labels[i])
        step = backprop.mlp_step(model, _image(held, i), label, lr=0.01)
        ref = _by_hand(model, _image(held, i), label)
        for name in ("x", "z1", "h", "z2", "p", *GRADIENTS):
            got = getattr(step, name)
            assert got.dtype == np.float64 and got.shape == ref[name].shape, name
            np.testing.assert_allclose(got, ref[name], rtol=1e-6, atol=1e-9, err_msg=f"{which} digit {i}: {name}")
        assert np.any(step.d_w1 != 0) and np.any(step.d_z1 == 0), "a real test needs live and dead hidden units"
        assert step.loss == pytest.approx(-math.log(ref["p"][label]), rel=1e-9)


def test_forward_matches_the_model_and_the_probabilities_sum_to_one(trained, held):
    images = np.stack([_image(held, i) for i in DIGITS])
    logits = np.asarray(trained(digits.to_model_input(images)))
    pre = np.asarray(trained.trace(digits.to_model_input(images)).hidden_pre)
    for i in DIGITS:
        step = backprop.mlp_step(trained, images[i], int(held.labels[i]), lr=0.01)
        np.testing.assert_allclose(step.z2, logits[i], rtol=1e-4, atol=1e-4)  # the model runs in float32
        np.testing.assert_allclose(step.z1, pre[i], rtol=1e-4, atol=1e-4)
        assert step.p.sum() == pytest.approx(1.0, abs=1e-12)
        assert step.p_after.sum() == pytest.approx(1.0, abs=1e-12)
        assert isinstance(step.loss, float) and isinstance(step.label, int)


def test_the_update_is_old_weights_minus_lr_times_gradient(trained, held):
    old = _params(trained)
    lr = 0.05
    step = backprop.mlp_step(trained, _image(held, 0), int(held.labels[0]), lr)
    for w, d in (("w1", "d_w1"), ("b1", "d_b1"), ("w2", "d_w2"), ("b2", "d_b2")):
        np.testing.assert_allclose(getattr(step, f"{w}_new"), old[w] - lr * getattr(step, d), rtol=1e-12, atol=1e-15)
    assert step.lr == lr
    for name, value in _params(trained).items():
        np.testing.assert_array_equal(value, old[name], err_msg="the model itself must not change")


def test_the_loss_after_matches_a_forward_pass_through_the_new_weights(untrained, held):
    step = backprop.mlp_step(untrained, _image(held, 3), int(held.labels[3]), lr=0.1)
    z2 = np.maximum(step.x @ step.w1_new + step.b1_new, 0.0) @ step.w2_new + step.b2_new
    e = np.exp(z2 - z2.max())
    np.testing.assert_allclose(step.p_after, e / e.sum(), rtol=1e-9, atol=1e-15)
    assert step.loss_after == pytest.approx(-math.log(step.p_after[step.label]), rel=1e-9)


def test_a_small_step_lowers_the_loss_on_a_digit_the_model_is_unsure_of(trained, held):
    probs = np.asarray(jax.nn.softmax(trained(digits.to_model_input(held.images[:300]))))
    unsure = [i for i in range(300) if probs[i, held.labels[i]] < 0.6][:5]
    assert unsure, "the trained model should be wrong or unsure on some of 300 held-out digits"
    for i in unsure:
        step = backprop.mlp_step(trained, _image(held, i), int(held.labels[i]), lr=0.01)
        assert step.loss_after < step.loss, f"digit {i}: {step.loss} → {step.loss_after}"
        assert step.p_after[step.label] > step.p[step.label]


def test_a_zero_learning_rate_changes_nothing(trained, held):
    step = backprop.mlp_step(trained, _image(held, 1), int(held.labels[1]), lr=0)
    old = _params(trained)
    for w in ("w1", "b1", "w2", "b2"):
        np.testing.assert_array_equal(getattr(step, f"{w}_new"), old[w])
    assert step.loss_after == step.loss
    np.testing.assert_array_equal(step.p_after, step.p)


@pytest.mark.parametrize("lr", [1e6, 1e300])
def test_a_huge_learning_rate_gives_a_float_loss_not_a_crash(trained, held, lr):
    step = backprop.mlp_step(trained, _image(held, 7), int(held.labels[7]), lr=lr)
    assert isinstance(step.loss_after, float) and not math.isnan(step.loss_after)
    assert step.loss_after >= 0
    assert math.isfinite(step.loss)


@pytest.mark.parametrize(
    ("image_shape", "label", "lr", "match"),
    [
        ((28, 28), 3, -1.0, "learning rate"),
        ((28, 28), 3, float("nan"), "learning rate"),
        ((28, 28), 3, float("inf"), "learning rate"),
        ((28, 28), 10, 0.01, "label"),
        ((28, 28), -1, 0.01, "label"),
        ((27, 28), 3, 0.01, "28 × 28"),
        ((784,), 3, 0.01, "28 × 28"),
    ],
)
def test_bad_inputs_raise_value_error(trained, image_shape, label, lr, match):
    with pytest.raises(ValueError, match=match):
        backprop.mlp_step(trained, np.zeros(image_shape, np.float32), label, lr)
