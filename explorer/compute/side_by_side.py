"""Pure computations behind the Compare page: the same input through both kinds of network.

Functions take compiled trace functions (explorer.models.compiled.Reader.trace) or models,
never Streamlit, so tests can check every number against the models themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import numpy as np

from explorer.compute import printing, probes, recurrence
from explorer.data import vocab

TraceFn = Callable[[np.ndarray], object]


def row_reading(rnn_trace) -> tuple[np.ndarray, np.ndarray]:
    """A row RNN's trace (batch 1) → (hidden (28, H), probs (28, 10)): the state and read-out after each row."""
    return np.asarray(rnn_trace.hidden[0], np.float32), np.asarray(rnn_trace.probs[0], np.float32)


@dataclass(frozen=True)
class ProbeCurves:
    settings: tuple[int, ...]
    images: np.ndarray  # (N, 28, 28, 1) what each model read at each setting
    p_cnn: np.ndarray  # (N, 10)
    p_rnn: np.ndarray  # (N, 10)
    p_mlp: np.ndarray | None = None  # (N, 10): the no-structure baseline, when given


def digit_probe(cnn: TraceFn, rnn: TraceFn, probe: str, image: np.ndarray, mlp: TraceFn | None = None) -> ProbeCurves:
    """The models' probabilities at every setting of one probe; one batched forward pass each.

    cnn, rnn (and the MLP baseline's, optional): trace functions taking (N, 28, 28, 1); image (28, 28) in 0..1.
    """
    batch = probes.probe_batch(probe, image)
    p_cnn = np.asarray(cnn(batch).probs, np.float32)
    p_rnn = np.asarray(rnn(batch).probs[:, -1], np.float32)  # the row RNN's answer: after the last row
    p_mlp = None if mlp is None else np.asarray(mlp(batch).probs, np.float32)
    return ProbeCurves(probes.DIGIT_PROBES[probe].settings, batch, p_cnn, p_rnn, p_mlp)


def final_probs(trace_text: Callable[[str], object], text: str) -> np.ndarray:
    """A text model's distribution (V,) over the character that follows `text`."""
    return np.asarray(trace_text(text).probs[0, -1], np.float32)


def insertion_curve(
    trace_text: Callable[[str], object], text: str, counts: list[int], target: int, filler: str = "x"
) -> np.ndarray:
    """p(target after the text) with n filler characters inserted at its start, for each n in counts → (len(counts),)."""
    return np.array(
        [final_probs(trace_text, probes.insert_at_start(text, n, filler))[target] for n in counts], np.float32
    )


def top_chars(probs: np.ndarray, k: int = 3) -> str:
    """'e 41% · a 12% · o 9%': the k most likely characters (recurrence.top_k), written for a table cell."""
    return " · ".join(f"{vocab.display(c)} {printing.share(p)}" for c, p in recurrence.top_k(probs, k))


def variable_length(forward: Callable[[np.ndarray], object], ids: np.ndarray, lengths: list[int]) -> list[dict]:
    """The same model and weights on prefixes of different lengths: input length → output shape and next-char guess.

    forward: ids (1, T) int32 → logits (1, T, V) (the model's own __call__).
    """
    rows = []
    for n in lengths:
        logits = np.asarray(forward(np.asarray(ids[:n], np.int32)[None]))
        probs = np.asarray(jax.nn.softmax(logits[0, -1]))
        tail = "".join(vocab.display(c) for c in vocab.decode(ids[max(0, n - 12) : n]))
        rows.append(
            {
                "characters read": n,
                "ends with": ("…" if n > 12 else "") + tail,
                "output shape": str(tuple(logits.shape)),
                "next character (top 3)": top_chars(probs),
            }
        )
    return rows


def digit_size_check(model, sizes: list[int]) -> list[dict]:
    """Whether the model accepts an s×s image for each s: its output shape, or why it cannot (shapes only, nothing run)."""
    import jax.numpy as jnp

    rows = []
    for s in sizes:
        try:
            out = jax.eval_shape(lambda x: model(x), jnp.zeros((1, s, s, 1), jnp.float32))
            rows.append({"image": f"{s}×{s}", "output shape": str(tuple(out.shape)), "works": "yes"})
        except (TypeError, ValueError) as e:
            rows.append({"image": f"{s}×{s}", "output shape": "—", "works": f"no: {str(e).splitlines()[0][:90]}"})
    return rows
