"""Held-out metrics of the shipped models (the command is `python -m explorer evaluate`).

Digit models: accuracy on the 1,000 held-out MNIST digits in explorer/assets/.
Text models: bits per character on the held-out docstrings in explorer/assets/, read in
independent chunks of CHUNK characters from a zero state, every position scored.
Clip models: digit, direction and joint accuracy on the 1,000 held-out clips (explorer.data.clips).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from explorer import models
from explorer.data import clips, corpus, digits, vocab
from explorer.models import compiled, weights

CHUNK = compiled.MAX_TEXT  # characters per independent chunk, read from a zero state
BARS = {"digit-cnn": ("accuracy", ">=", 0.975), "char-rnn-lstm": ("bits_per_char", "<=", 2.1)}
BEST_ROW_RNN_BAR = 0.95


def digit_accuracy(model: nnx.Module, images: np.ndarray, labels: np.ndarray, batch: int = 500) -> float:
    """Share of uint8 digits (N, 28, 28) whose largest logit is their label (N,)."""
    x = digits.to_model_input(images)
    preds = np.concatenate(
        [np.argmax(compiled.forward(model, jnp.asarray(x[i : i + batch])), -1) for i in range(0, len(x), batch)]
    )
    return float(np.mean(preds == labels))


def text_chunks(text: str, length: int = CHUNK) -> np.ndarray:
    """(N, length + 1) ids: non-overlapping windows, each with its next character."""
    ids = vocab.encode(text)
    n = (len(ids) - 1) // length
    return np.stack([ids[i * length : i * length + length + 1] for i in range(n)])


def bits_per_char(model: nnx.Module, text: str, batch: int = 64) -> float:
    """Mean next-character cross-entropy over `text`, in bits."""
    chunks = text_chunks(text)
    total, count = 0.0, 0
    for i in range(0, len(chunks), batch):
        c = jnp.asarray(chunks[i : i + batch])
        logits = compiled.forward(model, c[:, :-1])
        total += float(optax.softmax_cross_entropy_with_integer_labels(logits, c[:, 1:]).sum())
        count += c[:, 1:].size
    return total / count / math.log(2)


def predict_clips(model: nnx.Module, clip_set: np.ndarray, batch: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """uint8 or float clips (N, T, S, S) → predicted digits (N,), directions (N,)."""
    found = [
        compiled.forward(model, clips.to_model_input(clip_set[i : i + batch])) for i in range(0, len(clip_set), batch)
    ]
    return (
        np.concatenate([np.argmax(digit, -1) for digit, _ in found]),
        np.concatenate([np.argmax(direction, -1) for _, direction in found]),
    )


def clip_accuracy(model: nnx.Module, clip_set: np.ndarray, labels: np.ndarray, directions: np.ndarray) -> dict:
    """Digit, direction and joint (both right) accuracy on clips (N, T, S, S) with digits (N,), directions (N,)."""
    digit, direction = predict_clips(model, clip_set)
    right_digit, right_direction = digit == labels, direction == directions
    return {
        "digit_accuracy": float(right_digit.mean()),
        "direction_accuracy": float(right_direction.mean()),
        "joint_accuracy": float((right_digit & right_direction).mean()),
    }


def evaluate_all(folder=None) -> dict:
    held_digits = digits.load_heldout()
    held_text = corpus.load_heldout()
    out = {}
    for name in models.DIGIT_AND_TEXT_MODELS:
        model, _ = weights.load(name, folder)
        row = {"params": models.count_params(model)}
        if name in models.DIGIT_MODELS:
            row["accuracy"] = digit_accuracy(model, held_digits.images, held_digits.labels)
        else:
            row["bits_per_char"] = bits_per_char(model, held_text)
        out[name] = row
    out.update(evaluate_forecasts(folder))
    out.update(evaluate_clips(folder))
    out.update(evaluate_sentiment(folder))
    return out


def evaluate_sentiment(folder=None) -> dict:
    """The sentiment pair and VADER on the held-out movie snippets, out of domain, and under the probes."""
    from explorer.compute import sentiment

    return sentiment.evaluate(folder)


def evaluate_clips(folder=None) -> dict:
    """The four readers of a moving digit on clips of the 1,000 held-out digits: digit, direction and both right."""
    held = clips.heldout_clips()
    out = {}
    for name in models.CLIP_MODELS:
        model, _ = weights.load(name, folder)
        out[name] = {"params": models.count_params(model), **clip_accuracy(model, *held)}
    return out


def evaluate_forecasts(folder=None) -> dict:
    """The forecasting pair and the baselines on the held-out sunspot years (errors in sunspot numbers)."""
    from explorer.compute import forecasting, series_models
    from explorer.data import series as series_data

    full = series_data.load()
    start = len(series_data.split(full)[0].values)
    out = {}
    for name in models.FORECAST_MODELS:
        model, meta = weights.load(name, folder)
        found = series_models.evaluate(model, series_models.scaler_of(meta), full.values, start)
        out[name] = {
            "params": models.count_params(model),
            "mae": found.mae,
            "rmse": found.rmse,
            "rollout_mae": found.rollout_mae,
        }
    out["forecast-baselines"] = forecasting.baseline_table(full)
    return out
