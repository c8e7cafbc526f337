"""The text models (the char RNNs, the char CNN) on random windows of the standard library's docstrings."""

from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
from flax import nnx

from explorer.compute import evaluation
from explorer.data import corpus, vocab
from explorer.models import checkpoints
from explorer.training import losses
from explorer.training.checkpoints import Checkpointer
from explorer.training.configs import TextTraining
from explorer.training.loop import fit
from explorer.training.optimizer import make_optimizer
from explorer.training.records import is_shipped_folder, train_and_record


def text_windows(ids: np.ndarray, rng: np.random.Generator, batch: int, length: int) -> np.ndarray:
    """(batch, length + 1) ids from random starts: each window with the character after it."""
    starts = rng.integers(0, len(ids) - length - 1, size=batch)
    return np.stack([ids[s : s + length + 1] for s in starts])


def fit_text(
    model: nnx.Module, text: str, cfg: TextTraining, desc: str = "", quiet: bool = False, held_text: str | None = None
) -> dict:
    """Train in place on cfg.steps random windows of `text`; timing figures (and, given `held_text`, the run's
    checkpoints under "checkpoints")."""
    ids = vocab.encode(text)
    rng = np.random.default_rng(cfg.seed)
    windows = ((text_windows(ids, rng, cfg.batch, cfg.length),) for _ in range(cfg.steps))
    marks = None
    if held_text is not None:
        marks = Checkpointer(cfg.steps, lambda m: evaluation.bits_per_char(m, held_text))
        marks.after(model, 0, None)
    log = fit(
        model,
        make_optimizer(model, cfg, cfg.steps),
        losses.next_character,
        [windows],  # one pass of cfg.steps windows
        total_steps=cfg.steps,
        desc=desc,
        quiet=quiet,
        after_step=marks.after if marks else None,
    )
    per_step = float(np.median(log.step_seconds[1:] or log.step_seconds))  # the first step includes compiling
    epoch_steps = len(ids) / (cfg.batch * cfg.length)  # one epoch = as many characters as the corpus holds
    return {
        "seconds": log.epoch_seconds[0],
        "seconds_per_step": per_step,
        "steps": cfg.steps,
        "seconds_per_epoch": per_step * epoch_steps,
        "final_loss": log.final_loss,
        "checkpoints": marks.recorder if marks else None,
    }


def train_text(
    names: list[str], out: Path, cfg: TextTraining = TextTraining(), corpus_file: str | None = None, quiet=False
) -> dict:
    """Train and save each text model on the docstrings (or `corpus_file`); char-rnn-lstm keeps its checkpoints."""
    if corpus_file:
        train_text, held_text = corpus.read_corpus_file(corpus_file)
        data = {"source": str(corpus_file), "heldout": "last 5 %"}
    else:
        train_text, held_text = corpus.split_texts(corpus.stdlib_docstrings())
        data = {
            "source": f"Python {platform.python_version()} standard-library docstrings",
            "heldout": f"every {corpus.HOLDOUT_EVERY}th docstring",
        }
        if is_shipped_folder(out):
            corpus.HELDOUT_FILE.write_text(held_text, encoding="utf-8")
    data.update(train_chars=len(train_text), heldout_chars=len(held_text))
    return {
        name: metrics
        for name, (metrics, _) in train_and_record(
            names,
            out,
            cfg,
            data,
            lambda name, model: fit_text(
                model, train_text, cfg, name, quiet, held_text if name in checkpoints.MODELS else None
            ),
            lambda model: {"bits_per_char": evaluation.bits_per_char(model, held_text)},
        ).items()
    }
