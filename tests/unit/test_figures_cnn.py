"""The CNN figures show the trace: replaying their frames gives back the model's feature maps."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest

from explorer.compute import convolution, printing
from explorer.data import digits
from explorer.figures import cnn as cnn_figures
from explorer.figures import cnn_animation, playground


@pytest.fixture(scope="module")
def maps(cnn):
    x = digits.to_model_input(digits.load_heldout().images[11:12])
    return cnn_figures.trace_maps(cnn.trace(x))


def _nan_equal(a, b, atol=1e-3):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], atol=atol)


def _conv_figure(cnn, maps, layer, channel, row):
    conv = cnn.model.conv1 if layer == "conv1" else cnn.model.conv2
    x = maps["input" if layer == "conv1" else "pool1"].transpose(1, 2, 0)
    kernel = np.asarray(conv.kernel[...])[..., channel]
    bias = float(conv.bias[...][channel])
    replay = convolution.conv_row(x, kernel, bias, row, padding=1)
    padded = convolution.pad(x, 1).transpose(2, 0, 1)
    return cnn_animation.conv_animation(padded, kernel, replay, maps[layer][channel]), x, kernel, bias


def _title_numbers(title: str) -> tuple[str, str, str]:
    """'… Σ products +0.123 + bias -0.045 = <b>+0.078</b>' → ('+0.123', '-0.045', '+0.078') as printed."""
    found = re.search(r"(?:products|channels) ([+-][0-9.]+) \+ bias ([+-][0-9.]+) (?:=|≈) <b>([+-][0-9.]+)</b>", title)
    return found.groups()


@pytest.mark.parametrize(
    "layer,channel,row",
    [("conv1", 0, 0), ("conv1", 3, 14), ("conv1", 7, 27), ("conv2", 0, 0), ("conv2", 9, 7), ("conv2", 15, 13)],
)
def test_conv_frames_replay_the_traced_feature_map(cnn, maps, layer, channel, row):
    fig, *_ = _conv_figure(cnn, maps, layer, channel, row)
    traced = maps[layer][channel]
    many = layer == "conv2"
    done, current = (fig.data[5], fig.data[6]) if many else (fig.data[4], fig.data[5])
    expected_done = np.where(np.arange(traced.shape[0])[:, None] < row, traced, np.nan)
    _nan_equal(done.z, expected_done)
    assert current.y0 == row
    assert len(fig.frames) == traced.shape[1]
    slot = 4 if many else 3  # position of the current-row heatmap in each frame's data
    for j, frame in enumerate(fig.frames):
        expected = np.where(np.arange(traced.shape[1]) <= j, traced[row], np.nan)[None]
        _nan_equal(frame.data[slot].z, expected)
        assert printing.rounds_to(float(traced[row, j]), _title_numbers(frame.layout.title.text)[2])
    assert list(fig.layout.sliders[0].steps[-1].args[0]) == [str(traced.shape[1] - 1)]


def test_conv1_numbers_shown_equal_the_dot_product(cnn, maps):
    fig, x, kernel, bias = _conv_figure(cnn, maps, "conv1", 2, 12)
    padded = np.pad(x[..., 0], 1)
    for j in (0, 10, 27):
        window = padded[12:15, j : j + 3]
        products = window * kernel[..., 0]
        frame = fig.frames[j]
        np.testing.assert_allclose(frame.data[2].z, products, atol=1e-4)
        assert [list(r) for r in frame.data[2].text] == [[f"{v:.2f}" for v in r] for r in products]
        total, printed_bias, out = _title_numbers(frame.layout.title.text)  # 3 decimals, more where needed
        assert "Σ products" in frame.layout.title.text and printing.adds_up([total, printed_bias], out)
        assert printing.rounds_to(float(products.sum()), total) and printing.rounds_to(float(bias), printed_bias)
        assert abs(Decimal(out) - Decimal(float(products.sum() + bias))) < Decimal("0.0005")
        # the window markers sit on exactly the nine padded pixels that were multiplied
        marks = set(zip(np.asarray(frame.data[0].y).astype(int), np.asarray(frame.data[0].x).astype(int)))
        assert marks == {(12 + a, j + b) for a in range(3) for b in range(3)}
        outline = [v for v in frame.data[1].x if v is not None]
        assert min(outline) == j - 0.5 and max(outline) == j + 2.5


def test_conv2_channel_sums_add_up_to_the_output(cnn, maps):
    fig, x, kernel, bias = _conv_figure(cnn, maps, "conv2", 4, 5)
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    for j in (0, 6, 13):
        sums = np.einsum("uvc,uvc->c", padded[5:8, j : j + 3], kernel)
        np.testing.assert_allclose(fig.frames[j].data[3].x, sums, atol=1e-3)
        assert f"{sums.sum() + bias:+.3f}" == f"{maps['conv2'][4][5, j]:+.3f}"
        assert len(fig.frames[j].data[0].x) == 9 * 8  # the window drawn on every input channel


@pytest.mark.parametrize("layer,channel,row", [("pool1", 0, 0), ("pool1", 5, 9), ("pool2", 12, 6)])
def test_pool_frames_keep_the_traced_maxima(maps, layer, channel, row):
    source = maps["relu1" if layer == "pool1" else "relu2"][channel]
    traced = maps[layer][channel]
    fig = cnn_animation.pool_animation(source, convolution.pool_row(source, row), traced)
    for j, frame in enumerate(fig.frames):
        star_y, star_x = int(frame.data[1].y[0]), int(frame.data[1].x[0])
        assert source[star_y, star_x] == pytest.approx(traced[row, j], abs=1e-3)
        assert star_y // 2 == row and star_x // 2 == j
        np.testing.assert_allclose(frame.data[2].z, source[2 * row : 2 * row + 2, 2 * j : 2 * j + 2], atol=1e-3)
        _nan_equal(frame.data[3].z, np.where(np.arange(traced.shape[1]) <= j, traced[row], np.nan)[None])
    _nan_equal(fig.frames[-1].data[3].z, traced[row][None])


def test_overview_draws_every_traced_map(maps):
    """One tiled heatmap per layer; cutting each map's slot out of its layer's tile gives the traced map."""
    fig = cnn_figures.layer_overview(maps, ("conv2", 11))
    by_name = {t.name: t for t in fig.data if t.type == "heatmap"}
    assert set(by_name) == {layer.name for layer in cnn_figures.LAYERS}
    for layer in cnn_figures.MAP_LAYERS:
        trace = by_name[layer]
        tile = np.asarray(trace.z, np.float64)
        c, h, w = maps[layer].shape
        for i in range(c):
            x0, y0, _, _ = cnn_figures.map_box(maps, layer, i)
            col = round((x0 - (trace.x0 - 0.5 / w)) * w)  # the map's first column in the tile
            row = round(y0 * h)
            np.testing.assert_allclose(tile[row : row + h, col : col + w], maps[layer][i], atol=1e-3)
        assert np.isnan(tile).sum() == tile.size - c * h * w  # everything else is a gap
    np.testing.assert_allclose(np.asarray(by_name["probs"].z).ravel(), maps["probs"], atol=1e-6)
    labels = [a.text for a in fig.layout.annotations]
    assert "<b>conv1</b><br>8 × 28 × 28" in labels and "<b>max-pool</b><br>16 × 7 × 7" in labels
    (outline,) = fig.layout.shapes
    x0, y0, x1, y1 = cnn_figures.map_box(maps, "conv2", 11)
    assert outline.x0 < x0 < outline.x1 and outline.y0 < y0 < y1 < outline.y1
    assert by_name["conv1"].zmid == 0 and by_name["conv1"].zmin == -by_name["conv1"].zmax
    assert by_name["relu1"].zmin == 0
    assert fig.to_dict() == fig.validated().to_dict()


def test_dense_contributions_add_up_to_the_logits(cnn, maps):
    kernel = np.asarray(cnn.model.dense.kernel[...])
    bias = np.asarray(cnn.model.dense.bias[...])
    flat = maps["pool2"].transpose(1, 2, 0).reshape(-1)
    digit = int(np.argmax(maps["probs"]))
    order, terms, labels = cnn_figures.top_contributions(flat, kernel, digit, (7, 7, 16), top=flat.size)
    assert terms.sum() + bias[digit] == pytest.approx(float(maps["logits"][digit]), abs=1e-3)
    h, w, c = np.unravel_index(order[0], (7, 7, 16))
    assert terms[0] == pytest.approx(maps["pool2"][c, h, w] * kernel[order[0], digit], abs=1e-6)
    assert labels[0] == f"map {c} ({h},{w})"
    fig = cnn_figures.dense_softmax_figure(flat, kernel, bias, maps["probs"], maps["logits"])
    np.testing.assert_allclose(fig.data[2].y, maps["logits"], atol=1e-3)
    np.testing.assert_allclose(fig.data[3].y, maps["probs"], atol=1e-4)


def test_relu_figure_removes_exactly_the_negatives(maps):
    before = maps["conv1"][1]
    fig = cnn_figures.relu_figure(before, "conv1 map 1")
    np.testing.assert_allclose(fig.data[2].z, np.maximum(before, 0), atol=1e-3)
    removed = np.asarray(fig.data[1].z, np.float64)
    assert np.array_equal(~np.isnan(removed), before < 0)
    assert f"{int((before < 0).sum())} cells set to 0" in fig.layout.annotations[1].text


def test_playground_result_shows_the_output_size(cnn):
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    kernel = convolution.classic_kernel(convolution.SOBEL_RIGHT, 5)
    out = convolution.conv_map(image[:, :, None], kernel[..., None], 0.0, 2, 3, 2)
    fig = playground.playground_result(convolution.pad(image[:, :, None], 3)[..., 0], kernel, out, 3)
    n = convolution.output_size(28, 5, 2, 3, 2)
    assert fig.layout.annotations[2].text == f"output {n} × {n}"
    np.testing.assert_allclose(fig.data[2].z, out, atol=1e-3)


def test_animations_stay_light(cnn, maps):
    """Each animated figure is a few hundred kilobytes at most (what the browser downloads)."""
    for layer in ("conv1", "conv2"):
        fig, *_ = _conv_figure(cnn, maps, layer, 0, 5)
        assert len(fig.to_json()) < 300_000
    fig = cnn_animation.pool_animation(maps["relu1"][0], convolution.pool_row(maps["relu1"][0], 3), maps["pool1"][0])
    assert len(fig.to_json()) < 200_000


def test_every_digit_figure_sends_what_a_validated_plotly_figure_would(cnn, maps):
    """The builders' plain specs are valid Plotly, and what Streamlit receives equals the validated figure's."""
    from explorer.figures import digits as digit_figures

    x = maps["input"].transpose(1, 2, 0)
    stages = [("canvas", np.random.default_rng(0).random((280, 280))), ("centred", x[..., 0])]
    figures = [
        _conv_figure(cnn, maps, "conv1", 3, 10)[0],
        _conv_figure(cnn, maps, "conv2", 5, 4)[0],
        cnn_animation.pool_animation(maps["relu1"][2], convolution.pool_row(maps["relu1"][2], 3), maps["pool1"][2]),
        cnn_figures.relu_figure(maps["conv1"][1], "conv1 map 1"),
        cnn_figures.layer_overview(maps, ("relu2", 3)),
        playground.playground_result(convolution.pad(x, 1)[..., 0], np.eye(3), maps["conv1"][0], 1),
        digit_figures.preprocessing_strip(stages),
        digit_figures.probability_bars(maps["probs"], "CNN", "#1f77b4"),
    ]
    for fig in figures:
        assert fig.to_dict() == fig.validated().to_dict()
