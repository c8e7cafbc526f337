"""The Compare and Guide figures draw exactly the data they are given."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.compute.scaling import Point
from explorer.figures import compare as figures
from explorer.figures import guide as guide_figures


def _probs(rows: int = 28) -> np.ndarray:
    rng = np.random.default_rng(0)
    p = rng.random((rows, 10)).astype(np.float32)
    p[:, 3] += np.linspace(0, 5, rows)  # the guess settles on 3
    return p / p.sum(1, keepdims=True)


def test_row_reading_animation_has_a_frame_per_row_that_only_moves_shapes():
    image = np.zeros((28, 28), np.float32)
    hidden = np.tanh(np.random.default_rng(1).normal(size=(28, 64))).astype(np.float32)
    probs = _probs()
    fig = figures.row_reading_figure(image, hidden, probs)
    assert len(fig.frames) == 28
    assert all(len(f.data) == 0 for f in fig.frames)  # frames carry layout only: a light payload
    np.testing.assert_allclose(fig.data[2].z, np.round(probs, 3))
    np.testing.assert_allclose(fig.data[1].z, np.round(hidden.T, 2))
    for k, frame in enumerate(fig.frames):
        top = int(np.argmax(probs[k]))
        assert f"After row {k + 1} of 28 the RNN says <b>{top}</b>" in frame.layout.title.text
        marker = frame.layout.shapes[0]
        assert (marker.y0, marker.y1) == (k - 0.5, k + 0.5)
        covers = frame.layout.shapes[1:]
        assert len(covers) == (0 if k == 27 else 2)
        if covers:
            assert covers[0].x0 == k + 1.5 and covers[1].y0 == k + 1.5  # rows k+2… (1-based) are not read yet: hidden
    assert fig.layout.sliders[0].active == 27


def test_feature_maps_show_every_channel():
    relu1 = np.random.default_rng(2).random((28, 28, 8)).astype(np.float32)
    relu2 = np.random.default_rng(3).random((14, 14, 16)).astype(np.float32)
    top, bottom = figures.feature_mosaic(relu1, gap=2), figures.feature_mosaic(relu2, gap=1)
    assert top.shape == (28, 8 * 30 - 2) and bottom.shape == (2 * 15 - 1, 8 * 15 - 1)
    np.testing.assert_allclose(top[:, 5 * 30 : 5 * 30 + 28], relu1[..., 5] / relu1.max())
    np.testing.assert_allclose(bottom[15:, 7 * 15 :], relu2[..., 15] / relu2.max())  # map 15: second row, last
    assert np.isnan(bottom[14]).all() and np.isnan(top[:, 28:30]).all()  # the gaps between maps
    fig = figures.feature_maps_figure(relu1, relu2)
    assert len(fig.data) == 2 and (fig.data[1].dx, fig.data[1].dy) == (2, 2)  # layer 2 drawn at the same size
    np.testing.assert_allclose(fig.data[0].z, np.round(top, 2))
    np.testing.assert_allclose(fig.data[1].z, np.round(bottom, 2))


def test_reach_figure_shades_what_each_model_can_use():
    chars = list("hello world, hello again")
    sal = np.linspace(1, 2, len(chars)).astype(np.float32)
    fig = figures.reach_figure(chars, 20, (10, 20), sal, sal * 0.5)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(r.x0, r.x1) for r in rects] == [(0.5, 21.5), (10.5, 21.5)]  # characters 1–21 and 11–21
    assert list(fig.data[0].x)[:2] == [1, 2] and "1…21" in fig.layout.annotations[0].text
    np.testing.assert_allclose(fig.data[0].y, sal, rtol=5e-3)  # 3 significant digits
    cnn_sal = np.where(np.arange(len(chars)) < 10, 0.0, 1.0)
    fig = figures.reach_figure(chars, 20, (10, 20), sal, cnn_sal)
    assert fig.data[1].y[:10] == (None,) * 10 and fig.data[1].y[10] == 1.0  # out of the window: no bar at all
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"


def test_scaling_figure_is_log_log_with_one_line_per_model_and_batch():
    pts = [
        Point(m, b, t, t * (0.1 if "cnn" in m else 0.2) * b, 0.1)
        for m in ("char-rnn-lstm", "char-cnn")
        for b in (1, 64)
        for t in (16, 128)
    ]
    fig = figures.scaling_figure(pts)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert len(fig.data) == 4
    line = next(d for d in fig.data if d.name == "char-cnn, batch 64")
    assert list(line.x) == [16, 128] and list(line.y) == [round(16 * 0.1 * 64, 3), round(128 * 0.1 * 64, 3)]


def test_gradient_figure_dashes_untrained_cells():
    curves = {"LSTM (trained)": np.array([1e-3, 1e-1, 1.0]), "LSTM (untrained)": np.array([0.0, 1e-4, 1.0])}
    fig = figures.gradient_norm_figure(curves, {k: "red" for k in curves}, {"LSTM (untrained)"})
    assert [d.line.dash for d in fig.data] == ["solid", "dash"]
    assert list(fig.data[1].y) == [None, 1e-4, 1.0] and fig.layout.yaxis.type == "log"  # an underflow is a gap


def test_probe_figures_plot_the_given_probabilities():
    settings = (-2, 0, 2)
    p_cnn, p_rnn = _probs(3), _probs(3)[::-1]
    fig = figures.probe_curve_figure(settings, p_cnn, p_rnn, 3, 0, "shift")
    np.testing.assert_allclose(fig.data[0].y, np.round(p_cnn[:, 3], 3))
    np.testing.assert_allclose(fig.data[1].y, np.round(p_rnn[:, 3], 3))
    bars = figures.probe_bars_figure(p_cnn[1], p_rnn[1])
    assert isinstance(bars, go.Figure) and bars.layout.barmode == "group"
    ins = figures.insertion_figure([0, 10], np.array([0.5, 0.4]), np.array([0.3, 0.3]), "'e'")
    assert list(ins.data[1].y) == [0.3, 0.3]


def test_hybrid_diagram_has_a_cnn_and_an_rnn_cell_per_step():
    fig = guide_figures.hybrid_diagram(3, ("f1", "f2", "f3"), ("a", "b", "c"))
    texts = [a.text for a in fig.layout.annotations]
    assert texts.count("CNN") == 3 and texts.count("RNN cell") == 3
    assert {"f1", "f2", "f3", "a", "b", "c", "h1", "h2"} <= set(texts)
    assert len(fig.layout.shapes) == 5 * 3  # input, CNN, features, RNN cell, output per step


def test_the_row_reading_spec_is_what_a_validated_plotly_figure_sends():
    hidden = np.tanh(np.random.default_rng(2).normal(size=(28, 16))).astype(np.float32)
    fig = figures.row_reading_figure(np.ones((28, 28), np.float32), hidden, _probs())
    assert fig.to_dict() == fig.validated().to_dict()
