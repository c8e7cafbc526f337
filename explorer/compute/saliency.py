"""Saliency over time: how strongly each earlier character moves a text model's prediction.

‖∂ log p(target after position t) / ∂ e_s‖ for every position s, with one reverse-mode pass
(`jax.vjp`) through the model's own forward pass from its embeddings.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import norms
from explorer.models import compiled
from explorer.models.charcnn import CharCNN
from explorer.models.rnn import CharRNN


@partial(jax.jit, static_argnums=0)
def _saliency(graphdef, state, ids: jax.Array, t: jax.Array, target: jax.Array) -> jax.Array:
    """ids (L,) padded; target < 0 means "the most likely next character"."""
    model = nnx.merge(graphdef, state)
    embedded = model.embed(ids[None])  # (1, L, E)

    def log_probs(emb):  # (1, L, E) → log p(· after position t), (V,)
        return jax.nn.log_softmax(model.logits_from_embedded(emb)[0, t])

    logp, pullback = jax.vjp(log_probs, embedded)
    target = jnp.where(target < 0, jnp.argmax(logp), target)
    (grad,) = pullback(jax.nn.one_hot(target, logp.shape[-1], dtype=logp.dtype))
    return norms.scaled_norm(grad[0], axis=-1)  # cannot underflow: a bar is 0 only if the gradient is


def saliency(
    model: CharRNN | CharCNN, ids: np.ndarray, t: int, target: int | None = None, pad_to: int = compiled.MAX_TEXT
) -> np.ndarray:
    """‖∂ log p(target after position t) / ∂ e_s‖ for every position s: ids (T,) → (T,) float32.

    `target` defaults to the model's most likely next character after t (the prediction shown
    at step t). Positions after t cannot reach the prediction in a causal model: their gradient
    is exactly 0, computed, not masked. Padded to `pad_to` so one compilation serves every text.
    """
    length = np.asarray(ids).size
    if not 0 <= t < length:
        raise ValueError(f"step {t} is outside the text of {length} characters")
    graphdef, state = compiled.split_once(model)
    bars = _saliency(
        graphdef,
        state,
        jnp.asarray(compiled.pad_ids(ids, pad_to)),
        jnp.int32(t),
        jnp.int32(-1 if target is None else target),
    )
    return np.asarray(bars[:length], np.float32)
