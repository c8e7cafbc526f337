"""Train the four clip models (which digit, which direction), seeded and deterministic, and write explorer/assets/weights/.

    python -m explorer.cli.train_hybrid                 # hybrid-clip, hybrid-oneframe, hybrid-earlyfusion, hybrid-pixelrnn
    python -m explorer.cli.train_hybrid --out DIR --epochs 3

Training clips: 2 per training digit (4,000 digits → 8,000 clips), directions drawn from a fixed seed.
Held-out clips: 1 per held-out digit (1,000 clips), so no held-out digit is ever seen in training.
Loss: cross-entropy(digit) + cross-entropy(direction); adamw with warm-up + cosine, as in `explorer.cli.train`.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np
import optax
from flax import nnx

from explorer import models
from explorer.cli.train import _optimizer, versions
from explorer.data import clips, digits
from explorer.models import hybrid, weights

TRAIN_CLIP_SEED = 1  # directions of the training clips
HELDOUT_CLIP_SEED = 2  # directions of the held-out clips
PER_DIGIT = 2  # training clips per training digit


@dataclass(frozen=True)
class ClipTraining:
    epochs: int = 8  # passes over the 8,000 training clips (all four: ≈ 3 min on 2 busy CPU cores)
    batch: int = 64
    lr: float = 3e-3  # peak of a warm-up + cosine schedule
    weight_decay: float = 1e-4
    seed: int = 0


def clip_loss(model: nnx.Module, x: jax.Array, y: jax.Array, d: jax.Array) -> jax.Array:
    digit, direction = model(x)
    ce = optax.softmax_cross_entropy_with_integer_labels
    return ce(digit, y).mean() + ce(direction, d).mean()


@nnx.jit
def clip_step(model, optimizer, x, y, d):
    loss, grads = nnx.value_and_grad(clip_loss)(model, x, y, d)
    optimizer.update(model, grads)
    return loss


@nnx.jit
def _predict(model, x):
    digit, direction = model(x)
    return digit.argmax(-1), direction.argmax(-1)


def predict(model: nnx.Module, clip_set: np.ndarray, batch: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """uint8 or float clips (N, T, S, S) → predicted digits (N,), directions (N,)."""
    out = [_predict(model, clips.to_model_input(clip_set[i : i + batch])) for i in range(0, len(clip_set), batch)]
    return np.concatenate([np.asarray(a) for a, _ in out]), np.concatenate([np.asarray(b) for _, b in out])


def evaluate(model: nnx.Module, clip_set: np.ndarray, labels: np.ndarray, directions: np.ndarray) -> dict:
    """Held-out digit, direction and joint (both right) accuracy."""
    digit, direction = predict(model, clip_set)
    right_digit, right_direction = digit == labels, direction == directions
    return {
        "digit_accuracy": float(right_digit.mean()),
        "direction_accuracy": float(right_direction.mean()),
        "joint_accuracy": float((right_digit & right_direction).mean()),
    }


def heldout_clips() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 1,000 held-out clips every figure is measured on (one per held-out digit, fixed directions)."""
    return clips.make_set(digits.load_heldout(), HELDOUT_CLIP_SEED, per_digit=1)


def fit_clips(model, x_all: np.ndarray, y_all: np.ndarray, d_all: np.ndarray, cfg: ClipTraining) -> dict:
    per_epoch = len(y_all) // cfg.batch
    optimizer = _optimizer(model, cfg.lr, cfg.epochs * per_epoch, cfg.weight_decay)
    rng = np.random.default_rng(cfg.seed)
    epoch_seconds = []
    loss = float("nan")
    for _ in range(cfg.epochs):
        start = time.perf_counter()
        order = rng.permutation(len(y_all))
        for i in range(per_epoch):
            idx = np.sort(order[i * cfg.batch : (i + 1) * cfg.batch])
            loss = clip_step(model, optimizer, clips.to_model_input(x_all[idx]), y_all[idx], d_all[idx])
        loss = float(loss)
        epoch_seconds.append(time.perf_counter() - start)
    # the first epoch includes compilation; the median is what one epoch costs
    return {
        "seconds": sum(epoch_seconds),
        "seconds_per_epoch": float(np.median(epoch_seconds)),
        "epochs": cfg.epochs,
        "final_loss": loss,
    }


def data_description() -> dict:
    return {
        "source": "clips of the shipped MNIST digits (explorer/assets/digits_train.npz, explorer/assets/digits_heldout.npz)",
        "split_seed": digits.SPLIT_SEED,
        "frames": clips.FRAMES,
        "size": clips.SIZE,
        "directions": list(clips.DIRECTIONS),
        "motion": "1 px per frame from the side opposite the direction; offsets 0..7, centred at 4 across",
        "train_clips": f"{PER_DIGIT} per training digit, directions from seed {TRAIN_CLIP_SEED}",
        "heldout_clips": f"1 per held-out digit, directions from seed {HELDOUT_CLIP_SEED}",
        "train_clip_seed": TRAIN_CLIP_SEED,
        "heldout_clip_seed": HELDOUT_CLIP_SEED,
        "per_digit": PER_DIGIT,
    }


def train_all(
    out: Path, cfg: ClipTraining = ClipTraining(), names=hybrid.NAMES, quiet: bool = False
) -> dict[str, dict]:
    train = digits.load_train()
    x_all, y_all, d_all = clips.make_set(train, TRAIN_CLIP_SEED, per_digit=PER_DIGIT)
    held_x, held_y, held_d = heldout_clips()
    data = {**data_description(), "train": len(y_all), "heldout": len(held_y)}
    results = {}
    for name in names:
        model = hybrid.build(name, seed=cfg.seed)
        timing = fit_clips(model, x_all, y_all, d_all, cfg)
        metrics = {**evaluate(model, held_x, held_y, held_d), "params": models.count_params(model)}
        meta = {"data": data, "metrics": metrics, "training": {**timing, **vars(cfg)}, "versions": versions()}
        weights.save(name, model, meta, out)
        results[name] = {**metrics, "seconds": timing["seconds"]}
        if not quiet:
            print(name, results[name], flush=True)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, help="folder for the weights")
    parser.add_argument("--epochs", type=int, help="passes over the training clips")
    parser.add_argument("--only", choices=hybrid.NAMES, action="append", help="train only these models")
    args = parser.parse_args(argv)
    cfg = ClipTraining(**({"epochs": args.epochs} if args.epochs else {}))
    start = time.perf_counter()
    train_all(args.out, cfg, tuple(args.only) if args.only else hybrid.NAMES)
    print(f"total {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
