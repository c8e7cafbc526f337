"""Saliency bars against an independent float64 computation, where float32 squares would underflow."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import saliency
from explorer.data import corpus, vocab
from explorer.models import compiled


def _float64_norms_of_flax_gradient(model, ids: np.ndarray, t: int, target: int) -> tuple[np.ndarray, np.ndarray]:
    """(norms (T,), gradient (T, E)): ∂ log p(target after t)/∂ e_s through Flax's own nnx.RNN, norms in float64."""

    def log_p(emb, m):
        return jax.nn.log_softmax(m.head(m._scan(emb))[0, t])[target]

    grad = np.asarray(nnx.grad(log_p, argnums=0)(model.embed(jnp.asarray(ids[None])), model)[0], np.float64)
    return np.sqrt(np.sum(grad**2, axis=-1)), grad


def test_tiny_gradients_of_the_simple_rnn_still_get_their_true_bars():
    """The simple RNN's memory fades fast: 150 characters back the gradient is far below 1e-19, where float32
    squares flush to zero. Every character whose gradient has a non-zero entry must get a non-zero bar of the
    right size."""
    reader = compiled.load_reader("char-rnn-simple")
    text = corpus.load_heldout()[1000:1150]
    ids = vocab.encode(text)
    t = len(ids) - 1
    bars = saliency.saliency(reader.model, ids, t)
    target = int(np.argmax(np.asarray(reader.trace(text).probs[0, t])))
    expected, grad = _float64_norms_of_flax_gradient(reader.model, ids, t, target)
    nonzero = np.any(grad != 0, axis=-1)
    assert expected[nonzero].min() < 1e-20, "this sample must reach the range where float32 squares underflow"
    assert np.all(bars[nonzero] > 0)
    assert np.all(bars[~nonzero] == 0)
    np.testing.assert_allclose(bars[nonzero], expected[nonzero], rtol=2e-3)  # float32 gradients, two code paths
