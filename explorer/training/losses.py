"""Every training loss: `loss(model, *batch) -> scalar`, the signature the fit loop differentiates."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from explorer.training.augment import augment


def classification(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    """Mean cross-entropy of the logits model(x) (B, C) against integer labels y (B,)."""
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()


def augmented_classification(model: nnx.Module, key: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
    """`classification` on digits (B, 28, 28, 1) rotated, scaled and shifted at random from `key`."""
    return classification(model, augment(key, x), y)


def next_character(model: nnx.Module, chunk: jax.Array) -> jax.Array:
    """chunk (B, T + 1) ids: mean cross-entropy of predicting each next character from those before it."""
    return optax.softmax_cross_entropy_with_integer_labels(model(chunk[:, :-1]), chunk[:, 1:]).mean()


def squared_error(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    """Mean squared error of model(x) (B,) against y (B,), in standardised units."""
    return jnp.mean((model(x) - y) ** 2)


def digit_and_direction(model: nnx.Module, x: jax.Array, y: jax.Array, d: jax.Array) -> jax.Array:
    """Clip models: cross-entropy of the digit (y, B) plus cross-entropy of the direction (d, B)."""
    digit, direction = model(x)
    ce = optax.softmax_cross_entropy_with_integer_labels
    return ce(digit, y).mean() + ce(direction, d).mean()


def binary(model: nnx.Module, ids: jax.Array, y: jax.Array) -> jax.Array:
    """Mean binary cross-entropy of the log-odds model(ids) (B,) against 0/1 labels y (B,)."""
    return optax.sigmoid_binary_cross_entropy(model(ids), y).mean()
