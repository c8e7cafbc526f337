"""Checkpoints written while a shipped run trains: the weights at about a dozen log-spaced steps, with the held-out
score and training loss at each (explorer.models.checkpoints reads them back)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flax import nnx

from explorer.models import checkpoints, weights

COUNT = 12  # checkpoints per run, after the untrained one


def schedule(total_steps: int, count: int = COUNT) -> list[int]:
    """Log-spaced optimiser steps 0 (untrained), 1, …, total_steps: early training changes most, so it is
    sampled most densely."""
    steps = np.unique(np.round(np.geomspace(1, total_steps, count)).astype(int))
    return [0, *steps.tolist()]


@dataclass
class Recorder:
    """A run's checkpoints so far, in the layout of explorer/assets/checkpoints/<name>.npz."""

    steps: list[int] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    params: dict[str, list[np.ndarray]] = field(default_factory=dict)
    heldout_score: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, model: nnx.Module, step: int, heldout_score: float, train_loss: float, seconds: float) -> None:
        self.config = model.config.to_dict()
        self.steps.append(step)
        for key, value in weights.flat_params(model).items():
            self.params.setdefault(key, []).append(value.astype(np.float32))
        self.heldout_score.append(float(heldout_score))
        self.train_loss.append(float(train_loss))
        self.seconds.append(float(seconds))

    def save(self, name: str, folder: Path = checkpoints.DEFAULT_DIR) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.npz"
        arrays = {f"param:{k}": np.stack(v) for k, v in self.params.items()}
        np.savez_compressed(
            path,
            steps=np.asarray(self.steps, np.int64),
            heldout=np.asarray(self.heldout_score, np.float64),
            train_loss=np.asarray(self.train_loss, np.float64),
            seconds=np.asarray(self.seconds, np.float64),
            config=np.asarray(json.dumps(self.config)),
            **arrays,
        )
        return path


class Checkpointer:
    """Records a run's checkpoints at the steps of `schedule`; the time spent evaluating is not counted as training
    time, and nothing it does touches the run's random streams (the final weights stay the same)."""

    def __init__(self, total_steps: int, evaluate: Callable[[nnx.Module], float]):
        self.wanted = set(schedule(total_steps))
        self.evaluate = evaluate
        self.recorder = Recorder()
        self.losses: list = []
        self.paused = 0.0
        self.start = time.perf_counter()

    def after(self, model: nnx.Module, step: int, loss) -> None:
        """Call after optimiser step `step` (1-based; 0 before training) with that step's loss (or None)."""
        if loss is not None:
            self.losses.append(loss)
        if step in self.wanted:
            pause = time.perf_counter()
            mean = float(np.mean([float(x) for x in self.losses])) if self.losses else float("nan")
            self.recorder.add(model, step, self.evaluate(model), mean, pause - self.start - self.paused)
            self.losses = []
            self.paused += time.perf_counter() - pause


def save_folder(out: Path) -> Path:
    """Next to the weights: explorer/assets/checkpoints/ for the shipped folder, <out>/checkpoints/ otherwise."""
    return checkpoints.DEFAULT_DIR if out.resolve() == weights.DEFAULT_DIR.resolve() else out / "checkpoints"
