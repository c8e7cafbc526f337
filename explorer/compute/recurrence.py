"""Pure math behind the Text page: one step of the update equation with its real numbers,
next-character predictions, saliency over time, sampling, and the char CNN's window.

Everything here replays the trained parameters with `explorer.models.cells`, so each number the
page shows is the number the model computed (tests/unit/test_textops.py checks that).
Compiled functions take the model's graph as a static argument: every char RNN of one
architecture shares one compilation, made once per process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import printing
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


# ---------------------------------------------------------------- the equation written out


EQ_DECIMALS = 3  # every number of the equation has at least this many decimals; more only where a line needs them
EXTRA = 3  # at most this many more decimals; past that, the step says "≈" (and how far the rounded terms miss)


def _num(v: float, decimals: int = EQ_DECIMALS) -> str:
    """A factor: negative numbers in parentheses, so "a · (−b)" reads as one product."""
    return f"{v:.{decimals}f}" if v >= 0 else f"({v:.{decimals}f})"


def _sum(printed: tuple[str, ...] | list[str]) -> str:
    """Printed terms written as one sum with their signs: 0.123 - 0.456 + 0.010."""
    out = printed[0]
    for t in printed[1:]:
        out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return out


def _function(name: str, x: Decimal) -> Decimal:
    """σ or tanh of a printed number, in float64 (far finer than any printed decimal)."""
    v = float(x)
    return Decimal(1 / (1 + math.exp(-v)) if name == r"\sigma" else math.tanh(v))


def _rel(holds: bool) -> str:
    return "=" if holds else r"\approx"


def _activation(fn: str, pre: float, value: float) -> tuple[str, str, bool]:
    """fn(pre) = value, with pre printed precisely enough that fn of the printed pre rounds to the printed value."""
    shown = f"{value:.{EQ_DECIMALS}f}"
    for d in range(EQ_DECIMALS, EQ_DECIMALS + EXTRA + 1):
        if printing.rounds_to(_function(fn, Decimal(f"{pre:.{d}f}")), shown):
            return f"{pre:.{d}f}", shown, True
    return f"{pre:.{EQ_DECIMALS + EXTRA}f}", shown, False


def _sum_into(fn: str, terms: list[float], pre: float, value: float) -> tuple[printing.SumLine, str]:
    """fn(t1 + t2 + …) = fn(pre) = value: the printed terms add up exactly to the printed pre, and fn of the
    printed pre rounds to the printed value; a step that no precision up to EXTRA makes exact says ≈.
    Returns the printed sum and the LaTeX."""
    shown_value = f"{value:.{EQ_DECIMALS}f}"
    fn_holds = lambda d: printing.rounds_to(_function(fn, Decimal(f"{pre:.{d}f}")), shown_value)
    line = printing.sum_line(terms, pre, decimals=EQ_DECIMALS, sign=False, extra=EXTRA, accept=fn_holds)
    summed = printing.adds_up(line.terms, line.total)
    text = rf"{fn}({_sum(line.terms)}) {_rel(summed)} {fn}({line.total}) {_rel(fn_holds(line.decimals))} {shown_value}"
    return line, text + ("" if summed else _residual(line))


def _residual(line: printing.SumLine) -> str:
    """Where printed terms cannot add up (float32's own rounding of the sum), what they miss the total by."""
    missed = Decimal(line.total) - sum((Decimal(t) for t in line.terms), Decimal(0))
    return rf"\quad(\text{{the rounded terms miss by }}{missed:+f})"


def _product(a: float, b: float, product_text: str, a_text=None) -> tuple[str, bool]:
    """'a · b' whose printed factors multiply (exactly, in decimal) to a number that rounds to `product_text`;
    more decimals for a factor where needed. `a_text(d)` writes a differently (e.g. '(1 - z)' at d decimals) and
    gives its exact value. Returns (LaTeX, whether it rounds to the product)."""
    for extra in range(EXTRA + 1):
        da, db = _decimals_against(b) + extra, _decimals_against(a) + extra
        a_str, a_value = a_text(da) if a_text else (_num(a, da), Decimal(f"{a:.{da}f}"))
        b_str = _num(b, db)
        if printing.rounds_to(a_value * Decimal(f"{b:.{db}f}"), product_text):
            return rf"{a_str} \cdot {b_str}", True
    return rf"{a_str} \cdot {b_str}", False


def _two_products(pairs: list[tuple], total: float) -> str:
    """a·b + c·d = p + q = total: each printed product of printed factors rounds to its printed p, q, and the
    printed p + q adds up exactly to the printed total."""
    products = [a * b for a, b, _ in pairs]
    line = printing.sum_line(products, total, decimals=EQ_DECIMALS, sign=False, extra=EXTRA)
    written = [_product(a, b, shown, a_text) for (a, b, a_text), shown in zip(pairs, line.terms)]
    first = " + ".join(w for w, _ in written)
    rounded = all(ok for _, ok in written)
    summed = printing.adds_up(line.terms, line.total)
    return f"{first} {_rel(rounded)} {_sum(line.terms)} {_rel(summed)} {line.total}" + (
        "" if summed else _residual(line)
    )


def _decimals_against(other: float) -> int:
    """Decimals for a factor multiplied by `other`: enough that its rounding moves the product by < 0.0005."""
    size = abs(other)
    return EQ_DECIMALS if size < 1 else min(8, EQ_DECIMALS + math.ceil(math.log10(size + 1e-12)))


def _two_rows(symbolic: str, numeric: str) -> str:
    """The formula, then its numbers on a second row aligned under the first '='."""
    lhs, rhs = symbolic.split(" = ", 1)
    return rf"\begin{{aligned}} {lhs} &= {rhs} \\ &= {numeric} \end{{aligned}}"


def _output_gate(o: float, c: float, h: float) -> str:
    """o · tanh(c) = o · t = h: tanh of the printed c rounds to the printed t, the printed o · t rounds to h."""
    shown_h = f"{h:.{EQ_DECIMALS}f}"
    t = math.tanh(c)
    for d in range(EQ_DECIMALS, EQ_DECIMALS + EXTRA + 1):
        o_s, c_s, t_s = f"{o:.{d}f}", _num(c, d), f"{t:.{d}f}"
        tanh_holds = printing.rounds_to(_function(r"\tanh", Decimal(f"{c:.{d}f}")), t_s)
        product_holds = printing.rounds_to(Decimal(o_s) * Decimal(t_s), shown_h)
        if tanh_holds and product_holds:
            break
    t_s = _num(t, d)
    return rf"{o_s} \cdot \tanh({c_s}) {_rel(tanh_holds)} {o_s} \cdot {t_s} {_rel(product_holds)} {shown_h}"


def equation_lines(terms: StepTerms, unit: int) -> list[str]:
    """The update of hidden unit `unit` as LaTeX lines with the real numbers.

    Every printed "=" holds for the printed numbers themselves: a sum of printed terms equals the printed total
    exactly (decimal arithmetic); a product of printed factors, or σ / tanh of a printed number, rounds to the
    number printed after it. Numbers have 3 decimals, more where a step needs them (a gate times a memory of 40
    gets 5); a step that no precision up to 6 decimals makes exact is written "≈".

    Each block: name = nonlinearity(input part + recurrent part + bias) = nonlinearity(pre) = value,
    then the state update (LSTM: c and h; GRU: h). Only numbers, never user text.
    """
    j = unit
    xp = {k: float(v[j]) for k, v in terms.x_part.items()}
    hp = {k: float(v[j]) for k, v in terms.h_part.items()}
    bs = {k: float(v[j]) for k, v in terms.bias.items()}
    pre = {k: float(v[j]) for k, v in terms.pre.items()}
    val = {k: float(v[j]) for k, v in terms.value.items()}
    h_prev, h = float(terms.h_prev[j]), float(terms.h[j])
    sym = {"h": "h_t", "r": "r_t", "z": "z_t", "n": "n_t", "i": "i_t", "f": "f_t", "g": "g_t", "o": "o_t"}
    lines = []
    for k in BLOCKS[terms.kind]:
        fn = r"\sigma" if k in SIGMOID_BLOCKS else r"\tanh"
        if terms.kind == "gru" and k == "n":
            sym_sum = rf"x_t W_{{x{k}}} + b_{k} + r_t \odot h_{{t-1}} W_{{h{k}}}"
            line, inner = _sum_into(fn, [xp[k], bs[k], val["r"] * hp[k]], pre[k], val[k])
            gated, holds = _product(val["r"], hp[k], line.terms[2])  # r · h rounds to the printed third term
            numeric = rf"{fn}({_sum(line.terms[:2])} + {gated}) {_rel(holds)} {inner}"
            lines.append(_two_rows(rf"{sym[k]} = {fn}({sym_sum})", numeric))
            continue
        sub = "" if terms.kind == "simple" else k
        sym_sum = rf"x_t W_{{x{sub}}} + h_{{t-1}} W_{{h{sub}}} + b_{{{sub}}}" if sub else r"x_t W_x + h_{t-1} W_h + b"
        numeric = _sum_into(fn, [xp[k], hp[k], bs[k]], pre[k], val[k])[1]
        lines.append(_two_rows(rf"{sym[k]} = {fn}({sym_sum})", numeric))
    if terms.kind == "gru":
        z, n = val["z"], val["n"]
        one_minus = lambda d: (f"(1 - {z:.{d}f})", 1 - Decimal(f"{z:.{d}f}"))
        numeric = _two_products([(1.0 - z, n, one_minus), (z, h_prev, None)], h)
        lines.append(_two_rows(r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}", numeric))
    if terms.kind == "lstm":
        c_prev, c = float(terms.c_prev[j]), float(terms.c[j])
        numeric = _two_products([(val["f"], c_prev, None), (val["i"], val["g"], None)], c)
        lines.append(_two_rows(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t", numeric))
        lines.append(_two_rows(r"h_t = o_t \odot \tanh(c_t)", _output_gate(val["o"], c, h)))
    return lines
