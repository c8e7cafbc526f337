"""The Training page in AppTest: scrubbing shows the saved weights' own answers, live training learns and
stops, the unrolled step shows JAX's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.compute import backprop
from explorer.data import digits
from explorer.models import checkpoints, weights
from tests.support.apptest import new_app

PAGE = "explorer/app/pages/training/page.py"


def _open(section: str | None = None):
    at = new_app()
    if section:
        at.query_params["training_section"] = section
    at.switch_page(PAGE)
    return at.run()


def _bars(at, key: str) -> np.ndarray:
    import json

    spec = json.loads(at.get_by_key(key).proto.spec)
    y = spec["data"][0]["y"]
    if isinstance(y, dict):
        import base64

        return np.frombuffer(base64.b64decode(y["bdata"]), np.dtype(y["dtype"]))
    return np.asarray(y)


@pytest.mark.parametrize("k", [0, 6, 12])
def test_scrubbing_shows_each_models_answer_with_the_weights_saved_then(k):
    at = _open()
    assert not at.exception and not at.error
    at.slider(key="checkpoint").set_value(k).run()
    held = digits.load_heldout()
    x = digits.to_model_input(held.images[:1])
    for name in ("digit-cnn", "digit-mlp", "row-rnn-lstm"):
        run = checkpoints.load(name)
        probs = np.asarray(run.model_at(k).trace(x).probs)
        expected = probs[0, -1] if probs.ndim == 3 else probs[0]
        np.testing.assert_allclose(_bars(at, f"training-probs-{name}"), expected, atol=1e-6)
        assert f"{run.heldout[k]:.1%}" in at.get_by_key(f"training-{name}").caption[0].value
    generated = at.get_by_key("training-generated").code[0].value
    assert generated.startswith("The ") and len(generated) == 4 + 160


def test_live_training_learns_step_by_step_and_stops_when_paused():
    at = _open("Train one yourself")
    assert not at.exception and "Step 0" in at.get_by_key("live-status").markdown[0].value
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
    assert not at.session_state["live_playing"] and at.session_state["live_run"].step == step


def test_a_huge_learning_rate_is_shown_as_divergence_not_a_crash():
    at = _open("Train one yourself")
    at.select_slider(key="live_lr").set_value(10.0).run()
    for _ in range(3):
        at.button(key="live-step").click().run()
    assert not at.exception
    assert any("Diverged" in e.value for e in at.error)
    assert at.session_state["live_run"].diverged


def test_changing_a_setting_starts_again_from_random_weights():
    at = _open("Train one yourself")
    at.button(key="live-step").click().run()
    assert at.session_state["live_run"].step == 20
    at.selectbox(key="live_batch").set_value(16).run()
    assert at.session_state["live_run"].step == 0 and at.session_state["live_run"].batch == 16


def test_the_unrolled_step_shows_the_numbers_jax_computed():
    at = _open("One step, unrolled")
    assert not at.exception
    i = at.number_input(key="unroll_digit").value
    held = digits.load_heldout()
    model, _ = weights.load("digit-mlp")
    step = backprop.mlp_step(model, held.images[i] / 255.0, int(held.labels[i]), 0.1)
    assert step.p[held.labels[i]] < 0.6  # it opens on a digit the MLP is unsure of
    np.testing.assert_allclose(_bars(at, "unroll-dz2"), step.d_z2, rtol=1e-6, atol=1e-9)
    text = " ".join(m.value for m in at.get_by_key("unroll-update").markdown)
    assert f"{abs(step.loss):.5g}" in text and f"{abs(step.loss_after):.5g}" in text
    assert step.loss_after < step.loss  # a small step helps on that digit


def test_live_training_can_be_turned_off_on_a_hosted_server(monkeypatch):
    from explorer.compute import live_training

    monkeypatch.setattr(live_training, "ENABLED", False)
    at = _open("Train one yourself")
    assert not at.exception
    assert any("turned off" in i.value for i in at.info)
