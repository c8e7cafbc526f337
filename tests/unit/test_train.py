"""A few optimiser steps must lower the loss: the training loop really trains."""

import jax.numpy as jnp
import numpy as np

from explorer import models
from explorer.cli import train
from explorer.data import digits, vocab


def test_digit_training_lowers_the_loss():
    held = digits.load_heldout()
    data = digits.Digits(held.images[:256], held.labels[:256])
    model = models.build("digit-cnn", seed=0)
    x, y = jnp.asarray(digits.to_model_input(data.images)), jnp.asarray(data.labels)
    before = float(train.digit_loss(model, x, y))
    train.fit_digits(model, data, train.DigitTraining(epochs=4, batch=32), quiet=True)
    assert float(train.digit_loss(model, x, y)) < before * 0.8


def test_text_training_lowers_the_loss():
    text = vocab.normalise("the cat sat on the mat. " * 200)
    model = models.build("char-rnn-gru", seed=0)
    chunk = jnp.asarray(vocab.encode(text[:257]))[None]
    before = float(train.text_loss(model, chunk))
    train.fit_text(model, text, train.TextTraining(steps=40, batch=8, length=32, lr=1e-2), quiet=True)
    assert float(train.text_loss(model, chunk)) < before * 0.7


def test_augmentation_keeps_shape_and_values_finite():
    x = jnp.asarray(np.random.default_rng(0).random((2, 28, 28, 1), np.float32))
    out = train.augment(train.jax.random.key(0), x)
    assert out.shape == x.shape and np.isfinite(np.asarray(out)).all()
