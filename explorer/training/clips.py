"""The four clip models (which digit, which direction) on clips of the 4,000 training digits.

Training clips: 2 per training digit (4,000 digits → 8,000 clips), directions drawn from a fixed seed.
Held-out clips: 1 per held-out digit (1,000 clips, explorer.data.clips.heldout_clips), so no held-out digit is ever
seen in training. Loss: cross-entropy(digit) + cross-entropy(direction).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from flax import nnx

from explorer.compute import evaluation
from explorer.data import clips, digits
from explorer.training import losses
from explorer.training.configs import ClipTraining
from explorer.training.loop import fit
from explorer.training.optimizer import make_optimizer
from explorer.training.records import train_and_record

TRAIN_CLIP_SEED = 1  # directions of the training clips
PER_DIGIT = 2  # training clips per training digit


def fit_clips(
    model: nnx.Module, x_all: np.ndarray, y_all: np.ndarray, d_all: np.ndarray, cfg: ClipTraining, quiet: bool = True
) -> dict:
    """Train in place on shuffled batches of uint8 clips x_all (N, T, S, S), digits y_all (N,), directions d_all (N,)."""
    per_epoch = len(y_all) // cfg.batch
    total = cfg.epochs * per_epoch
    rng = np.random.default_rng(cfg.seed)

    def epoch() -> Iterator[tuple]:
        order = rng.permutation(len(y_all))
        for i in range(per_epoch):
            idx = np.sort(order[i * cfg.batch : (i + 1) * cfg.batch])
            yield clips.to_model_input(x_all[idx]), y_all[idx], d_all[idx]

    log = fit(
        model,
        make_optimizer(model, cfg, total),
        losses.digit_and_direction,
        (epoch() for _ in range(cfg.epochs)),
        total_steps=total,
        quiet=quiet,
    )
    return {**log.timing(), "epochs": cfg.epochs}


def data_description() -> dict:
    return {
        "source": "clips of the shipped MNIST digits (explorer/assets/digits_train.npz, explorer/assets/digits_heldout.npz)",
        "split_seed": digits.SPLIT_SEED,
        "frames": clips.FRAMES,
        "size": clips.SIZE,
        "directions": list(clips.DIRECTIONS),
        "motion": "1 px per frame from the side opposite the direction; offsets 0..7, centred at 4 across",
        "train_clips": f"{PER_DIGIT} per training digit, directions from seed {TRAIN_CLIP_SEED}",
        "heldout_clips": f"1 per held-out digit, directions from seed {clips.HELDOUT_CLIP_SEED}",
        "train_clip_seed": TRAIN_CLIP_SEED,
        "heldout_clip_seed": clips.HELDOUT_CLIP_SEED,
        "per_digit": PER_DIGIT,
    }


def train_clips(
    names: tuple[str, ...], out: Path, cfg: ClipTraining = ClipTraining(), quiet: bool = False
) -> dict[str, dict]:
    """Train and save each clip model; its held-out digit, direction and joint accuracy."""
    x_all, y_all, d_all = clips.make_set(digits.load_train(), TRAIN_CLIP_SEED, per_digit=PER_DIGIT)
    held = clips.heldout_clips()
    data = {**data_description(), "train": len(y_all), "heldout": len(held[1])}
    found = train_and_record(
        names,
        out,
        cfg,
        data,
        lambda name, model: fit_clips(model, x_all, y_all, d_all, cfg, quiet=quiet),
        lambda model: evaluation.clip_accuracy(model, *held),
    )
    return {name: {**metrics, "seconds": timing["seconds"]} for name, (metrics, timing) in found.items()}
