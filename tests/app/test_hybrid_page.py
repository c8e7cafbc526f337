"""The Hybrid page in AppTest: the frame-by-frame guesses are the hybrid's own trace, the table is each model's
answer and recorded held-out figures, and an empty sketch gets a message."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.data import clips
from explorer.models import weights
from tests.support.apptest import assert_clean, assert_download_draws, new_app
from tests.support.plotly_arrays import decode

PAGE = "explorer/app/pages/hybrid/page.py"


@pytest.fixture
def page():
    at = new_app()
    at.switch_page(PAGE)
    return at.run()


@pytest.mark.parametrize("direction", clips.DIRECTIONS)
def test_the_guesses_are_the_hybrids_trace(page, direction):
    page.segmented_control(key="hy_direction").set_value(direction).run()
    assert_clean(page)
    i = page.number_input(key="hy_digit").value
    from explorer.app import ui  # noqa: F401  (the page's loaders)
    from explorer.data import digits

    held = digits.load_heldout()
    x = clips.to_model_input(clips.clip_from_sketch(held.images[i] / 255.0, direction))
    model, _ = weights.load("hybrid-clip")
    trace = model.trace(x)
    last = clips.DIRECTIONS[int(np.argmax(trace.direction_probs[0, -1]))]
    text = " ".join(m.value for m in page.markdown)
    assert f"moving **{last}**" in text and f"The clip moves {direction}." in text
    assert last == direction  # the hybrid gets the motion of this held-out digit right


def test_the_table_shows_each_models_recorded_heldout_figures(page):
    assert_clean(page)
    table = page.dataframe[0].value.set_index("model")
    one = weights.load_meta("hybrid-oneframe")["metrics"]
    assert table.loc["CNN on one frame", "held-out motion"] == pytest.approx(one["direction_accuracy"])
    assert table.loc["hybrid: CNN per frame → GRU", "held-out both"] >= 0.95


def test_an_empty_sketch_gets_a_message_not_a_clip():
    at = new_app()
    at.session_state["digit_input"] = np.zeros((28, 28), np.float32)
    at.switch_page(PAGE)
    at.run()
    at.segmented_control(key="hy_source").set_value("the Digit page's digit").run()
    assert_clean(at)
    assert any("empty" in i.value for i in at.info)


def test_download_as_html_is_the_clip_with_every_frame(page, downloads):
    page.segmented_control(key="hy_direction").set_value("right").run()
    assert_clean(page)
    figure = assert_download_draws(page, downloads, "hybrid-clip-html", "hybrid-clip-figure")
    frames = np.stack([decode(f["data"][0]["z"]) for f in figure["frames"]])  # (T, S, S)
    assert frames.shape == (clips.FRAMES, clips.SIZE, clips.SIZE)
    # a digit moving right one pixel per frame: each frame is the one before, shifted one column right
    np.testing.assert_array_equal(frames[1:, :, 1:], frames[:-1, :, :-1])
    assert np.all(frames[1:, :, 0] == 0) and frames[0].sum() > 10  # nothing comes in from the left; ink is there
