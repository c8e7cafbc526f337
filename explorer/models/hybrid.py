"""Clip models: read a digit moving across 8 frames and say which digit AND which direction.

Four models, each `__call__(clips (B, T, S, S)) -> (digit_logits (B, 10), direction_logits (B, 4))`:

    HybridCNNRNN    the same small CNN on every frame (shared weights) → a GRU over the frame features → two heads
    OneFrameCNN     the same CNN on one frame only (the centre frame, where every clip looks alike in position):
                    it can tell the digit, never the direction
    EarlyFusionCNN  the T frames stacked as T input channels of one CNN
    PixelRNN        a GRU over the frames, each flattened to S·S pixels (no convolution)

The frame CNN is conv 3×3×8 → ReLU → pool 2 → conv 3×3×16 → ReLU → pool 2 → flatten → dense 64 → ReLU.
Each model's `trace` returns a `ClipTrace` with the intermediates; its final logits equal `__call__`'s.
The recurrent models replay their GRU in `trace` with `cells.run_cell` (which also returns the gates), so
the test that compares `trace` with `__call__` checks two implementations against each other.

`explorer.models.build(name)` builds them by name (hybrid-clip, hybrid-oneframe, hybrid-earlyfusion,
hybrid-pixelrnn) like every other model, and `explorer.models.weights.load(name)` loads the trained ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
import jax.numpy as jnp
from flax import nnx, struct

from explorer.data.clips import CENTRE_FRAME, DIRECTIONS, FRAMES, SIZE
from explorer.models import cells
from explorer.models.cnn import conv_stack_maps, max_pool_2x2
from explorer.models.rnn import cell_weights, make_cell

N_DIGITS = 10
N_DIRECTIONS = len(DIRECTIONS)


# --- configs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameCNNConfig:
    """The frame CNN's sizes, shared by the three models that have one."""

    channels1: int = 8  # conv1 filters
    channels2: int = 16  # conv2 filters
    kernel: int = 3
    features: int = 64  # the frame's feature vector (dense after the convolutions)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class HybridConfig(FrameCNNConfig):
    hidden: int = 64  # GRU units
    cell: str = "gru"


@dataclass(frozen=True)
class OneFrameConfig(FrameCNNConfig):
    frame: int = CENTRE_FRAME  # the one frame it sees: every clip's digit is centred there, so no direction cue


@dataclass(frozen=True)
class EarlyFusionConfig(FrameCNNConfig):
    frames: int = FRAMES  # input channels: one per frame


@dataclass(frozen=True)
class PixelRNNConfig:
    hidden: int = 128  # GRU units
    cell: str = "gru"

    def to_dict(self) -> dict:
        return asdict(self)


# --- trace ---------------------------------------------------------------------------------------------------


@struct.dataclass
class ClipTrace:
    """One forward pass of a clip model; B = batch, T = frames, K = steps of read-out (T, or 1 for the CNNs)."""

    clips: jax.Array  # (B, T, S, S) the input
    maps: (
        dict  # conv intermediates (conv1, relu1, pool1, conv2, relu2, pool2): hybrid (B, T, h, w, C), CNNs (B, h, w, C)
    )
    features: jax.Array  # hybrid (B, T, F) per frame; CNNs (B, F); pixel RNN (B, T, S·S) the flattened frames
    hidden: jax.Array | None  # (B, T, H) the GRU state after each frame; None for the CNNs
    gates: dict  # GRU gates r, z, n → (B, T, H); {} for the CNNs
    digit_logits: jax.Array  # (B, 10) the output: equals __call__
    direction_logits: jax.Array  # (B, 4)
    digit_probs: jax.Array  # (B, K, 10) the read-out after each frame (the guess building up); K = 1 for the CNNs
    direction_probs: jax.Array  # (B, K, 4)


# --- building blocks -----------------------------------------------------------------------------------------


