"""A figure's text alternative says what the figure shows, from the same spec: checked against the numbers the
figure was built from, written out independently here."""

from __future__ import annotations

import numpy as np

from explorer.figures import alt_text, digits, palette
from explorer.figures.spec import SpecFigure


def test_probability_bars_are_read_as_every_digits_percentage_and_the_most_likely_digit():
    probs = np.array([0.001, 0.002, 0.004, 0.01, 0.003, 0.02, 0.001, 0.95, 0.005, 0.004])
    text = alt_text.describe(digits.probability_bars(probs, "CNN <b>(all pixels)</b>", palette.CNN).spec)
    assert text.startswith("Chart: CNN (all pixels).")
    # the axis shows percentages, so the text does: 0.95 → "95.0%", 0.001 → "0.1%"
    for d, p in enumerate(probs):
        assert f"{d}: {100 * p:.1f}%" in text
    assert "highest 95.0% at 7" in text and "lowest 0.1% at 0" in text


def test_a_grid_is_read_by_its_size_range_and_where_its_largest_value_is():
    z = np.zeros((3, 4))
    z[2, 1] = 5.0
    z[0, 0] = -1.5
    fig = SpecFigure([dict(type="heatmap", z=z, x=["a", "b", "c", "d"])], dict(title=dict(text="map")))
    assert alt_text.describe(fig.spec) == (
        "Chart: map. a grid of 3 × 4 cells, values from -1.5 to 5, the largest at row 2, column b."
    )


def test_a_long_line_is_summarised_not_listed_and_the_page_summary_comes_first():
    y = np.linspace(2.0, 0.5, 100)
    y[40] = 3.0
    fig = SpecFigure(
        [dict(type="scatter", mode="lines", x=np.arange(1, 101), y=y, name="loss")],
        dict(annotations=[dict(text="training loss"), dict(text="accuracy")]),
    )
    text = alt_text.describe(fig.spec, summary="The loss falls as the model learns")
    assert text.startswith("Chart: training loss; accuracy. The loss falls as the model learns. loss: a line, ")
    assert "100 points from 1 to 100, first 2, last 0.5; highest 3 at 41, lowest 0.5 at 100." in text
    assert len(text) < 400


def test_an_animation_says_how_many_steps_and_a_huge_figure_is_cut_at_a_sentence():
    frames = [dict(data=[dict(type="bar", y=[i, 1])]) for i in range(5)]
    fig = SpecFigure([dict(type="bar", y=[0.0, 1.0])], {}, frames)
    assert alt_text.describe(fig.spec).endswith("Animated in 5 steps; the numbers above are those of the step shown.")
    many = SpecFigure([dict(type="bar", y=np.arange(24.0) * 1000.5, name=f"s{i}") for i in range(40)], dict(title="t"))
    text = alt_text.describe(many.spec)
    assert len(text) <= alt_text.MAX_CHARS + len(" (shortened)") and text.endswith(". (shortened)")


def test_missing_values_are_said_not_invented():
    fig = SpecFigure([dict(type="heatmap", z=np.full((2, 2), np.nan))], dict(title=dict(text="not yet")))
    assert "none with a value yet" in alt_text.describe(fig.spec)


def test_outlines_drawn_without_hover_are_left_out_and_numeric_positions_read_plainly():
    fig = SpecFigure(
        [
            dict(type="scatter", mode="lines", x=[0.0, 1.0], y=[2.0, 3.0], hoverinfo="skip"),  # a window's outline
            dict(type="bar", x=np.array([1.0, 2.5]), y=[4.0, 5.0]),
        ],
        dict(title=dict(text="t")),
    )
    assert alt_text.describe(fig.spec) == "Chart: t. bars, 1: 4, 2.5: 5; highest 5 at 2.5, lowest 4 at 1."
