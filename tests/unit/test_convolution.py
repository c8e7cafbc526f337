"""The window math the animations replay, checked against the trained CNN's trace and jax.lax."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from explorer.compute import convolution
from explorer.data import digits


@pytest.fixture(scope="module")
def traced(cnn):
    x = digits.to_model_input(digits.load_heldout().images[3:4])
    return x, cnn.trace(x)


def test_output_size_formula_by_hand():
    assert convolution.output_size(28, 3, 1, 1, 1) == 28  # SAME
    assert convolution.output_size(28, 3, 2, 0, 1) == 13  # (28 - 3) // 2 + 1
    assert convolution.output_size(28, 7, 1, 0, 3) == 10  # span 19: 28 - 19 + 1
    assert convolution.output_size(7, 7, 1, 0, 3) == -11  # does not fit: no output
    assert convolution.output_size(5, 2, 3, 1, 1) == 2  # (5 + 2 - 2) // 3 + 1 = 1 + 1


def test_conv1_replay_equals_traced_feature_maps(cnn, traced):
    x, tr = traced
    kernel = np.asarray(cnn.model.conv1.kernel[...])
    bias = np.asarray(cnn.model.conv1.bias[...])
    for c in range(kernel.shape[-1]):
        replay = convolution.conv_map(x[0], kernel[..., c], float(bias[c]), padding=convolution.same_padding(3))
        np.testing.assert_allclose(replay, np.asarray(tr.conv1[0, :, :, c]), atol=1e-5)


def test_conv2_replay_over_all_input_channels_equals_trace(cnn, traced):
    _, tr = traced
    pool1 = np.asarray(tr.pool1[0])  # (14, 14, 8)
    kernel = np.asarray(cnn.model.conv2.kernel[...])
    bias = np.asarray(cnn.model.conv2.bias[...])
    for c in range(kernel.shape[-1]):
        replay = convolution.conv_map(pool1, kernel[..., c], float(bias[c]), padding=1)
        np.testing.assert_allclose(replay, np.asarray(tr.conv2[0, :, :, c]), atol=1e-4)


def test_window_numbers_equal_an_independent_dot_product(cnn, traced):
    _, tr = traced
    pool1 = jnp.asarray(tr.pool1[0])
    kernel = jnp.asarray(cnn.model.conv2.kernel[...])[..., 5]  # (3, 3, 8)
    bias = float(cnn.model.conv2.bias[...][5])
    padded = jnp.pad(pool1, ((1, 1), (1, 1), (0, 0)))
    row = convolution.conv_row(np.asarray(pool1), np.asarray(kernel), bias, 6, padding=1)
    for j in (0, 4, 9, 13):
        window = padded[6:9, j : j + 3, :]
        np.testing.assert_allclose(row.patches[j], window, atol=1e-7)
        np.testing.assert_allclose(row.products[j], window * kernel, atol=1e-7)
        np.testing.assert_allclose(row.channel_sums[j], jnp.einsum("uvc,uvc->c", window, kernel), atol=1e-5)
        np.testing.assert_allclose(row.out[j], jnp.vdot(window.ravel(), kernel.ravel()) + bias, atol=1e-5)


def test_pool_replay_equals_traced_pooling(traced):
    _, tr = traced
    for relu, pool in ((tr.relu1, tr.pool1), (tr.relu2, tr.pool2)):
        relu, pool = np.asarray(relu[0]), np.asarray(pool[0])
        for c in range(relu.shape[-1]):
            np.testing.assert_allclose(convolution.pool_map(relu[..., c]), pool[..., c], atol=0)
            for r in range(pool.shape[0]):
                row = convolution.pool_row(relu[..., c], r)
                kept = relu[row.argmax[:, 0], row.argmax[:, 1], c]
                np.testing.assert_array_equal(kept, pool[r, :, c])
                assert np.all(row.argmax[:, 0] // 2 == r) and np.all(row.argmax[:, 1] // 2 == np.arange(len(row.out)))


@pytest.mark.parametrize(
    "k,stride,padding,dilation",
    [(k, s, p, d) for k, s, p, d in itertools.product((1, 2, 3, 5, 7), (1, 2, 3), (0, 1, 3), (1, 2, 3))],
)
def test_playground_equals_conv_general_dilated(k, stride, padding, dilation):
    rng = np.random.default_rng(k * 100 + stride * 10 + padding + dilation)
    image = rng.random((28, 28), dtype=np.float32)
    kernel = rng.normal(size=(k, k)).astype(np.float32)
    out = convolution.conv_map(image[:, :, None], kernel[..., None], 0.0, stride, padding, dilation)
    reference = jax.lax.conv_general_dilated(
        jnp.asarray(image)[None, :, :, None],
        jnp.asarray(kernel)[:, :, None, None],
        window_strides=(stride, stride),
        padding=[(padding, padding)] * 2,
        rhs_dilation=(dilation, dilation),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
        precision=jax.lax.Precision.HIGHEST,
    )[0, :, :, 0]
    n = convolution.output_size(28, k, stride, padding, dilation)
    assert out.shape == reference.shape == (n, n)
    np.testing.assert_allclose(out, reference, atol=1e-4)


def test_no_output_when_the_kernel_does_not_fit():
    image = np.ones((7, 7, 1), np.float32)
    kernel = np.ones((7, 7, 1), np.float32)
    assert convolution.output_size(7, 7, 1, 0, 3) <= 0
    with pytest.raises(ValueError, match="larger than the padded input"):
        convolution.conv_row(image, kernel, 0.0, 0, 1, 0, 3)
    reference = jax.lax.conv_general_dilated(
        jnp.ones((1, 7, 7, 1)),
        jnp.ones((7, 7, 1, 1)),
        (1, 1),
        [(0, 0)] * 2,
        rhs_dilation=(3, 3),
        dimension_numbers=("NHWC", "HWIO", "NHWC"),
    )
    assert reference.shape[1] == 0


def test_classic_kernels():
    c = convolution
    np.testing.assert_array_equal(c.classic_kernel(c.SOBEL_RIGHT, 3), [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(c.classic_kernel(c.SOBEL_DOWN, 3), [[-1, -2, -1], [0, 0, 0], [1, 2, 1]])
    np.testing.assert_array_equal(c.classic_kernel(c.STEP_DOWN, 3), [[-1, -1, -1], [0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(c.classic_kernel(c.STEP_RIGHT, 2), [[-1, 1], [-1, 1]])
    for k in c.KERNEL_SIZES:
        assert c.classic_kernel("blur", k).sum() == pytest.approx(1.0)
        assert c.classic_kernel("sharpen", k).sum() == pytest.approx(1.0)
        if k >= 2:
            for name in c.EDGE_KERNELS:
                kern = c.classic_kernel(name, k)
                assert kern.shape == (k, k) and kern.sum() == pytest.approx(0.0) and np.abs(kern).max() > 0
    with pytest.raises(ValueError, match="at least 2"):
        c.classic_kernel(c.SOBEL_RIGHT, 1)


@pytest.mark.parametrize("size", [2, 3, 5])
def test_every_edge_kernel_is_positive_exactly_where_its_name_says(size):
    """Hand-made images: a bright bottom half under a dark top half, a bright right half beside a dark left one,
    and both turned around. Each kernel is positive on the edge its name describes, negative on the reversed
    edge, and blind (0) to the edge across it."""
    c = convolution
    below = np.zeros((12, 12, 1), np.float32)
    below[6:] = 1.0  # bright below dark
    right = below.transpose(1, 0, 2).copy()  # bright right of dark
    images = {"below": below, "above": 1.0 - below, "right": right, "left": 1.0 - right}
    says = {c.STEP_DOWN: "below", c.SOBEL_DOWN: "below", c.STEP_RIGHT: "right", c.SOBEL_RIGHT: "right"}
    reverse = {"below": "above", "right": "left"}
    across = {"below": "right", "right": "below"}
    for name, side in says.items():
        kernel = c.classic_kernel(name, size)[..., None]
        response = lambda image: c.conv_map(image, kernel)  # noqa: B023
        assert response(images[side]).max() > 0 and response(images[side]).min() == 0, name
        assert response(images[reverse[side]]).min() < 0 and response(images[reverse[side]]).max() == 0, name
        assert np.all(response(images[across[side]]) == 0), name


def test_shrink_averages_blocks():
    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    np.testing.assert_allclose(convolution.shrink(image, 2), [[2.5, 4.5], [10.5, 12.5]])
    assert convolution.shrink(np.zeros((28, 28)), 4).shape == (7, 7)
