"""Gradients through time, measured: how strongly the state at step t still moves the state at step T,
and how strongly each earlier character moves a text model's prediction.

‖∂h_T/∂s_t‖ uses one reverse-mode Jacobian: a zero perturbation δ_t is added to the
state s_t after each step t, and ∂h_T/∂δ_t = ∂h_T/∂s_t. The state is h_t for the
simple RNN and the GRU, and (c_t, h_t) for the LSTM, whose memory c is where its
gradient mostly travels. The norm is the Frobenius norm (root of the sum of squares
of every entry of the H×S Jacobian), computed inside the compiled function, scaled by the largest entry
first so that it cannot underflow: a norm is 0 only when every entry is 0 (compute/norms.py).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from explorer.compute import norms
from explorer.models import cells
from explorer.models.rnn import CharRNN


def state_size(w: cells.CellWeights) -> int:
    """Numbers in the recurrent state: H, or 2H for the LSTM's (c, h)."""
    return 2 * w.hidden if w.kind == "lstm" else w.hidden


def _add(carry, delta: jax.Array, kind: str):
    if kind == "lstm":
        c, h = carry
        dc, dh = jnp.split(delta, 2, axis=-1)
        return c + dc, h + dh
    return carry + delta


def state_jacobians(w: cells.CellWeights, xs: jax.Array) -> jax.Array:
    """xs (T, D) one sequence → J (T, H, S): J[t] = ∂h_T/∂s_t with s_t the state after reading xs[t]."""

    def final_hidden(deltas: jax.Array) -> jax.Array:  # (T, S) → h_T (H,)
        def step(carry, inp):
            x, d = inp
            carry, _ = cells.cell_step(w, carry, x[None])
            return _add(carry, d[None], w.kind), None

        carry, _ = jax.lax.scan(step, cells.zero_carry(w.kind, 1, w.hidden), (xs, deltas))
        return (carry[1] if w.kind == "lstm" else carry)[0]

    jac = jax.jacrev(final_hidden)(jnp.zeros((xs.shape[0], state_size(w)), jnp.float32))  # (H, T, S)
    return jnp.swapaxes(jac, 0, 1)


@jax.jit
def _frobenius_norms(w: cells.CellWeights, xs: jax.Array) -> jax.Array:
    return norms.scaled_norm(state_jacobians(w, xs), axis=(1, 2))  # squares of 1e-20 would flush to 0 in float32


def gradient_norms(w: cells.CellWeights, xs: np.ndarray) -> np.ndarray:
    """xs (T, D) → (T,) float32: ‖∂h_T/∂s_t‖_F for t = 0..T-1 (the last is ‖I‖_F = √H for simple/GRU)."""
    return np.asarray(_frobenius_norms(w, jnp.asarray(xs, jnp.float32)), np.float32)


def char_gradient_norms(model: CharRNN, ids: np.ndarray) -> np.ndarray:
    """ids (T,) → (T,) ‖∂h_T/∂s_t‖ for a char RNN reading those characters."""
    xs = np.asarray(model.embed(jnp.asarray(ids, jnp.int32)))
    return gradient_norms(model.weights(), xs)


def change_by_training(trained: np.ndarray, untrained: np.ndarray, back: int) -> float | None:
    """trained / untrained gradient norm `back` steps before the last (T,) curves' end; None where the untrained
    norm is exactly 0 (no ratio)."""
    before = float(np.asarray(untrained, np.float64)[-1 - back])
    return None if before <= 0 else float(np.asarray(trained, np.float64)[-1 - back]) / before
