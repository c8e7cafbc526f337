"""Light figures (explorer/figures/light.py): a bar chart or an image row drawn as HTML, read back by the standard
library's parser (tests/support/light_figures.py) and checked against numbers worked out here."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.figures import alt_text, digits, light, palette
from tests.support.light_figures import parse


def test_bars_are_drawn_to_scale_with_their_exact_values_and_the_top_one_coloured():
    probs = np.array([0.01, 0.02, 0.9, 0.07, 0, 0, 0, 0, 0, 0], np.float32)
    spec = digits.probability_bars(probs, "CNN (all pixels at once)", palette.CNN).spec
    fig = parse(light.to_html(spec, "the text alternative"))
    assert fig.label == "the text alternative" and fig.title == "CNN (all pixels at once)"
    assert fig.values == [float(f"{p:.9g}") for p in probs]  # float32's 9 significant digits: exact
    # heights in % of the plot: the value over the axis top (1.12, room for the text above the tallest bar)
    np.testing.assert_allclose(fig.heights, [0.893, 1.786, 80.357, 6.25, 0, 0, 0, 0, 0, 0], atol=0.006)
    assert fig.colours == [palette.MUTED, palette.MUTED, palette.CNN, *[palette.MUTED] * 7]
    assert fig.texts == ["1 %", "2 %", "90 %", "7 %", *[""] * 6]  # as the spec prints them (≥ 0.5 % only)
    assert fig.ticks == [str(d) for d in range(10)]


def test_a_value_that_is_not_a_number_draws_no_bar():
    spec = digits.probability_bars(np.full(10, 0.1), "t", palette.RNN).spec
    spec["data"][0]["y"] = np.array([np.nan, *[0.1] * 9])
    fig = parse(light.to_html(spec, "alt"))
    assert fig.heights[0] == 0 and np.isnan(fig.values[0])


def test_no_markup_gets_through_but_a_line_break():
    hostile = '<img src=x onerror="alert(1)">a<br>b <b>bold</b> & "q"'
    spec = digits.probability_bars(np.full(10, 0.1), hostile, palette.CNN).spec
    body = light.to_html(spec, hostile)
    assert "<img" not in body and 'onerror="' not in body and "<b>" not in body
    fig = parse(body)
    assert fig.title == 'ab bold & "q"'  # <br> kept as a break (no text), other tags dropped, the rest as typed
    assert fig.label == hostile  # the accessible name is an attribute: escaped, read back whole


def test_an_image_row_keeps_each_image_and_names_it_by_its_title():
    canvas = np.random.default_rng(0).random((280, 280))
    stages = [("canvas", canvas), ("centred", np.eye(28))]
    spec = digits.preprocessing_strip(stages).spec
    fig = parse(light.to_html(spec, alt_text.describe(spec)))
    assert fig.alts == ["canvas 280×280", "centred 28×28"] and fig.captions == ["canvas280×280", "centred28×28"]
    # the canvas stage as the page sends it: 280 px averaged over 2 × 2 blocks (at most 150 px, its tile's width),
    # each block's mean of the 8-bit pixels rounded half up
    grey = (np.clip(canvas.astype(np.float32), 0, 1) * 255).round().astype(np.int64)
    np.testing.assert_array_equal(fig.images[0], (grey.reshape(140, 2, 140, 2).sum(axis=(1, 3)) + 2) // 4)
    np.testing.assert_array_equal(fig.images[1], (np.eye(28) * 255).astype(np.uint8))  # 28 px: pixel for pixel


def test_a_figure_of_another_kind_is_refused():
    spec = digits.probability_bars(np.full(10, 0.1), "t", palette.CNN).spec
    spec["data"] = spec["data"] * 2
    with pytest.raises(ValueError, match="Plotly"):
        light.to_html(spec, "alt")
