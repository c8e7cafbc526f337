"""Recurrent models: the row RNN (a digit read as 28 rows) and the char RNN (next character).

Both run Flax's own cells through `nnx.RNN` in `__call__`; `trace` replays the
same weights with `explorer.models.cells.run_cell`, which also returns every gate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
import jax.numpy as jnp
from flax import nnx, struct

from explorer.data import vocab
from explorer.models import cells

CELLS = ("simple", "gru", "lstm")
CELL_TITLES = {"simple": "Simple RNN", "gru": "GRU", "lstm": "LSTM"}


def make_cell(kind: str, in_features: int, hidden: int, rngs: nnx.Rngs) -> nnx.Module:
    if kind == "simple":
        return nnx.SimpleCell(in_features, hidden, rngs=rngs)
    if kind == "gru":
        return nnx.GRUCell(in_features, hidden, rngs=rngs)
    if kind == "lstm":
        return nnx.LSTMCell(in_features, hidden, rngs=rngs)
    raise ValueError(f"unknown cell {kind!r}; choose one of {CELLS}")


def cell_weights(kind: str, cell: nnx.Module) -> cells.CellWeights:
    """The Flax cell's parameters in the stacked layout `cells.cell_step` replays."""
    if kind in ("simple", "gru"):  # both keep their only bias on the input side
        return cells.CellWeights(cell.dense_i.kernel[...], cell.dense_h.kernel[...], cell.dense_i.bias[...], kind)
    cat = lambda mods, attr: jnp.concatenate([getattr(m, attr)[...] for m in mods], axis=-1)
    return cells.CellWeights(
        cat([cell.ii, cell.if_, cell.ig, cell.io], "kernel"),
        cat([cell.hi, cell.hf, cell.hg, cell.ho], "kernel"),
        cat([cell.hi, cell.hf, cell.hg, cell.ho], "bias"),
        kind,
    )


@struct.dataclass
class RNNTrace:
    """Every intermediate of one recurrent forward pass; B = batch, T = steps."""

    inputs: jax.Array  # (B, T, D) what the cell read at each step (pixel rows or embeddings)
    hidden: jax.Array  # (B, T, H)
    cell: jax.Array | None  # (B, T, H) LSTM memory, else None
    gates: dict  # name → (B, T, H)
    logits: jax.Array  # (B, T, K) the read-out applied after every step
    probs: jax.Array  # (B, T, K)
    kind: str = struct.field(pytree_node=False, default="simple")


class _Recurrent(nnx.Module):
    """Shared body: a cell scanned over time by `nnx.RNN`, then a dense read-out."""

    kind: str

    def _scan(self, xs: jax.Array) -> jax.Array:
        """(B, T, D) → hidden states (B, T, H) using Flax's RNN and cell."""
        return self.rnn(xs, initial_carry=cells.zero_carry(self.kind, xs.shape[0], self.hidden))

    def _trace(self, xs: jax.Array) -> RNNTrace:
        steps = cells.run_cell(cell_weights(self.kind, self.rnn.cell), xs)
        logits = self.head(steps.hidden)
        return RNNTrace(xs, steps.hidden, steps.cell, steps.gates, logits, jax.nn.softmax(logits), self.kind)

    def weights(self) -> cells.CellWeights:
        return cell_weights(self.kind, self.rnn.cell)


@dataclass(frozen=True)
class RowRNNConfig:
    cell: str = "lstm"  # simple | gru | lstm
    hidden: int = 64  # hidden units: small enough to show as a heatmap

    def to_dict(self) -> dict:
        return asdict(self)


class RowRNN(_Recurrent):
    """Reads a 28×28 digit as 28 steps of 28 pixels, top row first, then classifies."""

    def __init__(self, config: RowRNNConfig = RowRNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.kind = config.cell
        self.hidden = config.hidden
        self.rnn = nnx.RNN(make_cell(config.cell, 28, config.hidden, rngs), rngs=False)
        self.head = nnx.Linear(config.hidden, 10, rngs=rngs)

    @staticmethod
    def rows(x: jax.Array) -> jax.Array:
        """(B, 28, 28, 1) or (B, 28, 28) → (B, 28 rows, 28 pixels)."""
        return x.reshape(x.shape[0], 28, 28)

    def __call__(self, x: jax.Array) -> jax.Array:
        """(B, 28, 28, 1) → logits (B, 10) after the last row."""
        return self.head(self._scan(self.rows(x))[:, -1])

    def trace(self, x: jax.Array) -> RNNTrace:
        """logits/probs (B, 28, 10): the read-out after every row; the last row's is the output."""
        return self._trace(self.rows(x))


@dataclass(frozen=True)
class CharRNNConfig:
    cell: str = "lstm"  # simple | gru | lstm
    embed: int = 32  # character embedding size
    hidden: int = 128  # hidden units

    def to_dict(self) -> dict:
        return asdict(self)


class CharRNN(_Recurrent):
    """Next-character model: embed → cell → dense over the fixed vocabulary."""

    def __init__(self, config: CharRNNConfig = CharRNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.kind = config.cell
        self.hidden = config.hidden
        self.embed = nnx.Embed(vocab.SIZE, config.embed, rngs=rngs)
        self.rnn = nnx.RNN(make_cell(config.cell, config.embed, config.hidden, rngs), rngs=False)
        self.head = nnx.Linear(config.hidden, vocab.SIZE, rngs=rngs)

    def __call__(self, ids: jax.Array) -> jax.Array:
        """ids (B, T) int → logits (B, T, V) for the character after each position."""
        return self.head(self._scan(self.embed(ids)))

    def logits_from_embedded(self, embedded: jax.Array) -> jax.Array:
        """(B, T, E) embedded characters → logits (B, T, V): the forward pass after the embedding.

        Replays the cell with `cells.run_cell` (plain JAX, so `jax.vjp` can differentiate it inside a
        compiled function; nnx.RNN's own transforms cannot be traced from there). Tests check it equals __call__.
        """
        return self.head(cells.run_cell(self.weights(), embedded).hidden)

    def trace(self, ids: jax.Array) -> RNNTrace:
        return self._trace(self.embed(ids))
