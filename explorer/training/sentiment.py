"""The sentiment pair (word-by-word GRU, Kim-style n-gram CNN) on rated movie-review snippets.

The data is read from the vaderSentiment source distribution (see explorer.data.sentiment), written to
explorer/assets/sentiment/ with its fixed held-out split and the training vocabulary, and never read again from the
archive. Loss: binary cross-entropy on the final logit. The epochs were chosen on a validation tenth of the training
split (seeded), never on the held-out fifth.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import sentiment
from explorer.data import sentiment as data
from explorer.training import losses
from explorer.training.configs import SentimentTraining
from explorer.training.loop import fit
from explorer.training.optimizer import make_optimizer
from explorer.training.records import is_shipped_folder, train_and_record

VADER_VERSION = "3.3.2"


def fetch_sdist(folder: Path) -> Path:
    """The vaderSentiment source distribution, downloaded by pip from the package index."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"vaderSentiment=={VADER_VERSION}", "--no-deps"]
        + ["--no-binary", ":all:", "-q", "-d", str(folder)],
        check=True,
    )
    return next(folder.glob("vaderSentiment-*.tar.gz"))


def _pad(rows: list[np.ndarray]) -> np.ndarray:
    """Word ids of several snippets → (B, T) with T a multiple of sentiment.BUCKET (at least 4 words)."""
    ids = np.zeros((len(rows), max(4, max(len(x) for x in rows))), np.int32)
    for i, x in enumerate(rows):
        ids[i, : len(x)] = x
    return sentiment.padded(ids)


def fit_sentiment(
    model: nnx.Module, vocab: data.Vocab, train: data.Snippets, cfg: SentimentTraining, desc="", quiet=False, valid=None
) -> dict:
    """Shuffled mini-batches, each padded to a multiple of sentiment.BUCKET words; dropout on while training.
    Given `valid`, the accuracy on it after every epoch (under "valid")."""
    encoded = [vocab.encode(t)[: data.MAX_WORDS] for t in train.texts]
    labels = train.labels.astype(np.float32)
    rng = np.random.default_rng(cfg.seed)
    per_epoch = -(-len(encoded) // cfg.batch)
    steps = cfg.epochs * per_epoch
    history = []

    def epoch() -> Iterator[tuple]:
        order = rng.permutation(len(encoded))
        for b in range(per_epoch):
            idx = order[b * cfg.batch : (b + 1) * cfg.batch]
            yield jnp.asarray(_pad([encoded[i] for i in idx])), jnp.asarray(labels[idx])

    def validate(m: nnx.Module) -> dict:
        if valid is None:
            return {}
        history.append(sentiment.accuracy(sentiment.logits(m, vocab, valid.texts) > 0, valid.labels))
        return {"valid": f"{history[-1]:.3f}"}

    log = fit(
        model,
        make_optimizer(model, cfg, steps),
        losses.binary,
        (epoch() for _ in range(cfg.epochs)),
        total_steps=steps,
        desc=desc,
        quiet=quiet,
        after_epoch=validate,
    )
    return {"seconds": sum(log.epoch_seconds), "steps": steps, "final_loss": log.final_loss, "valid": history}


def validation_split(train: data.Snippets, seed: int = 1) -> tuple[data.Snippets, data.Snippets]:
    """(fit, validation): a seeded tenth of the training split, for choosing epochs and sizes."""
    order = np.random.default_rng(seed).permutation(len(train))
    cut = len(train) // 10
    return train.subset(np.sort(order[cut:])), train.subset(np.sort(order[:cut]))


def prepare_data(sdist: Path | None, folder: Path = data.FOLDER) -> None:
    """Read the archive, write the shipped sets and the training vocabulary."""
    with tempfile.TemporaryDirectory() as tmp:
        sdist = sdist or fetch_sdist(Path(tmp))
        data.save(data.from_sdist(sdist), folder)
    train, _ = data.load_split(folder)
    data.save_vocab(data.build_vocab(train.texts), folder / data.VOCAB_FILE.name)


def train_sentiment(
    names: tuple[str, ...],
    out: Path,
    cfg: SentimentTraining = SentimentTraining(),
    sdist: Path | None = None,
    quiet: bool = False,
    validate: bool = False,
) -> dict:
    """Train each model (and save it, unless `validate`: then on 90 % of the training split, scored on the rest)."""
    if is_shipped_folder(out) or not (data.FOLDER / "movie.tsv.gz").exists():
        prepare_data(sdist)
    vocab = data.Vocab.load()
    train, held = data.load_split()
    fit_set, valid = validation_split(train) if validate else (train, None)
    info = {
        "source": data.CREDIT,
        "train": len(train),
        "heldout": len(held),
        "vocab": vocab.size,
        "min_rating": data.MIN_RATING,
        "split_seed": data.SPLIT_SEED,
    }
    found = train_and_record(
        names,
        out,
        cfg,
        info,
        lambda name, model: fit_sentiment(model, vocab, fit_set, cfg, desc=name, quiet=quiet, valid=valid),
        lambda model: {"accuracy": sentiment.accuracy(sentiment.logits(model, vocab, held.texts) > 0, held.labels)},
        save=not validate,
    )
    return {name: {**metrics, "valid": timing["valid"]} for name, (metrics, timing) in found.items()}
