"""Sentiment from word ids: a recurrent reader that goes word by word, and Kim's (2014) n-gram text CNN.

Both read the same tokens (explorer.data.sentiment), right-padded with PAD (id 0), and give one logit:
log-odds that the review is positive. Padding reads as nothing: the RNN's answer is its state after the last
real word (states after it are ignored), and the CNN's max-pool only looks at windows that start inside the
review, with padding embedded as zeros; so a review gives the same answer alone or in any padded batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
import jax.numpy as jnp
from flax import nnx, struct

from explorer.data import sentiment as data
from explorer.models.rnn import make_cell


def _vocab_size() -> int:
    return data.Vocab.load().size if data.VOCAB_FILE.exists() else 2


@dataclass(frozen=True)
class SentimentRNNConfig:
    vocab: int = 0  # 0: the shipped vocabulary's size (explorer/assets/sentiment/vocab.txt)
    embed: int = 64
    hidden: int = 64
    cell: str = "gru"
    dropout: float = 0.5  # on the embeddings and the final state, training only

    def __post_init__(self):
        if not self.vocab:
            object.__setattr__(self, "vocab", _vocab_size())

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SentimentCNNConfig:
    vocab: int = 0
    embed: int = 64
    widths: tuple[int, ...] = (2, 3, 4)  # n-gram lengths, one bank of filters each
    filters: int = 64  # per width
    dropout: float = 0.5  # on the pooled features, training only (Kim 2014)

    def __post_init__(self):
        if not self.vocab:
            object.__setattr__(self, "vocab", _vocab_size())

    def to_dict(self) -> dict:
        return {**asdict(self), "widths": list(self.widths)}


@struct.dataclass
class SentimentRNNTrace:
    ids: jax.Array  # (B, T)
    embedded: jax.Array  # (B, T, E)
    hidden: jax.Array  # (B, T, H) the state after each word
    readout: jax.Array  # (B, T) the logit the state would give after each word (sentiment so far)
    logit: jax.Array  # (B,) after the last real word


@struct.dataclass
class SentimentCNNTrace:
    ids: jax.Array  # (B, T)
    embedded: jax.Array  # (B, T, E), zeros at padding
    maps: tuple  # per width w: (B, T − w + 1, F) after ReLU, windows starting past the review set to 0
    pooled: jax.Array  # (B, len(widths) · F) each filter's maximum over the review
    where: jax.Array  # (B, len(widths) · F) the first word of the window that gave it
    votes: jax.Array  # (B, len(widths) · F) pooled × the output weight: each filter's push on the logit
    logit: jax.Array  # (B,) Σ votes + bias


def lengths(ids: jax.Array) -> jax.Array:
    return jnp.maximum((ids != data.PAD).sum(-1), 1)


class SentimentRNN(nnx.Module):
    def __init__(self, config: SentimentRNNConfig = SentimentRNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.embed = nnx.Embed(config.vocab, config.embed, rngs=rngs)
        self.cell = make_cell(config.cell, config.embed, config.hidden, rngs)
        self.rnn = nnx.RNN(self.cell)
        self.drop = nnx.Dropout(config.dropout, deterministic=True, rngs=rngs)
        self.head = nnx.Linear(config.hidden, 1, rngs=rngs)

    def __call__(self, ids: jax.Array) -> jax.Array:
        return self.trace(ids).logit

    def trace(self, ids: jax.Array) -> SentimentRNNTrace:
        embedded = self.embed(ids)
        hidden = self.rnn(self.drop(embedded))  # (B, T, H): nnx.RNN scans the cell over the words
        readout = self.head(self.drop(hidden))[..., 0]
        last = jnp.take_along_axis(readout, (lengths(ids) - 1)[:, None], axis=1)[:, 0]
        return SentimentRNNTrace(ids, embedded, hidden, readout, last)


class SentimentCNN(nnx.Module):
    def __init__(self, config: SentimentCNNConfig = SentimentCNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.embed = nnx.Embed(config.vocab, config.embed, rngs=rngs)
        self.convs = nnx.List(
            [nnx.Conv(config.embed, config.filters, (w,), padding="VALID", rngs=rngs) for w in config.widths]
        )
        self.drop = nnx.Dropout(config.dropout, deterministic=True, rngs=rngs)
        self.head = nnx.Linear(config.filters * len(config.widths), 1, rngs=rngs)

    def __call__(self, ids: jax.Array) -> jax.Array:
        return self.trace(ids).logit

    def trace(self, ids: jax.Array) -> SentimentCNNTrace:
        n = lengths(ids)
        embedded = self.embed(ids) * (ids != data.PAD)[..., None]
        maps, pooled, where = [], [], []
        for w, conv in zip(self.config.widths, self.convs):
            m = jax.nn.relu(conv(embedded))  # (B, T − w + 1, F): one value per window of w words
            starts = jnp.arange(m.shape[1])
            # windows wholly inside the review; a review shorter than w keeps its first window
            valid = starts[None, :] <= jnp.maximum(n - w, 0)[:, None]
            m = m * valid[..., None]
            maps.append(m)
            pooled.append(m.max(1))
            where.append(m.argmax(1))
        pooled, where = jnp.concatenate(pooled, -1), jnp.concatenate(where, -1)
        votes = self.drop(pooled) * self.head.kernel[...][:, 0]
        return SentimentCNNTrace(
            ids, embedded, tuple(maps), pooled, where, votes, votes.sum(-1) + self.head.bias[...][0]
        )
