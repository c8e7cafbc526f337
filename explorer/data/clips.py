"""Clips: a digit moving across a larger black frame, one pixel per frame, in one of four directions.

A clip is FRAMES = 8 frames of SIZE × SIZE = 36 × 36 pixels. The 28 × 28 digit starts at the side
opposite its direction and moves 1 px per frame, centred at 4 across the motion (x, y = the digit's top-left corner):

    right: x = 0, 1, …, 7   y = 4        left: x = 8, 7, …, 1   y = 4
    down:  y = 0, 1, …, 7   x = 4        up:   y = 8, 7, …, 1   x = 4

Every clip passes through the centre (4, 4) at frame CENTRE_FRAME = 4, whatever its direction: that one frame
says nothing about the motion (the first frame would: its position alone gives the direction away).

The task is to say which digit (10 classes) AND which direction (4 classes). Sets are stored as uint8
(8 × 36 × 36 bytes per clip) and turned into float32 in 0..1 per batch with `to_model_input`.
"""

from __future__ import annotations

import numpy as np

from explorer.data import digits as digits_data

FRAMES = 8
SIZE = 36
DIGIT = 28
DIRECTIONS = ("right", "left", "down", "up")
CENTRE = (SIZE - DIGIT) // 2  # 4: the offset across the motion
CENTRE_FRAME = CENTRE  # the frame at which every clip's digit sits at (CENTRE, CENTRE)


def offsets(direction: int) -> list[tuple[int, int]]:
    """(row, col) of the digit's top-left corner in each frame."""
    steps = range(FRAMES)
    if direction == 0:  # right
        return [(CENTRE, t) for t in steps]
    if direction == 1:  # left
        return [(CENTRE, 2 * CENTRE - t) for t in steps]
    if direction == 2:  # down
        return [(t, CENTRE) for t in steps]
    if direction == 3:  # up
        return [(2 * CENTRE - t, CENTRE) for t in steps]
    raise ValueError(f"unknown direction {direction!r}; choose 0..3 for {', '.join(DIRECTIONS)}")


def direction_index(direction: int | str) -> int:
    """0..3, or a name from DIRECTIONS → its index."""
    if isinstance(direction, str):
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r}; choose one of {', '.join(DIRECTIONS)}")
        return DIRECTIONS.index(direction)
    d = int(direction)
    if not 0 <= d < len(DIRECTIONS):
        raise ValueError(f"unknown direction {direction!r}; choose 0..3 for {', '.join(DIRECTIONS)}")
    return d


def _place(image: np.ndarray, direction: int, dtype) -> np.ndarray:
    clip = np.zeros((FRAMES, SIZE, SIZE), dtype)
    for t, (r, c) in enumerate(offsets(direction)):
        clip[t, r : r + DIGIT, c : c + DIGIT] = image
    return clip


def make_clip(image: np.ndarray, direction: int | str) -> np.ndarray:
    """A (28, 28) float image in 0..1 → the (FRAMES, SIZE, SIZE) float32 clip moving in `direction`."""
    image = np.asarray(image, dtype=np.float32)
    if image.shape != (DIGIT, DIGIT):
        raise ValueError(f"a clip is made from a {DIGIT}×{DIGIT} image, not {image.shape}")
    return _place(image, direction_index(direction), np.float32)


def make_set(digits: digits_data.Digits, seed: int, per_digit: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`per_digit` clips of every digit, directions drawn from `seed`.

    Returns clips (N, FRAMES, SIZE, SIZE) uint8, labels (N,) int32, directions (N,) int32, N = per_digit × digits;
    the clips of digit i sit at i, i + len(digits), … (one pass over the digits per copy).
    """
    images = np.asarray(digits.images)
    n = len(images)
    directions = np.random.default_rng(seed).integers(0, len(DIRECTIONS), size=n * per_digit).astype(np.int32)
    clips = np.zeros((n * per_digit, FRAMES, SIZE, SIZE), np.uint8)
    for d in range(len(DIRECTIONS)):
        for t, (r, c) in enumerate(offsets(d)):
            for copy in range(per_digit):
                rows = np.nonzero(directions[copy * n : (copy + 1) * n] == d)[0]
                clips[copy * n + rows, t, r : r + DIGIT, c : c + DIGIT] = images[rows]
    labels = np.tile(np.asarray(digits.labels, np.int32), per_digit)
    return clips, labels, directions


def to_model_input(clips: np.ndarray) -> np.ndarray:
    """uint8 clips (B, T, S, S) → float32 in 0..1; float clips pass through as float32; one clip gains a batch axis."""
    x = np.asarray(clips)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    return x[None] if x.ndim == 3 else x


def clip_from_sketch(image28: np.ndarray, direction: int | str) -> np.ndarray:
    """A user's 28×28 digit (float 0..1, or uint8) → its clip; ValueError when there is nothing to move."""
    image = np.asarray(image28)
    if image.shape != (DIGIT, DIGIT):
        raise ValueError(f"The sketch must be a {DIGIT}×{DIGIT} digit (got {image.shape}); preprocess it first.")
    image = digits_data.to_model_input(image)[0, ..., 0]
    if not np.all(np.isfinite(image)):
        raise ValueError("The sketch holds values that are not numbers; clear it and draw again.")
    image = np.clip(image, 0.0, 1.0)
    if not image.any():
        raise ValueError("The sketch is empty: draw a digit first, then it can move across the frame.")
    return make_clip(image, direction)


HELDOUT_CLIP_SEED = 2  # directions of the held-out clips


def heldout_clips() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 1,000 held-out clips every clip model is measured on (one per held-out digit, directions from
    HELDOUT_CLIP_SEED): uint8 clips (N, T, S, S), digits (N,), directions (N,)."""
    return make_set(digits_data.load_heldout(), HELDOUT_CLIP_SEED, per_digit=1)
