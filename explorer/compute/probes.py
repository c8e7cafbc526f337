"""Invariance probes: change the input in one controlled way and record how each model's output moves.

Digit probes return a batch of transformed images, one per setting, so the whole
curve is one forward pass per model; setting 0 is always the untouched image.
Text probes edit a string: shuffle its words, or insert characters at its start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from explorer.compute import printing


@dataclass(frozen=True)
class DigitProbe:
    key: str
    title: str  # what the slider moves
    unit: str
    settings: tuple[int, ...]  # always contains 0 (the original image)


DIGIT_PROBES = {
    "dx": DigitProbe("dx", "shift right (pixels)", "px", tuple(range(-8, 9))),
    "dy": DigitProbe("dy", "shift down (pixels)", "px", tuple(range(-8, 9))),
    "rotate": DigitProbe("rotate", "rotate (degrees, anticlockwise)", "°", tuple(range(-90, 91, 10))),
    "rows": DigitProbe("rows", "rows shuffled", "rows", tuple(range(0, 29, 2))),
}
ROW_SHUFFLE_SEED = 7


def shift(image: np.ndarray, dx: int = 0, dy: int = 0) -> np.ndarray:
    """(H, W) → the same image moved dx pixels right and dy down; what leaves the frame is lost, black comes in."""
    image = np.asarray(image, np.float32)
    out = np.zeros_like(image)
    h, w = image.shape
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src = image[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
    out[max(0, dy) : max(0, dy) + src.shape[0], max(0, dx) : max(0, dx) + src.shape[1]] = src
    return out


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """(H, W) in 0..1 → rotated anticlockwise about the centre (bilinear), black outside."""
    image = np.asarray(image, np.float32)
    if degrees == 0:
        return image.copy()
    pil = Image.fromarray(image, mode="F").rotate(degrees, resample=Image.BILINEAR, fillcolor=0.0)
    return np.clip(np.asarray(pil, np.float32), 0.0, 1.0)


def shuffle_rows(image: np.ndarray, k: int, seed: int = ROW_SHUFFLE_SEED) -> np.ndarray:
    """(H, W) → k rows (chosen by `seed`) moved cyclically among their own places; k = 0 or 1 changes nothing.

    The pixels are all still there; only the order the row RNN reads them in changes
    (and, for the CNN, which rows are neighbours).
    """
    image = np.asarray(image, np.float32)
    chosen = np.random.default_rng(seed).permutation(image.shape[0])[: max(0, min(k, image.shape[0]))]
    out = image.copy()
    if len(chosen) > 1:
        out[chosen] = image[np.roll(chosen, 1)]
    return out


def apply(probe: str, image: np.ndarray, setting: int) -> np.ndarray:
    """One probe at one setting: (28, 28) → (28, 28)."""
    if probe == "dx":
        return shift(image, dx=setting)
    if probe == "dy":
        return shift(image, dy=setting)
    if probe == "rotate":
        return rotate(image, setting)
    if probe == "rows":
        return shuffle_rows(image, setting)
    raise ValueError(f"unknown probe {probe!r}; choose one of {', '.join(DIGIT_PROBES)}")


def probe_batch(probe: str, image: np.ndarray) -> np.ndarray:
    """Every setting of one probe: (28, 28) → (N, 28, 28, 1) float32 in the order of DIGIT_PROBES[probe].settings."""
    return np.stack([apply(probe, image, s) for s in DIGIT_PROBES[probe].settings])[..., None].astype(np.float32)


# ---------------------------------------------------------------- text


def shuffle_words(text: str, seed: int) -> str:
    """The same words (split on spaces) in a random order fixed by `seed`; seed 0 keeps the text as it is."""
    if seed == 0:
        return text
    words = text.split(" ")
    order = np.random.default_rng(seed).permutation(len(words))
    return " ".join(words[i] for i in order)


def insert_at_start(text: str, n: int, filler: str = "x") -> str:
    """`n` copies of `filler` in front of the text (the end, where the prediction is made, is unchanged)."""
    return filler * max(0, n) + text


SHIFT_PIXELS = 4
SHIFT_DIGITS = 300  # held-out digits the shift measurement uses


@dataclass(frozen=True)
class ShiftAccuracy:
    """Held-out accuracy of each digit model on the original digits and on the same digits shifted."""

    n: int  # digits
    pixels: int  # how far each digit is moved (right, left, down, up: four shifted copies)
    original: dict  # model name → accuracy on the digits as they are
    shifted: dict  # model name → accuracy over the four shifted copies


def shift_accuracy(predict: dict, images: np.ndarray, labels: np.ndarray, pixels: int = SHIFT_PIXELS) -> ShiftAccuracy:
    """predict: model name → function (N, 28, 28, 1) float32 → predicted digits (N,); images (N, 28, 28) uint8."""
    base = np.asarray(images, np.float32) / 255.0
    moves = ((pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels))
    moved = np.stack([shift(img, dx, dy) for dx, dy in moves for img in base])  # (4N, 28, 28)
    labels = np.asarray(labels)
    original, shifted = {}, {}
    for name, fn in predict.items():
        original[name] = float(np.mean(np.asarray(fn(base[..., None])) == labels))
        shifted[name] = float(np.mean(np.asarray(fn(moved[..., None])) == np.tile(labels, len(moves))))
    return ShiftAccuracy(len(labels), pixels, original, shifted)


SMALL_SHIFTS = (1, 2)  # pixels: the shifts a 2×2 max-pool window is said to absorb


@dataclass(frozen=True)
class SmallShifts:
    """Held-out accuracy of each digit model with the digits as they are and moved by each small shift."""

    n: int  # digits
    pixels: tuple[int, ...]  # each shift, applied in four directions
    accuracy: dict  # model name → (accuracy unshifted, accuracy at pixels[0], at pixels[1], …)


def small_shifts(predict: dict, images: np.ndarray, labels: np.ndarray, pixels=SMALL_SHIFTS) -> SmallShifts:
    """predict: model name → function (N, 28, 28, 1) float32 → predicted digits (N,); images (N, 28, 28) uint8."""
    runs = [shift_accuracy(predict, images, labels, p) for p in pixels]
    accuracy = {name: (runs[0].original[name], *(r.shifted[name] for r in runs)) for name in predict}
    return SmallShifts(len(labels), tuple(pixels), accuracy)


def small_shift_sentence(m: SmallShifts, titles: dict, cnn: str = "digit-cnn", no_pooling: str = "digit-mlp") -> str:
    """What the probe measures about small shifts, from its numbers: each model's accuracy at 0, 1, 2 px, and
    whether the CNN (the one model with max-pooling) holds up better than the others: never asserted."""
    moves = " → ".join(f"{p} px" for p in m.pixels)
    rows = "; ".join(
        f"{titles[name]} " + " → ".join(printing.share(a, 1) for a in accs) for name, accs in m.accuracy.items()
    )
    drop = {name: accs[0] - accs[-1] for name, accs in m.accuracy.items()}
    others = [name for name in drop if name != cnn]
    if all(drop[cnn] + 0.005 < drop[o] for o in others):
        verdict = f"here the CNN, the one with max-pooling, loses least at {m.pixels[-1]} px."
    else:
        held = [o for o in others if drop[o] <= drop[cnn] + 0.005]
        verdict = (
            "so max-pooling does not make the CNN the most tolerant here: the "
            + " and the ".join(titles[o] for o in held)
            + (" hold" if len(held) > 1 else " holds")
            + " up at least as well"
            + (f" (the {titles[no_pooling]} has no pooling at all)." if no_pooling in held else ".")
        )
    return f"Measured on {m.n:,} held-out digits moved (left, right, up, down), accuracy unmoved → {moves}: {rows}; {verdict}"
