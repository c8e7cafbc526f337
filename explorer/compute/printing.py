"""Numbers as printed on the pages, so that the printed text never says more than the number does.

Three rules, one function each, used by every page:
- a share (a probability, an accuracy) never prints as 0 % or 100 % unless it is exactly that (`share`);
- a value too small for float64, or a probability too close to 1, is printed from its logarithm
  (`positive_from_log`, `probability_from_logs`), so underflow never prints as "0" or "1";
- a printed sum adds up: the printed terms, added exactly (decimal arithmetic), give the printed total, or the
  line says "≈" (`sum_line`). The check is `adds_up`, on the printed strings themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

APPROX = "≈"
MAX_EXTRA_DECIMALS = 3  # a sum that does not add up at its decimals gets up to this many more


def share(fraction: float, decimals: int = 0, max_decimals: int = 6) -> str:
    """A fraction as a percentage ("42 %") with at least `decimals` decimals and more where rounding would print
    0 % or 100 % for a value that is neither: 0.9993 → "99.9 %" (not "100 %"), 0.0004 → "0.04 %"."""
    value = 100.0 * float(fraction)
    if math.isnan(value):
        return "undefined"
    d = decimals
    while d < max_decimals and value not in (0.0, 100.0):
        text = f"{value:.{d}f}"
        if Decimal(text) not in (Decimal(0), Decimal(100)):
            break
        d += 1
    text = f"{value:.{d}f}"
    if value not in (0.0, 100.0) and Decimal(text) in (Decimal(0), Decimal(100)):  # beyond max_decimals: a bound
        return f"< {Decimal(1).scaleb(-d)} %" if value < 50 else f"> {100 - Decimal(1).scaleb(-d)} %"
    return f"{text} %"


def count_share(count: int, total: int, decimals: int = 1) -> str:
    """ "309 of 1,000 (30.9 %)": a count with its share, the share never rounded to 0 % or 100 % falsely."""
    return f"{count:,} of {total:,} ({share(count / total, decimals) if total else 'none'})"


def scientific(mantissa_log10: float) -> str:
    """10 ** x written as "3.7e-9" (two significant digits) for any x, however far below float64's range."""
    exponent = math.floor(mantissa_log10)
    mantissa = 10 ** (mantissa_log10 - exponent)
    if f"{mantissa:.1f}" == "10.0":  # 9.96… rounds up into the next power
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.1f}e{exponent}"


def probability_from_logs(ln_p: float, ln_q: float, decimals: int = 4) -> str:
    """A probability p from ln p and ln(1 − p): "0.9731", or "1 − 3.7e-9" / "2.1e-12" when printing p with
    `decimals` decimals would show 1 or 0 (both logs are exact where p itself would round)."""
    p = math.exp(ln_p)
    printed = f"{p:.{decimals}f}"
    if Decimal(printed) == 1 and ln_q != -math.inf:
        return f"1 − {scientific(ln_q / math.log(10))}"
    if Decimal(printed) == 0 and ln_p != -math.inf:
        return scientific(ln_p / math.log(10))
    return printed


def positive_from_log(ln_value: float, decimals: int = 6) -> str:
    """A positive number given by its natural log: `decimals` decimals where that shows it ("0.023651"), else
    two significant digits from the logarithm ("3.7e-9", "1.2e-6484"), never "0"; "undefined" for NaN."""
    if math.isnan(ln_value):
        return "undefined"
    if ln_value == -math.inf:
        return "0"
    if ln_value > math.log(10.0 ** -(decimals - 2)):  # at least three significant digits in fixed notation
        return f"{math.exp(ln_value):.{decimals}f}"
    return scientific(ln_value / math.log(10))


def latex(printed: str) -> str:
    """A printed number for LaTeX: "1 − 3.7e-9" → "1 - 3.7 \\times 10^{-9}", "≈" → "\\approx"."""
    text = printed.replace(APPROX, r"\approx").replace("−", "-")
    return re.sub(r"(\d(?:\.\d+)?)e([+-]?\d+)", r"\1 \\times 10^{\2}", text)


def fixed(value: float, decimals: int, sign: bool = False) -> str:
    return f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"


def rounds_to(exact: Decimal | float, printed: str) -> bool:
    """Whether `printed` (a decimal numeral) is `exact` correctly rounded to the printed number of decimals."""
    shown = Decimal(printed)
    half_step = Decimal(1).scaleb(shown.as_tuple().exponent) / 2
    return abs(Decimal(exact) - shown) <= half_step


@dataclass(frozen=True)
class SumLine:
    """A printed sum: the terms and the total as printed, and "=" when the printed terms add up exactly to the
    printed total, "≈" when no precision up to MAX_EXTRA_DECIMALS more makes them (then `residual` is the
    printed total minus the printed terms' sum)."""

    terms: tuple[str, ...]
    total: str
    relation: str  # "=" or "≈"
    decimals: int
    residual: Decimal

    @property
    def rounding_note(self) -> str:
        """ "" when the line adds up; else what the printed (rounded) terms miss the printed total by."""
        if self.relation == "=":
            return ""
        return f" (the rounded terms miss the total by {self.residual:+f})"


def adds_up(terms: Sequence[str], total: str) -> bool:
    """The exact check on printed strings: Σ Decimal(term) == Decimal(total)."""
    return sum((Decimal(t) for t in terms), Decimal(0)) == Decimal(total)


def sum_line(
    terms: Sequence[float],
    total: float,
    decimals: int = 2,
    sign: bool = True,
    extra: int = MAX_EXTRA_DECIMALS,
    accept: Callable[[int], bool] | None = None,
) -> SumLine:
    """The fewest decimals (from `decimals` up to `decimals + extra`) at which every term and the total, each
    correctly rounded, add up exactly; "≈" at the last try when none does. Each printed number is the computed
    value rounded, never adjusted to make the line add up. `accept(d)` may reject a precision for another reason
    (a further printed equality that must hold too)."""
    for d in range(decimals, decimals + extra + 1):
        printed = tuple(fixed(t, d, sign) for t in terms)
        shown = fixed(total, d, sign)
        if adds_up(printed, shown) and (accept is None or accept(d)):
            return SumLine(printed, shown, "=", d, Decimal(0))
    residual = Decimal(shown) - sum((Decimal(t) for t in printed), Decimal(0))
    return SumLine(printed, shown, APPROX, d, residual)
