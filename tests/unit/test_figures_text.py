"""Text-page figures built from known traces: what each figure draws is exactly the data it was given."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import plotly.graph_objects as go
import pytest

from explorer import models
from explorer.data import vocab
from explorer.figures import text as text_figures
from explorer.figures import text_grid

TEXT = "Hello <b>world</b> & $x^2$!"


@pytest.fixture(scope="module")
def traced():
    model = models.build("char-rnn-lstm", seed=2)
    trace = model.trace(jnp.asarray(vocab.encode(TEXT)[None]))
    return np.asarray(trace.hidden[0]), trace


def _z(fig: go.Figure, i: int = 0) -> np.ndarray:
    return np.asarray(fig.data[i].z, np.float64)


def _shape_x(fig: go.Figure, kind: str = "rect") -> list[tuple[float, float]]:
    return [(s.x0, s.x1) for s in fig.layout.shapes if s.type == kind and s.xref == "x"]


@pytest.mark.parametrize("t", [0, 9, len(TEXT) - 1])
def test_heatmap_columns_are_the_traced_hidden_states_up_to_t(traced, t):
    hidden, _ = traced
    fig = text_figures.hidden_heatmap(hidden, TEXT, t, unit=4)
    z = _z(fig)
    assert z.shape == (hidden.shape[1], t + 1)  # nothing the RNN has not read yet is sent
    np.testing.assert_array_equal(z, hidden[: t + 1].T)
    assert (t + 0.5, t + 1.5) in _shape_x(fig)  # the current column (character t + 1) is outlined
    unit_rows = [(s.y0, s.y1) for s in fig.layout.shapes if s.yref == "y"]
    assert unit_rows == [(3.5, 4.5)]
    assert tuple(fig.layout.xaxis.range) == (0.5, len(TEXT) + 0.5)  # characters counted from 1
    assert list(fig.data[0].x) == list(range(1, t + 2))


def test_heatmap_animation_reveals_one_column_per_frame(traced):
    hidden, _ = traced
    t = 5
    fig = text_figures.hidden_heatmap(hidden, TEXT, t, animate=True)
    np.testing.assert_array_equal(_z(fig), hidden.T)
    names = [int(f.name) for f in fig.frames]
    assert names == list(range(len(TEXT)))
    labels = [s.label for s in fig.layout.sliders[0].steps]
    assert labels == [str(k + 1) for k in range(len(TEXT))]  # the slider counts characters from 1
    for f in fig.frames:
        k = int(f.name)
        cover, marker = f.layout.shapes[:2]
        assert cover.x0 == k + 1.5 and cover.fillcolor == "white"  # covers characters k + 2 …
        assert (marker.x0, marker.x1) == (k + 0.5, k + 1.5)
        assert not f.data  # frames carry shapes only: the heatmap is sent once
    assert fig.layout.shapes[0].x0 == t + 1.5  # the static view starts at the chosen step
    assert fig.layout.sliders[0].active == t


def test_long_animation_keeps_a_playable_frame_count():
    hidden = np.zeros((200, 8), np.float32)
    fig = text_figures.hidden_heatmap(hidden, "a" * 200, 10, animate=True)
    labels = [int(s.label) for s in fig.layout.sliders[0].steps]
    assert len(fig.frames) == len(labels) <= text_figures.MAX_FRAMES and labels[0] == 1 and labels[-1] == 200


def test_gate_bars_show_the_unit_and_the_mean(traced):
    _, trace = traced
    t, unit = 6, 11
    values = {k: float(v[0, t, unit]) for k, v in trace.gates.items()}
    means = {k: float(np.mean(v[0, t])) for k, v in trace.gates.items()}
    fig = text_figures.gate_bars("lstm", values, means, unit)
    assert list(fig.data[0].y) == [values[k] for k in "ifgo"]
    assert list(fig.data[1].y) == [means[k] for k in "ifgo"]
    assert fig.layout.yaxis.range[0] < 0  # g is a tanh: it can be negative


def test_top5_bars_list_the_characters_in_order_and_mark_the_actual_one():
    top = [("e", 0.4), (" ", 0.2), ("a", 0.1), ("\n", 0.05), ("<", 0.01)]
    fig = text_figures.top5_bars(top, "title", "#123456", actual=" ")
    bar = fig.data[0]
    assert list(bar.y) == ["'e'", "'␣'", "'a'", "'⏎'", "'&lt;'"]  # escaped: Plotly reads labels as markup
    assert list(bar.x) == [0.4, 0.2, 0.1, 0.05, 0.01]
    assert bar.marker.color[1] != bar.marker.color[0]


def test_saliency_bars_plot_the_gradient_norms_up_to_t_on_a_log_axis():
    sal = np.array([1e-4, 1e-3, 1e-2, 0.5, 0.0, 0.0], np.float32)
    fig = text_figures.saliency_bars("abcdef", sal, 3, window=(1, 3))
    np.testing.assert_array_equal(np.asarray(fig.data[0].y, np.float32), sal[:4])
    assert fig.layout.yaxis.type == "log"
    assert list(fig.data[0].customdata) == ["a", "b", "c", "d"]
    assert list(fig.data[0].x) == [1, 2, 3, 4]  # characters counted from 1
    band = [s for s in fig.layout.shapes if s.type == "rect"][0]
    assert (band.x0, band.x1) == (1.5, 4.5)  # window (1, 3) 0-based = characters 2–4
    assert "after character 4" in fig.layout.title.text and "exactly 0" not in fig.layout.title.text


def test_saliency_bars_count_exact_zeros_that_a_log_axis_cannot_draw():
    sal = np.array([0.0, 1e-30, 0.5], np.float32)
    fig = text_figures.saliency_bars("abc", sal, 2)
    assert "1 exactly 0, not drawn" in fig.layout.title.text
    assert np.isnan(fig.data[0].y[0]) and fig.data[0].y[1] == pytest.approx(1e-30)


def test_char_grid_places_every_character_and_value_row_by_row():
    chars = "".join(chr(65 + i % 26) for i in range(95))
    values = np.linspace(-1, 1, 95).astype(np.float32)
    fig = text_grid.char_grid(chars, values, "t", cursor=47, width=40)
    z, text = np.asarray(fig.data[0].z, np.float32), np.asarray(fig.data[0].text)
    assert z.shape == (3, 40)
    np.testing.assert_array_equal(z.reshape(-1)[:95], values)
    assert np.all(np.isnan(z.reshape(-1)[95:]))
    assert "".join(text.reshape(-1)) == chars
    cursor = fig.layout.shapes[0]
    assert (cursor.x0, cursor.y0) == (7 - 0.5, 1 - 0.5)  # position 47 = row 1, column 7


def test_char_grid_cells_hold_single_characters_so_markup_cannot_form():
    payload = "<img src=x onerror=alert(1)>"
    fig = text_grid.unit_over_text(payload, np.zeros(len(payload)), 0, 0)
    cells = [c for c in np.asarray(fig.data[0].text).reshape(-1) if c]
    assert cells == [vocab.display(c) for c in payload]
    assert all(len(c) == 1 for c in cells)
    assert payload not in fig.to_json() and "onerror=alert" not in str(fig.layout.title.text)


def test_cnn_window_grid_marks_seen_unseen_and_unread_characters():
    chars = "x" * 100
    fig = text_grid.cnn_window_grid(chars, 80, (18, 80))
    z = np.asarray(fig.data[0].z, np.float32).reshape(-1)[:100]
    assert np.all(z[:18] == 0) and np.all(z[18:81] == 1) and np.all(np.isnan(z[81:]))


def test_generation_grid_colours_only_the_sampled_characters():
    probs = np.array([0.9, 0.5, 0.1], np.float32)
    fig = text_grid.generation_grid("prompt", "abc", probs)
    z = np.asarray(fig.data[0].z, np.float32).reshape(-1)
    assert np.all(np.isnan(z[:6]))
    np.testing.assert_array_equal(z[6:9], probs)
    assert "".join(np.asarray(fig.data[0].text).reshape(-1)) == "promptabc"


def test_top5_escapes_markup_characters_for_plotly():
    from explorer.figures import text as text_figures

    fig = text_figures.top5_bars([("<", 0.5), ("&", 0.3), ("a", 0.2)], "next", "#d62728", actual="<")
    assert list(fig.data[0].y) == ["'&lt;'", "'&amp;'", "'a'"]
    assert "actual next: '&lt;'" in fig.layout.title.text


def test_every_text_figure_sends_what_a_validated_plotly_figure_would(traced):
    """The builders' plain specs are valid Plotly, and what Streamlit receives equals the validated figure's."""
    hidden, _ = traced
    figures = [
        text_figures.hidden_heatmap(hidden, TEXT, 5, unit=3),
        text_figures.hidden_heatmap(hidden, TEXT, 5, unit=3, animate=True),
        text_figures.gate_bars("lstm", dict(i=0.1, f=0.9, g=-0.2, o=0.5), dict(i=0.2, f=0.8, g=0.0, o=0.4), 3),
        text_figures.top5_bars([("a", 0.5), ("<", 0.2)], "t", "#123456", actual="a"),
        text_figures.saliency_bars(TEXT, np.linspace(0, 1, len(TEXT)), 9, window=(2, 9)),
        text_grid.unit_over_text(TEXT, hidden[:, 3], 3, 5),
        text_grid.cnn_window_grid(TEXT, 9, (2, 9)),
        text_grid.generation_grid(TEXT, "abc", np.array([0.5, 0.2, 0.9])),
    ]
    for fig in figures:
        assert fig.to_dict() == fig.validated().to_dict()
