"""The Digit page in AppTest: predictions match the models, and bad input gets a message, not a traceback."""

import numpy as np
import pytest
from PIL import Image

from explorer.data import digits
from explorer.models import compiled
from tests.support.apptest import errors, new_app, texts

NO_PREDICTION = "Prediction:"


@pytest.fixture(scope="module")
def heldout():
    return digits.load_heldout()


def _canvas_of(digit: np.ndarray) -> np.ndarray:
    """A held-out 28×28 digit blown up to the 280×280 canvas, as if drawn there."""
    return np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BILINEAR), np.float32) / 255.0


def test_app_opens_on_the_digit_page_with_a_hint(canvas_image):
    at = new_app().run()
    assert not at.exception
    assert not errors(at)
    assert NO_PREDICTION not in texts(at.get_by_key("cnn-prediction"))
    assert NO_PREDICTION not in texts(at.get_by_key("rnn-prediction"))
    assert any("empty" in i.value for i in at.info)


def test_random_digit_button_shows_the_models_prediction(cnn, heldout):
    at = new_app().run()
    at.button(key="random-digit").click().run()
    assert not at.exception
    index = at.session_state["sample_index"]
    expected = int(np.argmax(cnn.trace(digits.to_model_input(heldout.images[index])).probs[0]))
    assert f"Prediction: {expected}" in texts(at.get_by_key("cnn-prediction"))
    assert "Prediction:" in texts(at.get_by_key("rnn-prediction"))
    assert f"#{index}" in texts(at)


@pytest.mark.parametrize("cell", ["simple", "gru", "lstm"])
def test_each_rnn_cell_predicts_its_own_output(cell, heldout):
    rnn = compiled.load_reader(f"row-rnn-{cell}")
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 42
    at.session_state["rnn_cell"] = cell
    at.run()
    expected = int(np.argmax(rnn.trace(digits.to_model_input(heldout.images[42])).probs[0, -1]))
    assert f"Prediction: {expected}" in texts(at.get_by_key("rnn-prediction"))


def test_a_sketch_is_preprocessed_and_classified(canvas_image, cnn, heldout):
    index = int(np.flatnonzero(heldout.labels == 3)[0])
    canvas_image(_canvas_of(heldout.images[index]))
    at = new_app().run()
    assert not at.exception
    prep = digits.preprocess(_canvas_of(heldout.images[index]))
    expected = int(np.argmax(cnn.trace(digits.to_model_input(prep.centred)).probs[0]))
    assert expected == 3  # the CNN reads the re-preprocessed MNIST digit correctly
    assert "Prediction: 3" in texts(at.get_by_key("cnn-prediction"))


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
    assert not at.exception
    assert NO_PREDICTION not in texts(at.get_by_key("cnn-prediction"))
    assert NO_PREDICTION not in texts(at.get_by_key("rnn-prediction"))
    assert any(words in i.value for i in at.info)
    # the app keeps answering: the next input is classified
    at.button(key="random-digit").click().run()
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
    assert not at.exception
    assert any(problem in w.value and "Ignored" in w.value for w in at.warning)
    at.button(key="random-digit").click().run()
    assert NO_PREDICTION in texts(at.get_by_key("cnn-prediction"))


def test_query_parameters_open_a_prepared_digit(heldout):
    at = new_app()
    at.query_params.update({"sample": "17", "cell": "GRU"})
    at.run()
    assert not at.exception and not at.warning
    assert at.session_state["sample_index"] == 17 and at.session_state["rnn_cell"] == "gru"
    assert "#17" in texts(at)


def test_missing_weights_show_how_to_rebuild_them(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_WEIGHTS_DIR", str(tmp_path))
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 5
    at.run()
    assert not at.exception
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
    assert "GRU (row by row)" in at.get_by_key("rnn-probs").proto.spec
    at.switch_page("explorer/app/pages/guide/page.py").run()
    at.switch_page("explorer/app/pages/digit/page.py").run()
    assert at.session_state["rnn_cell"] == "gru"
    assert at.segmented_control(key="cell").value == "gru"
