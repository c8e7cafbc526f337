"""The Text page's update equation written out with the real numbers of one step, as LaTeX lines in which
every printed "=" holds for the printed numbers themselves (explorer.compute.printing's exact decimal checks), and
"≈" with its residual where no precision up to EQ_DECIMALS + EXTRA decimals makes a line exact.

The numbers come from explorer.compute.recurrence.step_terms, the trained cell replayed one step.
"""

from __future__ import annotations

import math
from decimal import Decimal

from explorer.compute import printing
from explorer.compute.recurrence import BLOCKS, SIGMOID_BLOCKS, StepTerms

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


def lines(terms: StepTerms, unit: int) -> list[str]:
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
    out = []
    for k in BLOCKS[terms.kind]:
        fn = r"\sigma" if k in SIGMOID_BLOCKS else r"\tanh"
        if terms.kind == "gru" and k == "n":
            sym_sum = rf"x_t W_{{x{k}}} + b_{k} + r_t \odot h_{{t-1}} W_{{h{k}}}"
            line, inner = _sum_into(fn, [xp[k], bs[k], val["r"] * hp[k]], pre[k], val[k])
            gated, holds = _product(val["r"], hp[k], line.terms[2])  # r · h rounds to the printed third term
            numeric = rf"{fn}({_sum(line.terms[:2])} + {gated}) {_rel(holds)} {inner}"
            out.append(_two_rows(rf"{sym[k]} = {fn}({sym_sum})", numeric))
            continue
        sub = "" if terms.kind == "simple" else k
        sym_sum = rf"x_t W_{{x{sub}}} + h_{{t-1}} W_{{h{sub}}} + b_{{{sub}}}" if sub else r"x_t W_x + h_{t-1} W_h + b"
        numeric = _sum_into(fn, [xp[k], hp[k], bs[k]], pre[k], val[k])[1]
        out.append(_two_rows(rf"{sym[k]} = {fn}({sym_sum})", numeric))
    if terms.kind == "gru":
        z, n = val["z"], val["n"]
        one_minus = lambda d: (f"(1 - {z:.{d}f})", 1 - Decimal(f"{z:.{d}f}"))
        numeric = _two_products([(1.0 - z, n, one_minus), (z, h_prev, None)], h)
        out.append(_two_rows(r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}", numeric))
    if terms.kind == "lstm":
        c_prev, c = float(terms.c_prev[j]), float(terms.c[j])
        numeric = _two_products([(val["f"], c_prev, None), (val["i"], val["g"], None)], c)
        out.append(_two_rows(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t", numeric))
        out.append(_two_rows(r"h_t = o_t \odot \tanh(c_t)", _output_gate(val["o"], c, h)))
    return out
