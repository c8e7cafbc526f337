"""The usual CNN-vs-RNN table, measured: every cell computed from the shipped models on this machine.

Columns (see NOTES for the sentence the page prints under each):
parameters (nnx.Param leaves), held-out score (`python -m explorer evaluate`), latency p50 at
batch 1 and 64 after compilation, training seconds per epoch (measured when the weights were
trained, read from their metadata, with how it was measured), and the memory one compiled forward
pass needs for its activations (XLA's own account of its temporary buffers and output).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.compute import evaluation
from explorer.data import corpus, digits
from explorer.models import compiled
from explorer.models.charcnn import CharCNN
from explorer.models.cnn import DigitCNN
from explorer.models.mlp import DigitMLP
from explorer.models.rnn import CharRNN, RowRNN

TEXT_LENGTH = evaluation.CHUNK  # characters a text model reads per latency / memory measurement
BATCHES = (1, 64)
LATENCY_REPEAT = 7

NOTES = {
    "parameters": "count of every number in the model's nnx.Param leaves (weights and biases).",
    "held-out score": "`python -m explorer evaluate` on data never trained on: accuracy on 1,000 MNIST digits, "
    "bits per character on the held-out docstrings (lower is better).",
    "latency": f"median of {LATENCY_REPEAT} timed forward passes after a compiled warm-up, on this machine's CPU; "
    f"a digit is one 28×28 image, a text is {TEXT_LENGTH} characters.",
    "training s/epoch": "seconds per pass over the training data, from `python -m explorer train` when the shipped "
    "weights were trained (explorer/assets/weights/*.json), on the machine that trained them. Digit models: the median "
    "measured epoch. Text models trained on random windows, not whole passes: the median measured step times the "
    "steps one pass over the training text takes (the column 'training measured as' says which).",
    "forward-pass memory": f"what XLA reserves to run one compiled forward pass at batch 1 ({TEXT_LENGTH} characters "
    "for text): its temporary buffers plus its output (the activations), not the weights or the input.",
}


@dataclass(frozen=True)
class Row:
    model: str
    parameters: int
    score_name: str  # "accuracy" or "bits/char"
    score: float | None  # None until evaluated
    latency_b1_ms: float | None  # None until measured
    latency_b64_ms: float | None
    train_s_per_epoch: float | None
    train_basis: str  # how train_s_per_epoch was measured
    forward_kib: float  # memory of one compiled forward pass: temporary buffers + output
    kind: str  # what the model is, from its class (model_kind)


def example_input(name: str, batch: int = 1) -> jax.Array:
    """A zero input of the shape the model reads: digits (B, 28, 28, 1) float32, text (B, TEXT_LENGTH) int32."""
    if name in models.DIGIT_MODELS:
        return jnp.zeros((batch, 28, 28, 1), jnp.float32)
    return jnp.zeros((batch, TEXT_LENGTH), jnp.int32)


def forward_memory_bytes(model: nnx.Module, x: jax.Array) -> int:
    """Bytes XLA reserves for one compiled forward pass model(x): temporary buffers plus output (the activations)."""
    fn, state = compiled.jit_method(model, "__call__")
    stats = fn.lower(state, x).compile().memory_analysis()
    return int(stats.temp_size_in_bytes + stats.output_size_in_bytes)


def compiled_forward(model: nnx.Module) -> Callable[[jax.Array], jax.Array]:
    """model(x) compiled with jax.jit (weights passed as an argument, so one compilation per shape)."""
    fn, state = compiled.jit_method(model, "__call__")
    return lambda x: fn(state, x)


def latency_ms(forward: Callable[[jax.Array], jax.Array], x: jax.Array, repeat: int = LATENCY_REPEAT) -> float:
    """Median wall time (ms) of forward(x), after one call that compiles and warms up."""
    jax.block_until_ready(forward(x))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(forward(x))
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def heldout_score(name: str, model: nnx.Module) -> tuple[str, float]:
    """("accuracy", fraction) for digit models, ("bits/char", value) for text models: `python -m explorer evaluate`'s figures."""
    if name in models.DIGIT_MODELS:
        held = digits.load_heldout()
        return "accuracy", evaluation.digit_accuracy(model, held.images, held.labels)
    return "bits/char", evaluation.bits_per_char(model, corpus.load_heldout())


def training_seconds_per_epoch(meta: dict) -> tuple[float | None, str]:
    """(seconds per epoch recorded by `python -m explorer train` in the weights metadata, how it was measured)."""
    training = meta.get("training", {})
    value = training.get("seconds_per_epoch")
    if value is None:
        return None, "not recorded"
    if "seconds_per_step" in training:
        return float(value), "median step × steps per pass"
    return float(value), "median epoch"


def quick_row(name: str, model: nnx.Module, meta: dict) -> Row:
    """The columns that cost nothing to compute; score taken from the metadata until `measured_row` runs."""
    recorded = meta.get("metrics", {})
    score_name = "accuracy" if name in models.DIGIT_MODELS else "bits/char"
    score = recorded.get("accuracy" if score_name == "accuracy" else "bits_per_char")
    train_s, basis = training_seconds_per_epoch(meta)
    return Row(
        name,
        models.count_params(model),
        score_name,
        None if score is None else float(score),
        None,
        None,
        train_s,
        basis,
        forward_memory_bytes(model, example_input(name)) / 1024,
        model_kind(model),
    )


def measured_row(name: str, model: nnx.Module, meta: dict, repeat: int = LATENCY_REPEAT) -> Row:
    """Every column measured now: the evaluation re-run and the latency timed at batch 1 and 64."""
    score_name, score = heldout_score(name, model)
    forward = compiled_forward(model)
    lat = [latency_ms(forward, example_input(name, b), repeat) for b in BATCHES]
    quick = quick_row(name, model, meta)
    return Row(
        name, quick.parameters, score_name, score, lat[0], lat[1], quick.train_s_per_epoch, quick.train_basis,
        quick.forward_kib, quick.kind,
    )  # fmt: skip


# What each model class is; a class not listed is an error, never a guess from the model's name.
KINDS = {
    DigitCNN: "2-D CNN",
    DigitMLP: "MLP (dense layers only)",
    RowRNN: "RNN over rows",
    CharRNN: "RNN over characters",
    CharCNN: "1-D causal CNN",
}


def model_kind(model: nnx.Module) -> str:
    """What the model is, from its class: '2-D CNN', 'MLP (dense layers only)', 'RNN over rows', … ."""
    kind = KINDS.get(type(model))
    if kind is None:
        raise ValueError(f"no kind is known for a {type(model).__name__}; add it to measured_table.KINDS")
    return kind


def table_records(rows: list[Row]) -> list[dict]:
    """Rows → display records (column title → value), rounded for reading, None where not measured yet."""
    out = []
    for r in rows:
        score = (
            None if r.score is None else round(r.score * 100, 1) if r.score_name == "accuracy" else round(r.score, 3)
        )
        rnd = lambda v, n=2: None if v is None else round(v, n)
        out.append(
            {
                "model": r.model,
                "kind": r.kind,
                "parameters": r.parameters,
                "held-out score": score,
                "score unit": "% accuracy" if r.score_name == "accuracy" else "bits/char",
                "latency batch 1 (ms)": rnd(r.latency_b1_ms),
                "latency batch 64 (ms)": rnd(r.latency_b64_ms),
                "training s/epoch": rnd(r.train_s_per_epoch),
                "training measured as": r.train_basis,
                "forward-pass memory (KiB)": rnd(r.forward_kib, 1),
            }
        )
    return out
