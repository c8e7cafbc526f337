"""The digit CNN: conv 3×3×8 → ReLU → max-pool 2×2 → conv 3×3×16 → ReLU → max-pool → dense → 10."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
from flax import nnx, struct


@dataclass(frozen=True)
class DigitCNNConfig:
    channels1: int = 8  # conv1 filters: few enough to show every map
    channels2: int = 16  # conv2 filters
    kernel: int = 3  # square kernel side for both convolutions

    def to_dict(self) -> dict:
        return asdict(self)


@struct.dataclass
class CNNTrace:
    """Every intermediate of one forward pass; B = batch."""

    input: jax.Array  # (B, 28, 28, 1)
    conv1: jax.Array  # (B, 28, 28, C1) before ReLU
    relu1: jax.Array  # (B, 28, 28, C1)
    pool1: jax.Array  # (B, 14, 14, C1)
    conv2: jax.Array  # (B, 14, 14, C2) before ReLU
    relu2: jax.Array  # (B, 14, 14, C2)
    pool2: jax.Array  # (B, 7, 7, C2)
    flat: jax.Array  # (B, 7*7*C2) row-major (h, w, c)
    logits: jax.Array  # (B, 10)
    probs: jax.Array  # (B, 10)


def max_pool_2x2(x: jax.Array) -> jax.Array:
    return nnx.max_pool(x, window_shape=(2, 2), strides=(2, 2))


class DigitCNN(nnx.Module):
    def __init__(self, config: DigitCNNConfig = DigitCNNConfig(), *, rngs: nnx.Rngs):
        k = (config.kernel, config.kernel)
        self.config = config
        self.conv1 = nnx.Conv(1, config.channels1, k, padding="SAME", rngs=rngs)
        self.conv2 = nnx.Conv(config.channels1, config.channels2, k, padding="SAME", rngs=rngs)
        self.dense = nnx.Linear(7 * 7 * config.channels2, 10, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        """(B, 28, 28, 1) in 0..1 → logits (B, 10)."""
        x = max_pool_2x2(nnx.relu(self.conv1(x)))
        x = max_pool_2x2(nnx.relu(self.conv2(x)))
        return self.dense(x.reshape(x.shape[0], -1))

    def trace(self, x: jax.Array) -> CNNTrace:
        """The forward pass with every intermediate kept."""
        maps = conv_stack_maps(self.conv1, self.conv2, x)
        flat = maps["pool2"].reshape(x.shape[0], -1)
        logits = self.dense(flat)
        return CNNTrace(x, **maps, flat=flat, logits=logits, probs=jax.nn.softmax(logits))


def conv_stack_maps(conv1: nnx.Conv, conv2: nnx.Conv, x: jax.Array) -> dict[str, jax.Array]:
    """conv → ReLU → 2×2 max-pool, twice, every map kept by name (conv1, relu1, pool1, conv2, relu2, pool2): the
    stack of the digit CNN and of the clip models' frame CNN."""
    conv1_out = conv1(x)
    relu1 = nnx.relu(conv1_out)
    pool1 = max_pool_2x2(relu1)
    conv2_out = conv2(pool1)
    relu2 = nnx.relu(conv2_out)
    pool2 = max_pool_2x2(relu2)
    return {"conv1": conv1_out, "relu1": relu1, "pool1": pool1, "conv2": conv2_out, "relu2": relu2, "pool2": pool2}
