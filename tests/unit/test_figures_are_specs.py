"""The Compare and Guide figures are SpecFigures (presenter mode enlarges their text), and each is a figure
Plotly accepts: the spec validates, and its traces and axes are the ones the builder was given."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from explorer.figures import compare, guide
from explorer.figures.spec import SpecFigure

RNG = np.random.default_rng(0)
P = RNG.dirichlet(np.ones(10), size=5)  # (5, 10) probabilities


def _figures():
    points = [SimpleNamespace(model=m, batch=b, length=n, forward_ms=0.1 * n) for m in ("char-cnn", "char-rnn-lstm")
              for b in (1, 64) for n in (8, 32, 128)]  # fmt: skip
    return {
        "feature maps": compare.feature_maps_figure(RNG.random((28, 28, 8)), RNG.random((14, 14, 16))),
        "reach": compare.reach_figure(
            list("hello world"), 6, (3, 6), RNG.random(11), np.r_[np.zeros(3), RNG.random(8)]
        ),
        "scaling": compare.scaling_figure(points),
        "gradient norms": compare.gradient_norm_figure(
            {"LSTM (trained)": np.r_[0.0, RNG.random(9)]}, {"LSTM (trained)": "#123456"}, set()
        ),
        "probe curve": compare.probe_curve_figure([0, 1, 2, 3, 4], P, P[::-1], 3, 2, "shift (pixels)", P),
        "probe bars": compare.probe_bars_figure(P[0], P[1]),
        "insertion": compare.insertion_figure([0, 10, 20], [0.5, 0.4, 0.3], [0.5, 0.5, 0.5], "'e'"),
        "hybrid diagram": guide.hybrid_diagram(4),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_each_figure_is_a_spec_plotly_accepts(name):
    fig = _figures()[name]
    assert isinstance(fig, SpecFigure)
    validated = fig.validated()  # raises on any property Plotly does not know
    assert len(validated.data) == len(fig.spec["data"])


def test_the_reach_figure_lays_its_two_rows_out_as_make_subplots_does():
    from plotly.subplots import make_subplots

    reference = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14).layout
    fig = compare.reach_figure(list("abcd"), 2, (1, 2), np.ones(4), np.ones(4)).validated().layout
    for axis in ("yaxis", "yaxis2", "xaxis", "xaxis2"):
        assert tuple(fig[axis].domain) == pytest.approx(tuple(reference[axis].domain))
    assert fig.xaxis.matches == reference.xaxis.matches == "x2"


def test_the_probe_curve_marks_the_current_setting_and_draws_each_models_p_of_the_digit():
    fig = compare.probe_curve_figure([0, 1, 2, 3, 4], P, P[::-1], 3, 2, "shift", None).validated()
    assert [s.x0 for s in fig.layout.shapes] == [2]
    np.testing.assert_allclose(fig.data[0].y, P[:, 3], atol=5e-4)  # rounded to 3 decimals for the payload
    np.testing.assert_allclose(fig.data[1].y, P[::-1, 3], atol=5e-4)


def test_the_dense_figure_is_a_spec_laid_out_as_make_subplots_does():
    from plotly.subplots import make_subplots

    from explorer.figures import cnn

    flat, kernel = RNG.random(7 * 7 * 16).astype(np.float32), RNG.normal(size=(7 * 7 * 16, 10)).astype(np.float32)
    logits = flat @ kernel
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    fig = cnn.dense_softmax_figure(flat, kernel, np.zeros(10), probs, logits)
    assert isinstance(fig, SpecFigure)
    layout = fig.validated().layout
    reference = make_subplots(
        rows=2,
        cols=3,
        specs=[[{"colspan": 3}, None, None], [{}, {}, {}]],
        row_heights=[0.18, 0.82],
        vertical_spacing=0.2,
        horizontal_spacing=0.12,
    ).layout
    for i in ("", "2", "3", "4"):
        for axis in ("xaxis", "yaxis"):
            assert tuple(layout[axis + i].domain) == pytest.approx(tuple(reference[axis + i].domain), abs=1e-6)
    # the bars are the figure's inputs: the predicted digit's largest terms, the logits, the probabilities
    terms = flat * kernel[:, int(np.argmax(probs))]
    assert max(abs(np.asarray(fig.spec["data"][1]["x"]))) == pytest.approx(np.abs(terms).max(), abs=1e-3)
    np.testing.assert_allclose(fig.spec["data"][2]["y"], logits, atol=1e-3)
    np.testing.assert_allclose(fig.spec["data"][3]["y"], probs, atol=1e-4)
