"""Each model's trace must be the forward pass: same output as __call__ (which runs Flax's own layers)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from explorer import models
from explorer.models import cells
from explorer.models.cnn import max_pool_2x2

DIGITS = jnp.asarray(np.random.default_rng(0).random((3, 28, 28, 1), np.float32))
IDS = jnp.asarray(np.random.default_rng(1).integers(0, 97, (2, 70)))


@pytest.mark.parametrize("name", models.DIGIT_AND_TEXT_MODELS)
def test_trace_output_equals_call(name):
    model = models.build(name, seed=3)
    x = DIGITS if name in models.DIGIT_MODELS else IDS
    out, tr = model(x), model.trace(x)
    traced = tr.logits[:, -1] if name.startswith("row-rnn") else tr.logits
    np.testing.assert_allclose(traced, out, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(tr.probs).sum(-1), 1.0, atol=1e-5)


def test_cnn_trace_layers_chain_as_the_architecture_says():
    model = models.build("digit-cnn", seed=1)
    tr = model.trace(DIGITS)
    assert tr.conv1.shape == (3, 28, 28, 8) and tr.pool1.shape == (3, 14, 14, 8)
    assert tr.conv2.shape == (3, 14, 14, 16) and tr.pool2.shape == (3, 7, 7, 16)
    np.testing.assert_array_equal(tr.relu1, np.maximum(tr.conv1, 0))
    np.testing.assert_array_equal(tr.pool2, max_pool_2x2(tr.relu2))
    # one conv1 output cell computed by hand from the kernel
    k, b = np.asarray(model.conv1.kernel[...])[:, :, 0, 2], float(model.conv1.bias[...][2])
    patch = np.asarray(DIGITS[0, 9:12, 4:7, 0])
    assert float(tr.conv1[0, 10, 5, 2]) == pytest.approx(float((patch * k).sum() + b), abs=1e-5)


@pytest.mark.parametrize("cell", ["simple", "gru", "lstm"])
def test_explicit_cell_step_matches_flax_cell(cell):
    model = models.build(f"char-rnn-{cell}", seed=2)
    flax_cell = model.rnn.cell
    x = jnp.asarray(np.random.default_rng(2).normal(size=(4, 32)), jnp.float32)
    h = jnp.asarray(np.random.default_rng(3).normal(size=(4, 128)) * 0.5, jnp.float32)
    carry = (h * 0.3, h) if cell == "lstm" else h
    _, expected = flax_cell(carry, x)
    new_carry, (h_new, c_new, gates) = cells.cell_step(model.weights(), carry, x)
    np.testing.assert_allclose(h_new, expected, rtol=1e-5, atol=1e-6)
    assert set(gates) == set(cells.GATES[cell])


@pytest.mark.parametrize("name", ["char-rnn-gru", "char-cnn"])
def test_text_models_are_causal(name):
    model = models.build(name, seed=4)
    changed = IDS.at[:, 40].set((IDS[:, 40] + 1) % 97)
    a, b = np.asarray(model(IDS)), np.asarray(model(changed))
    np.testing.assert_array_equal(a[:, :40], b[:, :40])
    assert np.abs(a[:, 40:] - b[:, 40:]).max() > 0


def test_char_cnn_sees_exactly_its_receptive_field():
    model = models.build("char-cnn", seed=5)
    r = model.config.receptive_field
    assert r == 63
    t = 69
    base = np.asarray(model(IDS))[:, t]
    just_inside = np.asarray(model(IDS.at[:, t - r + 1].set((IDS[:, t - r + 1] + 1) % 97)))[:, t]
    just_outside = np.asarray(model(IDS.at[:, t - r].set((IDS[:, t - r] + 1) % 97)))[:, t]
    assert np.abs(just_inside - base).max() > 0
    np.testing.assert_array_equal(just_outside, base)


def test_row_rnn_reads_rows_top_to_bottom():
    model = models.build("row-rnn-lstm", seed=6)
    tr = model.trace(DIGITS)
    np.testing.assert_array_equal(tr.inputs[:, 5], DIGITS[:, 5, :, 0])
    assert tr.hidden.shape == (3, 28, 64) and tr.cell.shape == (3, 28, 64)
    assert set(tr.gates) == {"i", "f", "g", "o"}
    jax.block_until_ready(tr.probs)
