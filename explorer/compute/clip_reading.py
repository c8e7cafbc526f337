"""What the hybrid CNN→GRU says about the motion before it has seen any, measured on held-out clips.

The hybrid is trained on its answer after the last frame only; its read-out after each earlier frame is the same
heads applied to the state so far. After frame 1 the digit sits at the side its clip starts from, which is next to
where a clip moving the opposite way ends, so the read-out answers as if that clip had ended: the opposite
direction. This module measures how often, instead of asserting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np

from explorer.data import clips
from explorer.models import compiled

OPPOSITE = {"right": "left", "left": "right", "down": "up", "up": "down"}


@dataclass(frozen=True)
class FirstFrameMotion:
    """Direction guesses after frame 1, over the held-out digits each moved one way."""

    clips: int
    first_right: int  # the direction named after frame 1 is the clip's
    first_opposite: int  # … is the opposite of the clip's
    first_confidence: float  # mean probability of the direction named after frame 1


def start_to_opposite_end_px(direction: str) -> int:
    """Pixels between the digit's place in frame 1 of a clip moving `direction` and its place in the last frame of
    a clip moving the opposite way (from the clips' own offsets)."""
    first = clips.offsets(clips.direction_index(direction))[0]
    last = clips.offsets(clips.direction_index(OPPOSITE[direction]))[-1]
    return int(abs(first[0] - last[0]) + abs(first[1] - last[1]))


def first_frame_motion(model, images: np.ndarray) -> FirstFrameMotion:
    """model: the hybrid (its `trace` gives direction_probs (B, T, 4)); images (N, 28, 28) uint8 held-out digits.

    Digit i moves in direction i mod 4, so each direction gets a quarter of the clips and no random draw enters the
    figure. The GRU reads frames in order, so its read-out after frame 1 depends on frame 1 alone: only that frame
    is run (one compiled call).
    """
    fn, state = compiled.jit_method(model, "trace")
    images = np.asarray(images, np.float32) / 255.0
    truth = np.arange(len(images)) % len(clips.DIRECTIONS)
    frame1 = np.stack([clips.make_clip(img, int(d))[:1] for img, d in zip(images, truth)])  # (N, 1, S, S)
    first = np.asarray(jax.device_get(fn(state, frame1).direction_probs), np.float64)[:, 0]  # (N, 4)
    named = first.argmax(-1)
    opposite = np.asarray([clips.DIRECTIONS.index(OPPOSITE[clips.DIRECTIONS[d]]) for d in truth])
    return FirstFrameMotion(
        clips=len(truth),
        first_right=int(np.sum(named == truth)),
        first_opposite=int(np.sum(named == opposite)),
        first_confidence=float(first.max(-1).mean()),
    )
