"""The no-structure baseline: a multilayer perceptron, 784 pixels → 64 hidden (ReLU) → 10 digits.

It sees the same 28 × 28 digits as the CNN and the row RNN, flattened: no notion of neighbouring pixels (the
CNN's kernels) or of order (the RNN's rows). Whatever the others do better is what structure buys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
from flax import nnx, struct


@dataclass(frozen=True)
class DigitMLPConfig:
    hidden: int = 64  # hidden units: about as many parameters as the row LSTM has, fifty thousand

    def to_dict(self) -> dict:
        return asdict(self)


@struct.dataclass
class MLPTrace:
    """Every intermediate of one forward pass; B = batch."""

    input: jax.Array  # (B, 28, 28, 1)
    flat: jax.Array  # (B, 784) row-major
    hidden_pre: jax.Array  # (B, H) before ReLU
    hidden: jax.Array  # (B, H)
    logits: jax.Array  # (B, 10)
    probs: jax.Array  # (B, 10)


class DigitMLP(nnx.Module):
    def __init__(self, config: DigitMLPConfig = DigitMLPConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.hidden = nnx.Linear(28 * 28, config.hidden, rngs=rngs)
        self.out = nnx.Linear(config.hidden, 10, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        """(B, 28, 28, 1) in 0..1 → logits (B, 10)."""
        return self.out(nnx.relu(self.hidden(x.reshape(x.shape[0], -1))))

    def trace(self, x: jax.Array) -> MLPTrace:
        flat = x.reshape(x.shape[0], -1)
        pre = self.hidden(flat)
        hidden = nnx.relu(pre)
        logits = self.out(hidden)
        return MLPTrace(x, flat, pre, hidden, logits, jax.nn.softmax(logits))
