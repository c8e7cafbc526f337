"""Fresh inputs for simulated students: canvas images drawn stroke by stroke, and new text every action.

Every action sends something the server has never seen, so no cache can answer it.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from explorer.data import corpus, digits

CANVAS = 280  # the Digit page's canvas, in pixels


def _png_data_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def canvas_strokes(image: np.ndarray, strokes: int, rng: np.random.Generator) -> list[str]:
    """A held-out 28×28 digit (uint8) as the canvas would send it after each of `strokes` strokes.

    The digit is scaled to the 280×280 canvas (white ink on black, as drawn), shifted by a few random pixels,
    and its ink revealed in `strokes` parts from top to bottom, so stroke k shows parts 1..k: a new image
    each time, the last one the whole digit. Returns PNG data URLs (what the canvas component sends).
    """
    big = np.asarray(Image.fromarray(image).resize((CANVAS, CANVAS), Image.BILINEAR), np.float32) / 255.0
    dy, dx = rng.integers(-12, 13, size=2)
    big = np.roll(big, (int(dy), int(dx)), axis=(0, 1))
    rows = np.flatnonzero(big.max(axis=1) > 0.15)
    top, bottom = (rows.min(), rows.max() + 1) if rows.size else (0, CANVAS)
    cuts = np.linspace(top, bottom, strokes + 1).round().astype(int)
    urls = []
    for k in range(1, strokes + 1):
        shown = big.copy()
        shown[cuts[k] :] = 0.0
        grey = (np.clip(shown, 0, 1) * 255).astype(np.uint8)
        rgba = np.stack([grey, grey, grey, np.full_like(grey, 255)], axis=-1)
        urls.append(_png_data_url(rgba))
    return urls


class DigitSource:
    """Held-out digits for drawing, in a random order per student."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.heldout = digits.load_heldout()

    def next_digit(self, strokes: int) -> tuple[int, list[str]]:
        i = int(self.rng.integers(len(self.heldout.labels)))
        return int(self.heldout.labels[i]), canvas_strokes(self.heldout.images[i], strokes, self.rng)


class TextSource:
    """Slices of the held-out docstrings: real English, a different slice every time."""

    def __init__(self, seed: int, length: int = 120):
        self.rng = np.random.default_rng(seed)
        self.text = corpus.load_heldout()
        self.length = length

    def next_text(self) -> str:
        start = int(self.rng.integers(0, len(self.text) - self.length))
        return self.text[start : start + self.length]


class ReviewSource:
    """Held-out movie-review snippets in a seeded order, and each one made new: the snippet and, after it, a
    sentence of its own, so no two reviews a class types are the same."""

    def __init__(self, seed: int):
        from explorer.data import sentiment

        self.rng = np.random.default_rng(seed)
        self.texts = sentiment.load_split()[1].texts
        self.seed, self.count = seed, 0

    def next_review(self) -> str:
        self.count += 1
        text = self.texts[int(self.rng.integers(len(self.texts)))]
        return f"{text} Student {self.seed} wrote this, review {self.count}."