class FrameCNN(nnx.Module):
    """conv → ReLU → pool → conv → ReLU → pool → flatten → dense → ReLU, on (N, S, S, C_in)."""

    def __init__(self, in_channels: int, channels1: int, channels2: int, kernel: int, features: int, *, rngs):
        k = (kernel, kernel)
        side = SIZE // 4
        self.conv1 = nnx.Conv(in_channels, channels1, k, padding="SAME", rngs=rngs)
        self.conv2 = nnx.Conv(channels1, channels2, k, padding="SAME", rngs=rngs)
        self.dense = nnx.Linear(side * side * channels2, features, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        x = max_pool_2x2(nnx.relu(self.conv1(x)))
        x = max_pool_2x2(nnx.relu(self.conv2(x)))
        return nnx.relu(self.dense(x.reshape(x.shape[0], -1)))

    def trace(self, x: jax.Array) -> tuple[dict, jax.Array]:
        maps = conv_stack_maps(self.conv1, self.conv2, x)
        return maps, nnx.relu(self.dense(maps["pool2"].reshape(x.shape[0], -1)))


class _Heads(nnx.Module):
    """The two read-outs (digit, direction) on one vector; both the CNNs and the RNNs end with these."""

    def _make_heads(self, width: int, rngs: nnx.Rngs) -> None:
        self.digit_head = nnx.Linear(width, N_DIGITS, rngs=rngs)
        self.direction_head = nnx.Linear(width, N_DIRECTIONS, rngs=rngs)

    def heads(self, h: jax.Array) -> tuple[jax.Array, jax.Array]:
        return self.digit_head(h), self.direction_head(h)

    def read_frames(self, clips: jax.Array, maps: dict, xs: jax.Array) -> ClipTrace:
        """The recurrent models' trace: `self.rnn`'s cell over the per-frame vectors xs (B, T, D), read out after
        every frame; the answer is the read-out after the last."""
        steps = cells.run_cell(cell_weights(self.kind, self.rnn.cell), xs)
        digit, direction = self.heads(steps.hidden)  # (B, T, K)
        return ClipTrace(
            clips,
            maps,
            xs,
            steps.hidden,
            steps.gates,
            digit[:, -1],
            direction[:, -1],
            jax.nn.softmax(digit),
            jax.nn.softmax(direction),
        )


def _frames(clips: jax.Array) -> jax.Array:
    clips = jnp.asarray(clips, jnp.float32)
    if clips.ndim != 4 or clips.shape[2:] != (SIZE, SIZE):
        raise ValueError(f"clips must be (B, T, {SIZE}, {SIZE}), not {clips.shape}")
    return clips


# --- the four models -----------------------------------------------------------------------------------------


class HybridCNNRNN(_Heads):
    """The same CNN on every frame (one set of weights), a GRU over the T feature vectors, heads on the last state."""

    def __init__(self, config: HybridConfig = HybridConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.kind = config.cell
        self.hidden = config.hidden
        self.cnn = FrameCNN(1, config.channels1, config.channels2, config.kernel, config.features, rngs=rngs)
        self.rnn = nnx.RNN(make_cell(config.cell, config.features, config.hidden, rngs), rngs=False)
        self._make_heads(config.hidden, rngs)

    def frame_features(self, clips: jax.Array) -> jax.Array:
        """(B, T, S, S) → (B, T, F): the frames folded into the batch, so every frame meets the same CNN."""
        b, t = clips.shape[:2]
        return self.cnn(clips.reshape(b * t, SIZE, SIZE, 1)).reshape(b, t, -1)

    def __call__(self, clips: jax.Array) -> tuple[jax.Array, jax.Array]:
        clips = _frames(clips)
        hs = self.rnn(
            self.frame_features(clips), initial_carry=cells.zero_carry(self.kind, clips.shape[0], self.hidden)
        )
        return self.heads(hs[:, -1])

    def trace(self, clips: jax.Array) -> ClipTrace:
        clips = _frames(clips)
        b, t = clips.shape[:2]
        maps, flat = self.cnn.trace(clips.reshape(b * t, SIZE, SIZE, 1))
        maps = {k: v.reshape(b, t, *v.shape[1:]) for k, v in maps.items()}
        features = flat.reshape(b, t, -1)
        return self.read_frames(clips, maps, features)


class OneFrameCNN(_Heads):
    """The frame CNN on one frame only: a still image has no motion, so the direction is a guess.

    It reads frame `config.frame` (default the centre frame, where every clip's digit sits at the same place); on the
    first frame the digit's position alone would give the direction away (each direction starts at its own side).
    """

    def __init__(self, config: OneFrameConfig = OneFrameConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.cnn = FrameCNN(1, config.channels1, config.channels2, config.kernel, config.features, rngs=rngs)
        self._make_heads(config.features, rngs)

    def __call__(self, clips: jax.Array) -> tuple[jax.Array, jax.Array]:
        return self.heads(self.cnn(_frames(clips)[:, self.config.frame, :, :, None]))

    def trace(self, clips: jax.Array) -> ClipTrace:
        clips = _frames(clips)
        maps, features = self.cnn.trace(clips[:, self.config.frame, :, :, None])
        digit, direction = self.heads(features)
        return _cnn_trace(clips, maps, features, digit, direction)


class EarlyFusionCNN(_Heads):
    """One CNN whose input channels are the T frames: motion is visible to its very first filters."""

    def __init__(self, config: EarlyFusionConfig = EarlyFusionConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.cnn = FrameCNN(
            config.frames, config.channels1, config.channels2, config.kernel, config.features, rngs=rngs
        )
        self._make_heads(config.features, rngs)

    @staticmethod
    def stacked(clips: jax.Array) -> jax.Array:
        """(B, T, S, S) → (B, S, S, T)."""
        return jnp.moveaxis(clips, 1, -1)

    def __call__(self, clips: jax.Array) -> tuple[jax.Array, jax.Array]:
        return self.heads(self.cnn(self.stacked(_frames(clips))))

    def trace(self, clips: jax.Array) -> ClipTrace:
        clips = _frames(clips)
        maps, features = self.cnn.trace(self.stacked(clips))
        digit, direction = self.heads(features)
        return _cnn_trace(clips, maps, features, digit, direction)


def _cnn_trace(clips, maps, features, digit, direction) -> ClipTrace:
    return ClipTrace(
        clips,
        maps,
        features,
        None,
        {},
        digit,
        direction,
        jax.nn.softmax(digit)[:, None],
        jax.nn.softmax(direction)[:, None],
    )


class PixelRNN(_Heads):
    """A GRU reading each frame as one vector of S·S pixels: no convolution, no weight sharing over space."""

    def __init__(self, config: PixelRNNConfig = PixelRNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.kind = config.cell
        self.hidden = config.hidden
        self.rnn = nnx.RNN(make_cell(config.cell, SIZE * SIZE, config.hidden, rngs), rngs=False)
        self._make_heads(config.hidden, rngs)

    @staticmethod
    def flat(clips: jax.Array) -> jax.Array:
        return clips.reshape(clips.shape[0], clips.shape[1], SIZE * SIZE)

    def __call__(self, clips: jax.Array) -> tuple[jax.Array, jax.Array]:
        xs = self.flat(_frames(clips))
        hs = self.rnn(xs, initial_carry=cells.zero_carry(self.kind, xs.shape[0], self.hidden))
        return self.heads(hs[:, -1])

    def trace(self, clips: jax.Array) -> ClipTrace:
        clips = _frames(clips)
        return self.read_frames(clips, {}, self.flat(clips))
