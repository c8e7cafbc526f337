"""Gradients through time, measured: how strongly the state at step t still moves the state at step T,
and how strongly each earlier character moves a text model's prediction.

‖∂h_T/∂s_t‖ uses one reverse-mode Jacobian: a zero perturbation δ_t is added to the
state s_t after each step t, and ∂h_T/∂δ_t = ∂h_T/∂s_t. The state is h_t for the
simple RNN and the GRU, and (c_t, h_t) for the LSTM, whose memory c is where its
gradient mostly travels. The norm is the Frobenius norm (root of the sum of squares
of every entry of the H×S Jacobian), computed inside the compiled function.
"""

from __future__ import annotations

import weakref

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import ops
from explorer.models.charcnn import CharCNN
from explorer.models.rnn import CharRNN


def state_size(w: ops.CellWeights) -> int:
    """Numbers in the recurrent state: H, or 2H for the LSTM's (c, h)."""
    return 2 * w.hidden if w.kind == "lstm" else w.hidden


def _add(carry, delta: jax.Array, kind: str):
    if kind == "lstm":
        c, h = carry
        dc, dh = jnp.split(delta, 2, axis=-1)
        return c + dc, h + dh
    return carry + delta


def state_jacobians(w: ops.CellWeights, xs: jax.Array) -> jax.Array:
    """xs (T, D) one sequence → J (T, H, S): J[t] = ∂h_T/∂s_t with s_t the state after reading xs[t]."""

    def final_hidden(deltas: jax.Array) -> jax.Array:  # (T, S) → h_T (H,)
        def step(carry, inp):
            x, d = inp
            carry, _ = ops.cell_step(w, carry, x[None])
            return _add(carry, d[None], w.kind), None

        carry, _ = jax.lax.scan(step, ops.zero_carry(w.kind, 1, w.hidden), (xs, deltas))
        return (carry[1] if w.kind == "lstm" else carry)[0]

    jac = jax.jacrev(final_hidden)(jnp.zeros((xs.shape[0], state_size(w)), jnp.float32))  # (H, T, S)
    return jnp.swapaxes(jac, 0, 1)


@jax.jit
def _frobenius_norms(w: ops.CellWeights, xs: jax.Array) -> jax.Array:
    return jnp.sqrt(jnp.sum(state_jacobians(w, xs) ** 2, axis=(1, 2)))


def gradient_norms(w: ops.CellWeights, xs: np.ndarray) -> np.ndarray:
    """xs (T, D) → (T,) float32: ‖∂h_T/∂s_t‖_F for t = 0..T-1 (the last is ‖I‖_F = √H for simple/GRU)."""
    return np.asarray(_frobenius_norms(w, jnp.asarray(xs, jnp.float32)), np.float32)


def char_gradient_norms(model: CharRNN, ids: np.ndarray) -> np.ndarray:
    """ids (T,) → (T,) ‖∂h_T/∂s_t‖ for a char RNN reading those characters."""
    xs = np.asarray(model.embed(jnp.asarray(ids, jnp.int32)))
    return gradient_norms(model.weights(), xs)


# ---------------------------------------------------------------- saliency of any text model


def logits_from_embedded(model: CharRNN | CharCNN, embedded: jax.Array) -> jax.Array:
    """The model's forward pass from its embedded input (B, T, E) → logits (B, T, V); same as model(ids)."""
    if isinstance(model, CharRNN):
        return model.head(ops.run_cell(model.weights(), embedded).hidden)  # the same cell, replayed by ops
    x = embedded
    for n, conv in enumerate(model.convs):  # mirrors CharCNN.__call__ (tests check they agree)
        y = nnx.relu(conv(x))
        x = y if n == 0 else x + y
    return model.head(x)


_SPLITS: "weakref.WeakKeyDictionary[nnx.Module, tuple]" = weakref.WeakKeyDictionary()


def split_once(model: nnx.Module) -> tuple:
    """(graphdef, state) of a model, computed once per model object (the app never changes weights)."""
    if model not in _SPLITS:
        _SPLITS[model] = nnx.split(model)
    return _SPLITS[model]


def pad_ids(ids: np.ndarray, length: int) -> np.ndarray:
    """ids (T,) → (length,) int32 with zeros after the text: one compiled shape for every text."""
    ids = np.asarray(ids, np.int32).reshape(-1)
    if not 1 <= len(ids) <= length:
        raise ValueError(f"expected 1 to {length} characters, got {len(ids)}")
    out = np.zeros(length, np.int32)
    out[: len(ids)] = ids
    return out


@partial(jax.jit, static_argnums=0)
def _saliency(graphdef, state, ids: jax.Array, t: jax.Array, target: jax.Array) -> jax.Array:
    """ids (L,) padded; target < 0 means "the most likely next character"."""
    model = nnx.merge(graphdef, state)
    embedded = model.embed(ids[None])  # (1, L, E)

    def log_probs(emb):  # (1, L, E) → log p(· after position t), (V,)
        return jax.nn.log_softmax(logits_from_embedded(model, emb)[0, t])

    logp, pullback = jax.vjp(log_probs, embedded)
    target = jnp.where(target < 0, jnp.argmax(logp), target)
    (grad,) = pullback(jax.nn.one_hot(target, logp.shape[-1], dtype=logp.dtype))
    return jnp.linalg.norm(grad[0], axis=-1)


def saliency(model: CharRNN | CharCNN, ids: np.ndarray, t: int, target: int | None = None,
             pad_to: int = 256) -> np.ndarray:
    """‖∂ log p(target after position t) / ∂ e_s‖ for every position s: ids (T,) → (T,) float32.

    `target` defaults to the model's most likely next character after t (the prediction shown
    at step t). Positions after t cannot reach the prediction in a causal model: their gradient
    is exactly 0, computed, not masked. Padded to `pad_to` so one compilation serves every text.
    """
    length = np.asarray(ids).size
    if not 0 <= t < length:
        raise ValueError(f"step {t} is outside the text of {length} characters")
    graphdef, state = split_once(model)
    norms = _saliency(graphdef, state, jnp.asarray(pad_ids(ids, pad_to)), jnp.int32(t),
                      jnp.int32(-1 if target is None else target))
    return np.asarray(norms[:length], np.float32)
