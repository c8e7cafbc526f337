"""The Text page in AppTest: what it shows is what the trained char models compute; bad text gets a message."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.compute import printing, recurrence
from explorer.data import vocab
from explorer.models import compiled
from tests.support.apptest import assert_clean, assert_download_draws, chart_spec, is_live_region, new_app
from tests.support.plotly_arrays import decode

PAGE = "explorer/app/pages/text/page.py"
SENTENCE = "Return the list of items in the dictionary."


def open_text(text: str | None = SENTENCE, cell: str = "lstm"):
    at = new_app()
    at.switch_page(PAGE)
    if text is not None:
        at.session_state["text_typed"] = text  # what the text box keeps across pages
    at.session_state["cell"] = cell
    return at.run()


def chart(at, key: str) -> dict:
    """The Plotly spec of the chart with this element key."""
    return chart_spec(at, key)


def step_text(at) -> str:
    return "\n".join(t.value for t in at.get_by_key("text-step").text)


@pytest.mark.parametrize("cell", ["simple", "gru", "lstm"])
def test_each_cell_shows_its_own_trace_and_predictions(cell):
    at = open_text(cell=cell)
    assert_clean(at)
    trace = compiled.load_reader(f"char-rnn-{cell}").trace(SENTENCE)
    t = len(SENTENCE) - 1
    assert f"Step {t + 1} of {len(SENTENCE)}" in step_text(at)
    heat = chart(at, "hidden-heatmap")["data"][0]
    np.testing.assert_array_equal(decode(heat["z"]), np.asarray(trace.hidden[0]).T)  # the columns are h_t
    top = recurrence.top_k(np.asarray(trace.probs[0, t]))
    bars = chart(at, "rnn-top5")["data"][0]
    assert bars["y"] == [f"'{vocab.display(c)}'" for c, _ in top]
    np.testing.assert_allclose(decode(bars["x"]), [p for _, p in top], rtol=1e-6)
    equation = [e.value for e in at.get_by_key("equation").get("latex")]
    unit = at.session_state["unit"]
    printed_h = re.findall(r"(?:=|\\approx) (-?\d+\.\d{3,})(?:\\quad.*)? \\end\{aligned\}", equation[-1])
    assert printed_h, equation[-1]
    printed_h = printed_h[0]
    assert printing.rounds_to(float(trace.hidden[0, t, unit]), printed_h)  # 3 decimals, more where a sum needs
    if cell == "simple":  # no gates to show: the page must not pretend there are
        assert all("gate-bars" not in el.proto.id for el in at.get("plotly_chart"))
    else:  # the gate bars show this unit's traced gate values at step t
        gates = chart(at, "gate-bars")["data"][0]
        names = recurrence.BLOCKS[cell]
        expected = [float(trace.gates[n][0, t, unit]) for n in names]
        np.testing.assert_allclose(decode(gates["y"]), expected, rtol=1e-5)


def test_step_buttons_and_slider_move_the_character_being_read():
    at = open_text()
    n = len(SENTENCE)
    at.button(key="step-prev").click().run()
    assert at.session_state["step"] == n - 1
    assert f"Step {n - 1} of {n}" in step_text(at) and f"“{SENTENCE[n - 2]}”" in step_text(at)
    at.slider(key="step").set_value(3).run()
    assert "Step 3 of" in step_text(at) and "“t”" in step_text(at)  # "Ret": the third character is t
    shapes = chart(at, "hidden-heatmap")["layout"]["shapes"]
    assert shapes[0]["x0"] == 2.5  # the current column is marked at character 3 (positions count from 1)
    at.button(key="step-next").click().run()
    assert at.session_state["step"] == 4
    sal = decode(chart(at, "saliency-bars")["data"][0]["y"])
    assert len(sal) == 4 and np.all(sal > 0)
    assert_clean(at)


def test_new_text_jumps_to_its_end_and_updates_the_predictions():
    at = open_text()
    at.text_area(key="text_input").input("Hello there").run()
    assert_clean(at)
    assert "Step 11 of 11" in step_text(at)
    trace = compiled.load_reader("char-rnn-lstm").trace("Hello there")
    bars = chart(at, "rnn-top5")["data"][0]
    assert bars["y"][0] == f"'{vocab.display(recurrence.top_k(np.asarray(trace.probs[0, -1]), 1)[0][0])}'"


def test_picking_a_unit_colours_the_text_by_it():
    at = open_text()
    at.number_input(key="unit").set_value(17).run()
    assert_clean(at)
    trace = compiled.load_reader("char-rnn-lstm").trace(SENTENCE)
    z = decode(chart(at, "unit-grid")["data"][0]["z"]).reshape(-1)[: len(SENTENCE)]
    np.testing.assert_array_equal(z, np.asarray(trace.hidden[0, :, 17]))
    at.button(key="text-most-active").click().run()
    assert_clean(at)
    assert at.session_state["unit"] == int(np.argmax(np.abs(np.asarray(trace.hidden[0, -1]))))


def test_generation_is_seeded_and_shown_literally():
    at = open_text()
    first = at.get_by_key("generation").get("code")[0].value
    at.run()
    assert at.get_by_key("generation").get("code")[0].value == first
    gen = recurrence.generate(compiled.load_reader("char-rnn-lstm").model, vocab.encode(SENTENCE), 80, 0.7, 0)
    assert first == SENTENCE + gen.text
    assert_clean(at)
    at.number_input(key="seed").set_value(5).run()
    assert_clean(at)
    assert at.get_by_key("generation").get("code")[0].value != first


def test_the_char_cnn_panel_shows_its_window_and_predictions():
    at = open_text()
    assert_clean(at)
    cnn = compiled.load_reader("char-cnn")
    t = len(SENTENCE) - 1
    bars = chart(at, "cnn-top5")["data"][0]
    assert bars["y"] == [
        f"'{vocab.display(c)}'" for c, _ in recurrence.top_k(np.asarray(cnn.trace(SENTENCE).probs[0, t]))
    ]
    first, last = recurrence.cnn_window(cnn.model.config, t)
    assert f"characters {first + 1}–{last + 1}" in chart(at, "cnn-window")["layout"]["title"]["text"]


# ------------------------------------------------------------------ bad input

LITERAL = {
    "xss": "<img src=x onerror=alert(1)>",
    "markdown": "# Title **bold** [link](http://example.com) `code`",
    "latex": r"$\frac{a}{b}$ and $$x^2$$",
}


@pytest.mark.parametrize("raw", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_empty_or_blank_text_gets_a_friendly_hint(raw):
    at = open_text(raw)
    assert_clean(at)
    assert any("Type a sentence" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_a_huge_paste_is_cut_with_a_notice():
    at = open_text("abc " * 25_000)
    assert_clean(at)
    assert any("100,000" in w.value and str(recurrence.MAX_CHARS) in w.value for w in at.warning)
    assert f"Step {recurrence.MAX_CHARS} of {recurrence.MAX_CHARS}" in step_text(at)


@pytest.mark.parametrize(
    "raw, unknown",
    [
        ("I ❤️ pizza 😀🍕", 4),
        ("שלום עולם مرحبا", 13),
        ("tab\there\x00nul\x1b[31mred\r\x7f", 5),
    ],
    ids=["emoji", "right-to-left", "control"],
)
def test_characters_outside_the_vocabulary_are_read_as_unknown(raw, unknown):
    at = open_text(raw)
    assert_clean(at)
    expected = recurrence.prepare_text(raw)
    assert expected.unknown == unknown
    assert any(f"{unknown} character(s)" in i.value for i in at.info)
    assert at.code[0].value == expected.text


@pytest.mark.parametrize("name", list(LITERAL))
def test_markup_in_text_is_shown_literally_never_rendered(name):
    raw = LITERAL[name]
    at = open_text(raw)
    assert_clean(at)
    assert at.code[0].value == raw  # the exact characters, in a code block
    for md in [*at.markdown, *at.caption]:
        assert raw not in md.value
        assert not md.proto.allow_html or is_live_region(md)
    assert not any(raw in latex.value for latex in at.get("latex"))


def test_typed_text_and_cell_survive_a_visit_to_another_page():
    at = open_text("Sorting is stable.", "gru")
    at.text_area(key="text_input").input("Return a new list.").run()
    at.switch_page("explorer/app/pages/guide/page.py").run()
    assert "text_input" not in at.session_state  # Streamlit dropped the widget's own state
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.text_area(key="text_input").value == "Return a new list."
    assert at.segmented_control(key="cell").value == "gru"


def test_download_as_html_is_the_animated_hidden_state(downloads):
    at = open_text(cell="gru")
    at.toggle(key="text_animate").set_value(True).run()  # the page then shows the figure the download holds
    assert_clean(at)
    figure = assert_download_draws(at, downloads, "hidden-heatmap-html", "hidden-heatmap")
    trace = compiled.load_reader("char-rnn-gru").trace(SENTENCE)
    np.testing.assert_array_equal(decode(figure["data"][0]["z"]), np.asarray(trace.hidden[0]).T)  # every column
    assert len(figure["frames"]) == len(SENTENCE)  # one frame per character read
    assert figure["layout"]["updatemenus"], "no ▶ play controls"
