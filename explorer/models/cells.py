"""Pure step-by-step math that the views replay, written out so every number can be shown.

The recurrent cells here reproduce Flax's `SimpleCell`, `GRUCell` and `LSTMCell`
exactly (tests/unit/test_models.py checks them against the nnx layers), but also
return what those layers keep to themselves: every gate and every term of the
update equation.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import struct

GATES = {"simple": (), "gru": ("r", "z", "n"), "lstm": ("i", "f", "g", "o")}
N_BLOCKS = {"simple": 1, "gru": 3, "lstm": 4}  # how many H-wide blocks the kernels stack


@struct.dataclass
class CellWeights:
    """One recurrent cell's parameters, gate blocks stacked along the last axis.

    simple: h' = tanh(x W_x + h W_h + b)
    gru:    blocks (r, z, n); the bias sits on the input side, as in Flax
    lstm:   blocks (i, f, g, o); the bias sits on the recurrent side, as in Flax
    """

    w_x: jax.Array  # (D, G*H)
    w_h: jax.Array  # (H, G*H)
    b: jax.Array  # (G*H,)
    kind: str = struct.field(pytree_node=False, default="simple")

    @property
    def hidden(self) -> int:
        return self.w_h.shape[0]


@struct.dataclass
class CellSteps:
    """A cell run over a sequence; T = time, H = hidden units."""

    hidden: jax.Array  # (B, T, H) h_t after reading input t
    cell: jax.Array | None  # (B, T, H) LSTM memory c_t, None for the other cells
    gates: dict  # name → (B, T, H), after their nonlinearity (GRU: r, z, n; LSTM: i, f, g, o)


def cell_parts(w: CellWeights, x: jax.Array, h_prev: jax.Array) -> tuple[jax.Array, jax.Array, jax.Array]:
    """The three terms of the pre-activation: (x W_x, h_{t-1} W_h, b), each (..., G*H)."""
    return x @ w.w_x, h_prev @ w.w_h, w.b


def split_blocks(a: jax.Array, kind: str) -> list[jax.Array]:
    return jnp.split(a, N_BLOCKS[kind], axis=-1)


def cell_step(w: CellWeights, carry, x: jax.Array):
    """One step of the cell. carry: h (B, H), or (c, h) for LSTM; x: (B, D).

    Returns (new carry, (h, c or None, gates)).
    """
    kind = w.kind
    h_prev = carry[1] if kind == "lstm" else carry
    xw, hw, b = cell_parts(w, x, h_prev)
    if kind == "simple":
        h = jnp.tanh(xw + hw + b)
        return h, (h, None, {})
    if kind == "gru":
        xr, xz, xn = split_blocks(xw + b, kind)
        hr, hz, hn = split_blocks(hw, kind)
        r = jax.nn.sigmoid(xr + hr)
        z = jax.nn.sigmoid(xz + hz)
        n = jnp.tanh(xn + r * hn)
        h = (1.0 - z) * n + z * h_prev
        return h, (h, None, {"r": r, "z": z, "n": n})
    c_prev = carry[0]
    i, f, g, o = split_blocks(xw + hw + b, kind)
    i, f, g, o = jax.nn.sigmoid(i), jax.nn.sigmoid(f), jnp.tanh(g), jax.nn.sigmoid(o)
    c = f * c_prev + i * g
    h = o * jnp.tanh(c)
    return (c, h), (h, c, {"i": i, "f": f, "g": g, "o": o})


def zero_carry(kind: str, batch: int, hidden: int):
    h = jnp.zeros((batch, hidden), jnp.float32)
    return (h, h) if kind == "lstm" else h


def run_cell(w: CellWeights, xs: jax.Array) -> CellSteps:
    """The cell over a whole sequence with `lax.scan`. xs: (B, T, D), from a zero state."""
    carry = zero_carry(w.kind, xs.shape[0], w.hidden)
    _, (h, c, gates) = jax.lax.scan(lambda cr, x: cell_step(w, cr, x), carry, jnp.swapaxes(xs, 0, 1))
    t_major = lambda a: None if a is None else jnp.swapaxes(a, 0, 1)  # (T, B, H) → (B, T, H)
    return CellSteps(t_major(h), t_major(c), {k: t_major(v) for k, v in gates.items()})
