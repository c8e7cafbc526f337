"""How each model family is trained: one frozen config per family, every default the one the shipped run used.

Every run uses adamw on a warm-up + cosine schedule (explorer.training.optimizer): the learning rate climbs from 0 to
`lr` over the first 5 % of the steps, then falls along a cosine to 2 % of `lr`. `clip` (where not None) caps the
global gradient norm before the update.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DigitTraining:
    """digit-cnn, digit-mlp and the row RNNs on the 4,000 training digits, augmented."""

    epochs: int = 60  # passes over the 4,000 training digits
    batch: int = 64  # digits per step: 62 steps per epoch, 3,720 in all
    lr: float = 3e-3  # peak of the warm-up + cosine schedule
    weight_decay: float = 1e-4  # adamw's decoupled decay
    seed: int = 0  # initial weights, batch order and augmentation
    clip: float | None = None  # no gradient clipping: the digit models train stably without it


@dataclass(frozen=True)
class TextTraining:
    """The char RNNs and the char CNN on random windows of the docstrings."""

    steps: int = 10000  # optimiser steps on random windows (about 15 passes over the corpus)
    batch: int = 32  # windows per step
    length: int = 128  # characters per window (truncated back-propagation length)
    lr: float = 3e-3  # peak of the warm-up + cosine schedule
    clip: float = 1.0  # global gradient-norm clip: keeps the simple RNN stable
    seed: int = 0  # initial weights and window starts
    weight_decay: float = 0.0  # none: adamw here is adam


@dataclass(frozen=True)
class SeriesTraining:
    """The forecasting pair, full batch, on the standardised training years."""

    steps: int = 300  # full-batch steps: chosen on the last 30 training years (more overfits: 245 windows)
    lr: float = 3e-3  # peak of the warm-up + cosine schedule
    weight_decay: float = 1e-4  # adamw's decoupled decay
    seed: int = 0  # initial weights (full batches: no order to draw)
    clip: float | None = None  # no gradient clipping


@dataclass(frozen=True)
class ClipTraining:
    """The four clip models (which digit, which direction) on 8,000 training clips."""

    epochs: int = 8  # passes over the 8,000 training clips (all four: ≈ 3 min on 2 busy CPU cores)
    batch: int = 64  # clips per step: 125 steps per epoch
    lr: float = 3e-3  # peak of the warm-up + cosine schedule
    weight_decay: float = 1e-4  # adamw's decoupled decay
    seed: int = 0  # initial weights and batch order
    clip: float | None = None  # no gradient clipping


@dataclass(frozen=True)
class SentimentTraining:
    """The sentiment pair on the rated review snippets, dropout on while training."""

    epochs: int = 12  # of 4, 6, 8 and 12, the best for both on the validation tenth (RNN 81.4 %, CNN 76.9 %)
    batch: int = 32  # snippets per step, padded to a multiple of explorer.compute.sentiment.BUCKET words
    lr: float = 2e-3  # peak of the warm-up + cosine schedule
    weight_decay: float = 1e-4  # adamw's decoupled decay
    seed: int = 0  # initial weights and batch order
    clip: float | None = None  # no gradient clipping


TrainingConfig = DigitTraining | TextTraining | SeriesTraining | ClipTraining | SentimentTraining
