"""Pure math behind the Text page: one step of the update equation with its real numbers,
next-character predictions, saliency over time, sampling, and the char CNN's window (the equation as printed,
with each "=" exact, is explorer.compute.update_equation).

Everything here replays the trained parameters with `explorer.models.cells`, so each number the
page shows is the number the model computed (tests/unit/test_recurrence.py checks that).
Compiled functions take the model's graph as a static argument: every char RNN of one
architecture shares one compilation, made once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.data import vocab
from explorer.models import cells, compiled
from explorer.models.charcnn import CharCNNConfig
from explorer.models.rnn import CharRNN, RNNTrace

MAX_CHARS = 200  # the Text page reads at most this many characters (stated on the page)
MAX_GENERATE = 200  # at most this many sampled characters per continuation
TEMPERATURE_RANGE = (0.1, 2.0)

BLOCKS = {"simple": ("h",), "gru": cells.GATES["gru"], "lstm": cells.GATES["lstm"]}
GATE_TITLES = {
    "h": "new state h",
    "r": "reset r",
    "z": "update z",
    "n": "candidate n",
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
}
SIGMOID_BLOCKS = {"r", "z", "i", "f", "o"}  # the rest (h, n, g) go through tanh


# ---------------------------------------------------------------- the text itself


@dataclass(frozen=True)
class PreparedText:
    text: str  # what the models read: at most `limit` characters, unknown ones as vocab.UNKNOWN
    original_length: int  # characters the user gave
    cut: bool  # True when the input was longer than the limit and was cut
    unknown: int  # characters outside the vocabulary (read as the unknown symbol)
    blank: bool  # nothing but whitespace (or nothing at all): there is nothing worth reading

    @property
    def ids(self) -> np.ndarray:
        """(T,) int32."""
        return vocab.encode(self.text)


def prepare_text(raw: str | None, limit: int = MAX_CHARS) -> PreparedText:
    """Cut to `limit` characters and map characters outside the vocabulary to the unknown symbol."""
    raw = raw or ""
    kept = raw[:limit]
    ids = vocab.encode(kept)
    return PreparedText(
        vocab.decode(ids), len(raw), len(raw) > limit, int(np.sum(ids == vocab.UNKNOWN_ID)), not kept.strip()
    )


def top_k(probs: np.ndarray, k: int = 5) -> list[tuple[str, float]]:
    """probs (V,) → the k most likely next characters, most likely first, as (character, probability)."""
    probs = np.asarray(probs, np.float32)
    order = np.argsort(-probs, kind="stable")[:k]
    return [(vocab.CHARS[int(i)], float(probs[i])) for i in order]


# ---------------------------------------------------------------- the update equation at step t


@dataclass(frozen=True)
class StepTerms:
    """Every term of one cell update, per block (simple: "h"; GRU: r, z, n; LSTM: i, f, g, o). Arrays (H,)."""

    kind: str
    x_part: dict  # block → x_t W_x (the input's contribution)
    h_part: dict  # block → h_{t-1} W_h (the previous state's contribution)
    bias: dict  # block → b
    pre: dict  # block → the pre-activation that goes into the nonlinearity (GRU n: x_n + b_n + r ⊙ h_n)
    value: dict  # block → after its nonlinearity (sigmoid for gates, tanh for h, n, g)
    h_prev: np.ndarray
    c_prev: np.ndarray | None  # LSTM only
    h: np.ndarray  # the new hidden state h_t
    c: np.ndarray | None  # LSTM only: the new memory c_t


@jax.jit
def _step_terms(w: cells.CellWeights, x: jax.Array, h_prev: jax.Array, c_prev: jax.Array):
    kind = w.kind
    xw, hw, b = cells.cell_parts(w, x, h_prev)
    xs, hs, bs = cells.split_blocks(xw, kind), cells.split_blocks(hw, kind), cells.split_blocks(b, kind)
    names = BLOCKS[kind]
    x_part, h_part, bias = dict(zip(names, xs)), dict(zip(names, hs)), dict(zip(names, bs))
    pre, value, h, c = cells.cell_update(kind, xw, hw, b, h_prev, c_prev)  # the cell's own update
    return x_part, h_part, bias, pre, value, h, c


def step_terms(w: cells.CellWeights, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray | None = None) -> StepTerms:
    """The update at one step. x (D,) the embedded character, h_prev (H,), c_prev (H,) for LSTM."""
    c_in = np.zeros_like(h_prev) if c_prev is None else c_prev
    out = _step_terms(w, jnp.asarray(x, jnp.float32), jnp.asarray(h_prev, jnp.float32), jnp.asarray(c_in, jnp.float32))
    x_part, h_part, bias, pre, value, h, c = jax.tree_util.tree_map(np.asarray, out)
    return StepTerms(
        w.kind,
        x_part,
        h_part,
        bias,
        pre,
        value,
        np.asarray(h_prev, np.float32),
        None if w.kind != "lstm" else np.asarray(c_in, np.float32),
        h,
        c,
    )


def terms_at(w: cells.CellWeights, trace: RNNTrace, t: int) -> StepTerms:
    """The update equation at step t of a traced text (batch 1), starting from the traced h_{t-1}."""
    hidden = np.asarray(trace.hidden[0])
    h_prev = hidden[t - 1] if t > 0 else np.zeros_like(hidden[0])
    c_prev = None
    if w.kind == "lstm":
        cell = np.asarray(trace.cell[0])
        c_prev = cell[t - 1] if t > 0 else np.zeros_like(cell[0])
    return step_terms(w, np.asarray(trace.inputs[0, t]), h_prev, c_prev)


def recurrent_contributions(
    w: cells.CellWeights, h_prev: np.ndarray, block: str, unit: int, k: int = 5
) -> tuple[list[tuple[int, float, float, float]], float]:
    """The k largest terms h_{t-1}[j] · W_h[j, unit] of one block's recurrent part, and the sum of the rest.

    Returns ([(j, h_{t-1}[j], W_h[j, unit], product), ...] by |product|, rest). The products plus
    `rest` add up to the block's h_part[unit].
    """
    names = BLOCKS[w.kind]
    hidden = w.hidden
    col = np.asarray(w.w_h)[:, names.index(block) * hidden + unit]  # (H,)
    products = np.asarray(h_prev, np.float32) * col
    order = np.argsort(-np.abs(products), kind="stable")
    top = [(int(j), float(h_prev[j]), float(col[j]), float(products[j])) for j in order[:k]]
    return top, float(products[order[k:]].sum())


# ---------------------------------------------------------------- generation


@dataclass(frozen=True)
class Generation:
    ids: np.ndarray  # (N,) the sampled characters
    p_sampled: np.ndarray  # (N,) each one's probability in the distribution it was drawn from (after temperature)
    p_model: np.ndarray  # (N,) each one's probability under the model itself (temperature 1)

    @property
    def text(self) -> str:
        return vocab.decode(self.ids)


@partial(jax.jit, static_argnums=0)
def _generate(graphdef, state, ids: jax.Array, n: jax.Array, temperature: jax.Array, key: jax.Array):
    model = nnx.merge(graphdef, state)
    w = model.weights()
    embedded = model.embed(ids)  # (L, E)

    def read(carry, step):  # reads the prompt; the carry stops changing after its last character
        x, s = step
        new, _ = cells.cell_step(w, carry, x[None])
        return jax.tree_util.tree_map(lambda a, b: jnp.where(s < n, a, b), new, carry), None

    carry, _ = jax.lax.scan(read, cells.zero_carry(w.kind, 1, w.hidden), (embedded, jnp.arange(ids.shape[0])))

    def sample(carry, k):
        h = carry[1] if w.kind == "lstm" else carry
        logits = model.head(h[0])  # (V,)
        scaled = logits / temperature
        nxt = jax.random.categorical(k, scaled)
        new, _ = cells.cell_step(w, carry, model.embed(nxt)[None])
        return new, (nxt, jax.nn.softmax(scaled)[nxt], jax.nn.softmax(logits)[nxt])

    _, out = jax.lax.scan(sample, carry, jax.random.split(key, MAX_GENERATE))
    return out


def generate(model: CharRNN, prompt: np.ndarray, length: int, temperature: float = 1.0, seed: int = 0) -> Generation:
    """Continue `prompt` (T,) ids by sampling `length` characters (1..MAX_GENERATE), seeded, at `temperature`.

    The same (prompt, length, temperature, seed) always gives the same characters.
    """
    if not 1 <= length <= MAX_GENERATE:
        raise ValueError(f"length must be 1 to {MAX_GENERATE}, got {length}")
    lo, hi = TEMPERATURE_RANGE
    if not lo <= temperature <= hi:
        raise ValueError(f"temperature must be {lo} to {hi}, got {temperature}")
    prompt = np.asarray(prompt, np.int32).reshape(-1)
    graphdef, state = compiled.split_once(model)
    ids, p_s, p_m = _generate(
        graphdef,
        state,
        jnp.asarray(compiled.pad_ids(prompt)),
        jnp.int32(len(prompt)),
        jnp.float32(temperature),
        jax.random.key(seed),
    )
    return Generation(np.asarray(ids[:length], np.int32), np.asarray(p_s[:length]), np.asarray(p_m[:length]))


# ---------------------------------------------------------------- the causal CNN's window


def cnn_window(config: CharCNNConfig, t: int) -> tuple[int, int]:
    """The positions (first, last), inclusive, that the char CNN's prediction at step t reads."""
    return max(0, t - config.receptive_field + 1), t
