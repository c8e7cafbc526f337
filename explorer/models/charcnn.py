"""The causal char CNN: stacked dilated 1-D convolutions that see a fixed window of the past."""

from __future__ import annotations

from dataclasses import dataclass, field

import jax
from flax import nnx, struct

from explorer.data import vocab
from explorer.models.dilated import DilatedConvConfig, causal_convs


@dataclass(frozen=True)
class CharCNNConfig(DilatedConvConfig):
    embed: int = 32  # character embedding size
    channels: int = 128  # feature channels of every convolution
    kernel: int = 3  # taps per convolution
    dilations: tuple[int, ...] = field(default=(1, 2, 4, 8, 16))  # doubling: the window grows fast


@struct.dataclass
class CharCNNTrace:
    embedded: jax.Array  # (B, T, E)
    pre: list  # per layer (B, T, C): the convolution output before ReLU
    layers: list  # per layer (B, T, C): the layer's output (ReLU, plus the residual after layer 1)
    logits: jax.Array  # (B, T, V) the next character after each position
    probs: jax.Array  # (B, T, V)


class CharCNN(nnx.Module):
    def __init__(self, config: CharCNNConfig = CharCNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.embed = nnx.Embed(vocab.SIZE, config.embed, rngs=rngs)
        self.convs = causal_convs(config.embed, config.channels, config.kernel, config.dilations, rngs)
        self.head = nnx.Linear(config.channels, vocab.SIZE, rngs=rngs)

    def __call__(self, ids: jax.Array) -> jax.Array:
        """ids (B, T) → logits (B, T, V); output t depends only on ids[:, t-R+1 : t+1]."""
        return self.logits_from_embedded(self.embed(ids))

    def logits_from_embedded(self, embedded: jax.Array) -> jax.Array:
        """(B, T, E) embedded characters → logits (B, T, V): the forward pass after the embedding."""
        return self.trace_embedded(embedded).logits

    def trace(self, ids: jax.Array) -> CharCNNTrace:
        return self.trace_embedded(self.embed(ids))

    def trace_embedded(self, embedded: jax.Array) -> CharCNNTrace:
        """Every layer from the embedded input (B, T, E): layer 1 is ReLU(conv); later ones add a residual."""
        x = embedded
        pre, layers = [], []
        for n, conv in enumerate(self.convs):
            p = conv(x)
            x = nnx.relu(p) if n == 0 else x + nnx.relu(p)
            pre.append(p)
            layers.append(x)
        logits = self.head(x)
        return CharCNNTrace(embedded, pre, layers, logits, jax.nn.softmax(logits))
