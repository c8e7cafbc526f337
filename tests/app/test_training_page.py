"""The Training page in AppTest: scrubbing shows the saved weights' own answers, live training learns and
stops, the unrolled step shows JAX's numbers."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest

from explorer.data import digits
from explorer.models import checkpoints, weights
from tests.support.apptest import assert_clean, assert_no_exception, chart_spec, new_app
from tests.support.plotly_arrays import decode

PAGE = "explorer/app/pages/training/page.py"


def _open(section: str | None = None):
    at = new_app()
    if section:
        at.query_params["training_section"] = section
    at.switch_page(PAGE)
    return at.run()


def _bars(at, key: str) -> np.ndarray:
    return decode(chart_spec(at, key)["data"][0]["y"])


def _shown_percent(caption: str) -> float:
    """The accuracy a caption states, as a fraction ("… checkpoint: 90.9%." → 0.909)."""
    return float(re.search(r"(\d+(?:\.\d+)?)%", caption).group(1)) / 100


@pytest.mark.parametrize("k", [0, 6, 12])
def test_scrubbing_shows_each_models_answer_with_the_weights_saved_then(k):
    at = _open()
    assert_clean(at)
    at.slider(key="checkpoint").set_value(k).run()
    held = digits.load_heldout()
    x = digits.to_model_input(held.images[:1])
    for name in ("digit-cnn", "digit-mlp", "row-rnn-lstm"):
        run = checkpoints.load(name)
        probs = np.asarray(run.model_at(k).trace(x).probs)
        expected = probs[0, -1] if probs.ndim == 3 else probs[0]
        np.testing.assert_allclose(_bars(at, f"training-probs-{name}"), expected, atol=1e-6)
        # the accuracy measured now: the weights saved then, on all held-out digits (argmax of the model run
        # directly); a digit on a knife's edge may fall either way on another CPU, so two of 1,000 may differ
        probs_all = np.asarray(run.model_at(k).trace(digits.to_model_input(held.images)).probs)
        predicted = (probs_all[:, -1] if probs_all.ndim == 3 else probs_all).argmax(-1)
        accuracy = float(np.mean(predicted == held.labels))
        caption = at.get_by_key(f"training-{name}").caption[0].value
        assert _shown_percent(caption) == pytest.approx(accuracy, abs=0.0021), caption
    generated = at.get_by_key("training-generated").code[0].value
    assert generated.startswith("The ") and len(generated) == 4 + 160


def test_live_training_learns_step_by_step_and_stops_when_paused():
    at = _open("Train one yourself")
    assert_clean(at)
    assert "Step 0" in at.get_by_key("live-status").markdown[0].value
    for _ in range(3):
        at.button(key="live-step").click().run()
    status = at.get_by_key("live-status").markdown[0].value
    assert "Step 60" in status and "held-out accuracy" in status
    accuracy = float(status.split("held-out accuracy ")[1].rstrip("%")) / 100
    assert accuracy > 0.5  # chance is 0.1
    at.button(key="live-play").click().run()  # play …
    assert at.session_state["live_playing"]
    at.button(key="live-play").click().run()  # … and pause: nothing trains without a tick
    step = at.session_state["live_run"].step
    at.run()
    assert_clean(at)
    assert not at.session_state["live_playing"] and at.session_state["live_run"].step == step


def test_a_huge_learning_rate_is_shown_as_divergence_not_a_crash():
    at = _open("Train one yourself")
    at.select_slider(key="live_lr").set_value(10.0).run()
    for _ in range(3):
        at.button(key="live-step").click().run()
    assert_no_exception(at)
    assert any("Diverged" in e.value for e in at.error)
    assert at.session_state["live_run"].diverged


def test_changing_a_setting_starts_again_from_random_weights():
    at = _open("Train one yourself")
    at.button(key="live-step").click().run()
    assert at.session_state["live_run"].step == 20
    at.selectbox(key="live_batch").set_value(16).run()
    assert_clean(at)
    assert at.session_state["live_run"].step == 0 and at.session_state["live_run"].batch == 16


def test_the_unrolled_step_shows_the_numbers_jax_computed():
    at = _open("One step, unrolled")
    assert_clean(at)
    i = at.number_input(key="unroll_digit").value
    held = digits.load_heldout()
    model, _ = weights.load("digit-mlp")
    step = _sgd_step_by_hand(
        model, held.images[i] / 255.0, int(held.labels[i]), at.select_slider(key="unroll_lr").value
    )
    assert step["p"][held.labels[i]] < 0.6  # it opens on a digit the MLP is unsure of
    # float64 on both sides, by two routes (jax.grad there, the chain rule written out here)
    np.testing.assert_allclose(_bars(at, "unroll-dz2"), step["d_z2"], rtol=1e-6, atol=1e-9)
    text = " ".join(m.value for m in at.get_by_key("unroll-update").markdown)
    printed = re.search(r"from \*\*([^*]+)\*\* to \*\*([^*]+)\*\*", text)
    assert printed, text
    for shown, exact in zip(printed.groups(), (step["loss"], step["loss_after"])):
        # the page prints from logarithms (no underflow); the hand computation must round to what it printed
        half_step = float(Decimal(1).scaleb(Decimal(shown).as_tuple().exponent)) / 2
        assert abs(float(Decimal(shown)) - exact) <= half_step + 1e-9 * abs(exact), (shown, exact)
    assert step["loss_after"] < step["loss"]  # a small step helps on that digit


def _sgd_step_by_hand(model, image: np.ndarray, label: int, lr: float) -> dict:
    """One SGD step of the MLP (784 → ReLU → 10, softmax cross-entropy) on one digit, in float64 NumPy with the
    gradients written out: d z2 = p − onehot, then back through W2, the ReLU and W1."""
    w1, b1 = (np.asarray(a, np.float64) for a in (model.hidden.kernel[...], model.hidden.bias[...]))
    w2, b2 = (np.asarray(a, np.float64) for a in (model.out.kernel[...], model.out.bias[...]))
    x = np.asarray(image, np.float64).reshape(-1)  # (784,) row by row

    def forward(w1, b1, w2, b2):
        z1 = x @ w1 + b1  # (H,)
        h = np.maximum(z1, 0.0)
        z2 = h @ w2 + b2  # (10,)
        log_p = z2 - z2.max() - np.log(np.exp(z2 - z2.max()).sum())
        return z1, h, np.exp(log_p), -log_p[label]

    z1, h, p, loss = forward(w1, b1, w2, b2)
    d_z2 = p - np.eye(10)[label]
    d_z1 = (w2 @ d_z2) * (z1 > 0)
    after = forward(w1 - lr * np.outer(x, d_z1), b1 - lr * d_z1, w2 - lr * np.outer(h, d_z2), b2 - lr * d_z2)
    return {"p": p, "loss": loss, "d_z2": d_z2, "loss_after": after[3]}


def test_live_training_can_be_turned_off_on_a_hosted_server(monkeypatch):
    from explorer.compute import live_training

    monkeypatch.setattr(live_training, "ENABLED", False)
    at = _open("Train one yourself")
    assert_clean(at)
    assert any("turned off" in i.value for i in at.info)
