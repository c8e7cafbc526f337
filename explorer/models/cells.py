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


def cell_update(kind: str, xw: jax.Array, hw: jax.Array, b: jax.Array, h_prev: jax.Array, c_prev=None):
    """The update of every cell, written once, from the three parts of its pre-activation (`cell_parts`).

    Returns (pre, value, h, c): pre-activations and values by block (simple: "h"; GRU: r, z, n; LSTM: i, f, g,
    o), the new state h and, for the LSTM, the new memory c (else None). The Text page shows exactly these.
    """
    if kind == "simple":
        pre = {"h": xw + hw + b}
        value = {"h": jnp.tanh(pre["h"])}
        return pre, value, value["h"], None
    if kind == "gru":
        xr, xz, xn = split_blocks(xw + b, kind)  # Flax keeps the GRU bias on the input side
        hr, hz, hn = split_blocks(hw, kind)
        pre = {"r": xr + hr, "z": xz + hz}
        r, z = jax.nn.sigmoid(pre["r"]), jax.nn.sigmoid(pre["z"])
        pre["n"] = xn + r * hn
        n = jnp.tanh(pre["n"])
        return pre, {"r": r, "z": z, "n": n}, (1.0 - z) * n + z * h_prev, None
    pre = dict(zip(GATES["lstm"], split_blocks(xw + hw + b, kind)))
    value = {k: (jnp.tanh(v) if k == "g" else jax.nn.sigmoid(v)) for k, v in pre.items()}
    c = value["f"] * c_prev + value["i"] * value["g"]
    return pre, value, value["o"] * jnp.tanh(c), c


def cell_step(w: CellWeights, carry, x: jax.Array):
    """One step of the cell. carry: h (B, H), or (c, h) for LSTM; x: (B, D).

    Returns (new carry, (h, c or None, gates)).
    """
    kind = w.kind
    h_prev = carry[1] if kind == "lstm" else carry
    xw, hw, b = cell_parts(w, x, h_prev)
    _, value, h, c = cell_update(kind, xw, hw, b, h_prev, carry[0] if kind == "lstm" else None)
    gates = {} if kind == "simple" else value
    return ((c, h) if kind == "lstm" else h), (h, c, gates)


def zero_carry(kind: str, batch: int, hidden: int):
    h = jnp.zeros((batch, hidden), jnp.float32)
    return (h, h) if kind == "lstm" else h


def run_cell(w: CellWeights, xs: jax.Array) -> CellSteps:
    """The cell over a whole sequence with `lax.scan`. xs: (B, T, D), from a zero state."""
    carry = zero_carry(w.kind, xs.shape[0], w.hidden)
    _, (h, c, gates) = jax.lax.scan(lambda cr, x: cell_step(w, cr, x), carry, jnp.swapaxes(xs, 0, 1))
    t_major = lambda a: None if a is None else jnp.swapaxes(a, 0, 1)  # (T, B, H) → (B, T, H)
    return CellSteps(t_major(h), t_major(c), {k: t_major(v) for k, v in gates.items()})
