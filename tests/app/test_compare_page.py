"""The Compare page: both readers on the shared or a random digit, every tab, bad input handled."""

from __future__ import annotations

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import models
from explorer.app import resources
from explorer.app.pages.compare.page import SECTIONS
from explorer.data import digits
from explorer.models import weights
from tests.support.apptest import assert_clean, assert_download_draws, new_app


def _compare(section: str | None = None, **state) -> AppTest:
    at = new_app()
    at.switch_page("explorer/app/pages/compare/page.py")
    for k, v in state.items():
        at.session_state[k] = v
    if section:
        at.session_state["section"] = section
    at.run()
    assert_clean(at)
    return at


def _cnn_says(at: AppTest) -> int:
    said = [m.value for m in at.markdown if m.value.startswith("The CNN says")]
    assert len(said) == 1
    return int(re.search(r"\*\*(\d)\*\*", said[0]).group(1))


def _cnn_prediction(image: np.ndarray) -> int:
    model, _ = weights.load("digit-cnn")
    return int(jnp.argmax(model(jnp.asarray(digits.to_model_input(image)))[0]))


def test_opens_on_both_readers_for_a_random_heldout_digit():
    at = _compare()
    index = at.session_state["compare_sample_index"]
    held = digits.load_heldout()
    assert any(f"Held-out MNIST digit #{index}" in c.value for c in at.caption)
    assert _cnn_says(at) == _cnn_prediction(held.images[index].astype(np.float32) / 255)
    assert len(at.get("plotly_chart")) == 2  # the row RNN's animation and the CNN's feature maps


def test_reads_the_digit_page_digit_and_can_switch_to_another():
    image = np.zeros((28, 28), np.float32)
    image[5:23, 13:16] = 1.0  # a "1"
    at = _compare(digit_input=image)
    assert any("from the Digit page" in c.value for c in at.caption)
    assert _cnn_says(at) == _cnn_prediction(image)
    at.button(key="compare-random-digit").click().run()
    assert any("Held-out MNIST digit" in c.value for c in at.caption)
    at.button(key="compare-use-sketch").click().run()
    assert_clean(at)
    assert any("from the Digit page" in c.value for c in at.caption)


def test_row_rnn_cell_choice_is_shared_with_the_digit_page():
    at = _compare(rnn_cell="simple")
    assert any("Simple RNN: one row after another" in m.value for m in at.markdown)


@pytest.mark.parametrize("section", SECTIONS[1:])
def test_every_tab_runs(section):
    at = _compare(section)
    assert_clean(at)  # an uncaught exception lands in at.exception, an error box in at.error: both are checked
    assert at.session_state["section"] == section


def test_table_parameters_and_recorded_scores_are_the_models():
    at = _compare("Measured table")
    table = at.dataframe[0].value
    for _, row in table.iterrows():
        model, meta = weights.load(row["model"])
        assert row["parameters"] == models.count_params(model)
        recorded = meta["metrics"].get("accuracy", meta["metrics"].get("bits_per_char"))
        expected = round(recorded * 100, 1) if row["score unit"] == "% accuracy" else round(recorded, 3)
        assert row["held-out score"] == pytest.approx(expected)
        assert row["training s/epoch"] == pytest.approx(round(meta["training"]["seconds_per_epoch"], 2))


def test_text_tab_survives_hostile_and_tiny_text():
    at = _compare("One text, two readers", text_read="<script>alert('x')</script> \u202eevil 🙂 </b>")
    assert any("<script>" in c.value for c in at.code)  # shown as code, never as HTML
    assert_clean(at)
    at = _compare("One text, two readers", text_read="a")
    assert_clean(at)
    assert any("too short" in i.value for i in at.info)


def test_invariance_tab_at_zero_matches_the_unshifted_prediction():
    at = _compare("Invariance probes", compare_sample_index=11, compare_digit_source="sample")
    assert_clean(at)
    image = digits.load_heldout().images[11].astype(np.float32) / 255
    cnn, _ = weights.load("digit-cnn")
    p = jax.nn.softmax(cnn(jnp.asarray(digits.to_model_input(image))))[0]
    curve = [c for c in at.get("plotly_chart") if "p(digit" in c.proto.spec]
    assert curve and f"p(digit {int(jnp.argmax(p))})" in curve[0].proto.spec


def test_text_tab_reads_the_text_page_text_or_a_heldout_sample():
    at = _compare("One text, two readers", text_read="The quick brown fox jumps over the lazy dog.")
    assert any("from the Text page" in c.value for c in at.caption)
    assert any("The quick brown fox" in c.value for c in at.code)
    at.button(key="compare-random-text").click().run()
    assert any("held-out docstrings" in c.value for c in at.caption)
    at.button(key="compare-use-text").click().run()
    assert_clean(at)
    assert any("from the Text page" in c.value for c in at.caption)


def test_measure_button_fills_every_column_with_live_numbers():
    at = _compare("Measured table")  # measurements are kept per process: the button shows until they exist
    assert any("not measured yet" in m.value for m in at.markdown)
    at.button(key="compare-measure-table").click().run()
    assert_clean(at)
    assert any("Measuring (started by you" in p.proto.text for p in at.get("progress"))  # it runs in the background
    job = resources.shared_work().get("table")
    assert job.done.wait(300) and job.error is None
    at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert table["latency batch 1 (ms)"].notna().all() and table["latency batch 64 (ms)"].notna().all()
    for _, row in table.iterrows():  # the evaluation re-run now reproduces the one recorded at training
        recorded = weights.load_meta(row["model"])["metrics"]
        value = recorded["accuracy"] * 100 if row["score unit"] == "% accuracy" else recorded["bits_per_char"]
        assert row["held-out score"] == pytest.approx(value, abs=0.1 if row["score unit"] == "% accuracy" else 1e-3)
    assert not any("not measured yet" in m.value for m in at.markdown)


def test_a_malformed_section_address_opens_the_first_tab():
    at = new_app()
    at.switch_page("explorer/app/pages/compare/page.py")
    at.query_params["section"] = "<script>nope</script>"
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == 2 and _cnn_says(at) in range(10)


def test_download_as_html_is_the_row_reading_with_its_frames(downloads):
    at = _compare(compare_sample_index=4, compare_digit_source="sample")
    figure = assert_download_draws(at, downloads, "compare-row-reading-html", "compare-row-reading")
    assert len(figure["frames"]) == 28  # one frame per row the RNN reads
