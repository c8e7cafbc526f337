"""What a class-room submission carries besides the student's own input: the networks' answers.

A sketch is the 28×28 uint8 input both digit networks read (the Digit page's preprocessed canvas on MNIST's 8-bit
grid); its answers are the CNN's and the row RNN's softmax over 0–9, from each model's compiled forward pass. A
review's answers are the GRU's and the text CNN's P(positive) and VADER's compound score, from the Sentiment page's
own reading of it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from explorer.compute import sentiment
from explorer.data import digits

from .records import SIDE, Review, Sketch

CLASS_RNN = "row-rnn-lstm"  # the row RNN the Digit page shows by default (its cell selector opens on LSTM)
CLASS_CNN = "digit-cnn"

Forward = Callable[[np.ndarray], object]  # (B, 28, 28, 1) float32 in 0..1 → logits (B, 10)


def sketch_pixels(image: np.ndarray) -> np.ndarray:
    """A (28, 28) image in 0..1 → (28, 28) uint8 on MNIST's 8-bit grid, rounded as the Digit page's `sketch=`
    address rounds it (so the address of a sent sketch reproduces its answers exactly)."""
    image = np.asarray(image, np.float64)
    if image.shape != (SIDE, SIDE):
        raise ValueError(f"a sketch is {SIDE} × {SIDE}, not {image.shape}")
    return np.round(np.clip(np.nan_to_num(image), 0.0, 1.0) * 255.0).astype(np.uint8)


def softmax(logits: np.ndarray) -> np.ndarray:
    """logits (..., 10) → probabilities (..., 10) in float64 (they sum to 1 within float64 rounding)."""
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def digit_probabilities(forward: Forward, pixels: np.ndarray) -> np.ndarray:
    """pixels (28, 28) or (N, 28, 28) uint8 → (N, 10) float64 probabilities of one digit network."""
    x = digits.to_model_input(np.asarray(pixels, np.uint8).reshape(-1, SIDE, SIDE))
    return softmax(np.asarray(forward(x)))


def sketch(cnn: Forward, rnn: Forward, pixels: np.ndarray, meant: int) -> Sketch:
    """The submission for one drawn digit: its (28, 28) uint8 input, the digit the student meant, and both
    networks' probabilities on it."""
    pixels = np.asarray(pixels, np.uint8).reshape(SIDE, SIDE)
    return Sketch(pixels, int(meant), digit_probabilities(cnn, pixels)[0], digit_probabilities(rnn, pixels)[0])


def review(reading: sentiment.Reading, liked: bool, max_chars: int) -> Review:
    """The submission for one review as the Sentiment page read it: its text (cut to `max_chars`, the room's
    bound), the student's own thumbs, and the three readers' answers on the text they read."""
    return Review(
        reading.text[:max_chars],
        bool(liked),
        float(sentiment.probability(reading.rnn_logit)),
        float(sentiment.probability(reading.cnn_logit)),
        float(reading.vader_compound),
    )
