"""The Digit page in AppTest: predictions match the models, and bad input gets a message, not a traceback."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from PIL import Image

from explorer.data import digits
from explorer.figures import palette
from explorer.models import weights
from tests.support.apptest import assert_clean, assert_no_exception, errors, new_app, texts
from tests.support.light_figures import light_figure

NO_PREDICTION = "Prediction:"


@pytest.fixture(scope="module")
def heldout():
    return digits.load_heldout()


def _canvas_of(digit: np.ndarray) -> np.ndarray:
    """A held-out 28×28 digit blown up to the 280×280 canvas, as if drawn there."""
    return np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BILINEAR), np.float32) / 255.0


def test_app_opens_on_the_digit_page_with_a_hint(canvas_image):
    at = new_app().run()
    assert_clean(at)
    assert not errors(at)
    assert NO_PREDICTION not in texts(at.get_by_key("cnn-prediction"))
    assert NO_PREDICTION not in texts(at.get_by_key("rnn-prediction"))
    assert any("empty" in i.value for i in at.info)


def _nnx_says(name: str, image: np.ndarray) -> int:
    """The digit the model (the nnx module run directly, not the page's compiled reader) gives a 28 × 28 image."""
    model, _ = weights.load(name)
    return int(np.argmax(np.asarray(model(jnp.asarray(digits.to_model_input(image))))[0]))


def test_random_digit_button_shows_the_models_prediction(heldout):
    at = new_app().run()
    at.button(key="random-digit").click().run()
    assert_clean(at)
    index = at.session_state["sample_index"]
    expected = _nnx_says("digit-cnn", heldout.images[index])
    assert f"Prediction: {expected}" in texts(at.get_by_key("cnn-prediction"))
    assert "Prediction:" in texts(at.get_by_key("rnn-prediction"))
    assert f"#{index}" in texts(at)


def test_the_chooser_shows_the_chosen_held_out_image(heldout):
    """Digit 3 on the chooser's row, the 5th of them, "Show it": the page shows the 5th held-out image labelled 3,
    found here independently of the page, and the count in the number's label is that digit's own."""
    at = new_app().run()
    at.radio(key="choose-digit").set_value(3).run()
    threes = np.flatnonzero(heldout.labels == 3)
    assert at.number_input(key="choose-which").label == f"Which one (1–{len(threes)})"
    at.number_input(key="choose-which").set_value(5).run()
    at.button(key="choose-show").click().run()
    assert_clean(at)
    assert at.session_state["sample_index"] == int(threes[4])
    assert f"Held-out MNIST digit #{int(threes[4])}, labelled **3**" in texts(at)


@pytest.mark.parametrize("cell", ["simple", "gru", "lstm"])
def test_each_rnn_cell_predicts_its_own_output(cell, heldout):
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 42
    at.session_state["rnn_cell"] = cell
    at.run()
    assert_clean(at)
    expected = _nnx_says(f"row-rnn-{cell}", heldout.images[42])
    assert f"Prediction: {expected}" in texts(at.get_by_key("rnn-prediction"))


def test_a_sketch_is_preprocessed_and_classified(canvas_image, heldout):
    index = int(np.flatnonzero(heldout.labels == 3)[0])
    canvas_image(_canvas_of(heldout.images[index]))
    at = new_app().run()
    assert_clean(at)
    assert "Prediction: 3" in texts(at.get_by_key("cnn-prediction"))  # the held-out label: a 3, drawn large
    # the last stage shown is what the models read: MNIST's own layout, checked by hand in float64
    strip = light_figure(at, "preprocessing-strip")
    assert strip.alts[0] == "canvas 280×280" and strip.alts[-1] == "centred by mass in 28×28 28×28", strip.alts
    centred = strip.images[-1].astype(np.float64) / 255.0  # (28, 28)
    rows, cols = np.nonzero(centred > 0)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= 20  # the digit fits a 20 × 20 box
    mass = centred.sum()
    com = (np.arange(28) @ centred.sum(1) / mass, np.arange(28) @ centred.sum(0) / mass)
    assert np.allclose(com, 13.5, atol=0.5), com  # its centre of mass at the frame's centre, to half a pixel
    original = heldout.images[index].astype(np.float64) / 255.0
    assert np.corrcoef(centred.ravel(), original.ravel())[0, 1] > 0.8  # and it is the digit that was drawn
    # the probabilities shown are the CNN's (the nnx module run directly) on exactly that image
    model, _ = weights.load("digit-cnn")
    expected = np.asarray(jax.nn.softmax(model(jnp.asarray(centred.astype(np.float32)[None, :, :, None]))))[0]
    bars = light_figure(at, "cnn-probs")
    np.testing.assert_allclose(bars.values, expected, atol=1e-5)
    np.testing.assert_allclose(bars.heights, np.clip(expected / 1.12, 0, 1) * 100, atol=0.006)  # as drawn, in %
    assert bars.ticks == [str(d) for d in range(10)] and bars.title == "CNN (all pixels at once)"
    top = int(expected.argmax())
    assert bars.colours[top] == palette.CNN and re.search(rf"highest [\d.]+% at {top},", bars.label), bars.label


@pytest.mark.parametrize(
    "grey, words",
    [
        (None, "empty"),
        (np.zeros((280, 280), np.float32), "empty"),
        (np.pad(np.ones((22, 22), np.float32), ((129, 129), (129, 129))), "dot"),
        (np.ones((280, 280), np.float32), "ink"),
    ],
    ids=["nothing sent", "empty canvas", "single dot", "all white"],
)
def test_bad_canvas_gets_a_message_and_no_prediction(canvas_image, grey, words):
    canvas_image(grey)
    at = new_app().run()
    assert_clean(at)
    assert NO_PREDICTION not in texts(at.get_by_key("cnn-prediction"))
    assert NO_PREDICTION not in texts(at.get_by_key("rnn-prediction"))
    assert any(words in i.value for i in at.info)
    # the app keeps answering: the next input is classified
    at.button(key="random-digit").click().run()
    assert_clean(at)
    assert NO_PREDICTION in texts(at.get_by_key("cnn-prediction"))


@pytest.mark.parametrize(
    "query, problem",
    [
        ({"sample": "abc"}, "sample='abc'"),
        ({"sample": "-1"}, "sample='-1'"),
        ({"sample": "99999999999999999999"}, "sample="),
        ({"sample": "<script>alert(1)</script>"}, "sample="),
        ({"cell": "transformer"}, "cell='transformer'"),
    ],
)
def test_malformed_query_parameters_are_reported_and_ignored(query, problem):
    at = new_app()
    at.query_params.update(query)
    at.run()
    assert_clean(at)
    shown = [w.value.replace("\\", "").replace("“", "'").replace("”", "'") for w in at.warning]  # escaped quotes
    assert any(problem in w and "Ignored" in w for w in shown), shown
    at.button(key="random-digit").click().run()
    assert_clean(at)
    assert NO_PREDICTION in texts(at.get_by_key("cnn-prediction"))


def test_query_parameters_open_a_prepared_digit(heldout):
    at = new_app()
    at.query_params.update({"sample": "17", "cell": "GRU"})
    at.run()
    assert_clean(at)
    assert not at.warning
    assert at.session_state["sample_index"] == 17 and at.session_state["rnn_cell"] == "gru"
    assert "#17" in texts(at)


def test_missing_weights_show_how_to_rebuild_them(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_WEIGHTS_DIR", str(tmp_path))
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 5
    at.run()
    assert_no_exception(at)
    messages = " ".join(errors(at))
    assert "python -m explorer train digit-cnn" in messages
    assert "python -m explorer train row-rnn" in messages
    assert NO_PREDICTION not in texts(at.get_by_key("cnn-prediction"))


def test_the_chosen_cell_survives_a_visit_to_another_page():
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 9
    at.run()
    at.segmented_control(key="cell").set_value("gru").run()
    assert at.session_state["rnn_cell"] == "gru"
    assert light_figure(at, "rnn-probs").title == "GRU (row by row)"
    at.switch_page("explorer/app/pages/guide/page.py").run()
    at.switch_page("explorer/app/pages/digit/page.py").run()
    assert_clean(at)
    assert at.session_state["rnn_cell"] == "gru"
    assert at.segmented_control(key="cell").value == "gru"
