"""Address (URL) parameters: parsed strictly, never trusted; a bad value becomes a message naming the parameter
and its valid range, and the rest of the view still opens.

Most of a view's state lives in widgets bound to the address (`bind="query-params"`, the widget's key is the
parameter's name): Streamlit writes them as the user changes them and seeds the widgets from them when a page
opens. Streamlit silently drops a value a widget cannot take; `check` says why, before the widgets are drawn.
The Digit page's input (a held-out sample or the user's own sketch) is no widget: it is written here by hand.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import zlib
from collections.abc import Iterable, Mapping, MutableMapping

import numpy as np

from explorer.models.rnn import CELL_TITLES

CELL_BY_TITLE = {title: cell for cell, title in CELL_TITLES.items()}  # the address names a cell as shown

MAX_SKETCH_CHARS = 4000  # an encoded 28 × 28 sketch is a few hundred characters; anything longer is not one
MAX_SHOWN = 40  # characters of a bad value quoted back in a warning


def first(params: Mapping[str, object], name: str) -> str | None:
    """The parameter's value as text (the last one when repeated), or None when it is absent."""
    if name not in params:
        return None
    value = params[name]
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value)


_MARKUP = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark escapes each with "\\"


def literal(value: object, max_chars: int | None = MAX_SHOWN) -> str:
    """Any user- or address-supplied text as markdown that shows exactly that text, never markup: cut to
    `max_chars`, invisible and control characters (newlines, right-to-left overrides) written as escapes, and
    every ASCII punctuation character backslash-escaped, so that no link, image, HTML tag, entity, heading,
    list, LaTeX ($), colour or icon directive (:red[…], :material/…:) can form. The one helper every page uses
    to quote a value back on screen."""
    text = str(value)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars] + "…"
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return _MARKUP.sub(r"\\\1", text)


def _quoted(raw: str) -> str:
    return f"“{literal(raw)}”"


class Problem(str):
    """A warning about one address parameter, as markdown that shows every quoted value literally (what
    st.warning is given). It also knows the parameter's name, so that the bad value can be dropped from the
    address before the widget bound to it reads it, and its `plain` text, for messages that are not markdown."""

    name: str
    plain: str

    def __new__(cls, message: str, name: str, plain: str | None = None) -> Problem:
        made = super().__new__(cls, message)
        made.name, made.plain = name, message if plain is None else plain
        return made


def problem(name: str, raw: str, expected: str) -> Problem:
    shown = raw[:MAX_SHOWN] + ("…" if len(raw) > MAX_SHOWN else "")
    plain = f"Ignored the address parameter {name}={shown!r}: expected {expected}."
    return Problem(
        f"Ignored the address parameter {name}={_quoted(raw)}: expected {literal(expected, None)}.", name, plain
    )


def settle(
    params: MutableMapping[str, str], problems: Iterable[str], options: Mapping[str, Iterable] | None = None
) -> None:
    """Make the live address safe for the widgets bound to it, before they are drawn: drop every parameter a
    problem names (Streamlit would fail on `inf` or an empty value, or keep a stale one), and write each option
    given in another case (`cell=gru`) in the option's own spelling (`cell=GRU`), which is all a bound widget
    matches. `options`: parameter → its options, for the parameters bound to option widgets."""
    for bad in problems:
        name = getattr(bad, "name", None)
        if name is not None and name in params:
            _write(params, name, None)
    for name, choices in (options or {}).items():
        raw = first(params, name)
        if raw is None:
            continue
        exact = _matching(raw, choices)
        if exact is not None and exact != raw:
            _write(params, name, exact)


def _write(params: MutableMapping[str, str], name: str, value: str | None) -> None:
    """Set (or with None, delete) one address parameter; one already bound to a widget is that widget's."""
    try:
        if value is None:
            del params[name]
        else:
            params[name] = value
    except Exception:  # StreamlitAPIException: bound in an earlier run, its widget already holds a good value
        return
    _reseed(params, name, value)


def _reseed(params: MutableMapping[str, str], name: str, value: str | None) -> None:
    """Streamlit seeds a bound widget from the address as it stood when the page loaded, not as it stands now
    (and `number_input` raises OverflowError on `inf` while doing so): the settled value replaces that snapshot
    too. Streamlit has no public call for this; without the attribute, the address alone is settled."""
    import streamlit as st

    if params is not st.query_params:
        return
    from streamlit.runtime.state.session_state_proxy import get_session_state

    with get_session_state().query_params() as live:
        initial = getattr(live, "_initial_query_params", None)
        if isinstance(initial, dict):
            if value is None:
                initial.pop(name, None)
            else:
                initial[name] = [value]


def _matching(raw: str, options) -> str | None:
    """The option `raw` names, in the option's own spelling: exactly, else ignoring case and outer spaces."""
    shown = [str(o) for o in options]
    wanted = raw.strip()
    if wanted in shown:
        return wanted
    folded = [o for o in shown if o.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None


def whole(params: Mapping[str, object], name: str, lo: int, hi: int) -> tuple[int | None, str | None]:
    """An integer lo…hi (inclusive) → (value, None); absent → (None, None); bad → (None, message)."""
    raw = first(params, name)
    if raw is None:
        return None, None
    text = raw.strip()
    digits = text[1:] if text[:1] == "-" else text
    if digits.isascii() and digits.isdigit() and len(digits) <= 12 and lo <= int(text) <= hi:
        return int(text), None
    return None, problem(name, raw, f"a whole number from {lo} to {hi}")


def number(params: Mapping[str, object], name: str, lo: float, hi: float) -> tuple[float | None, str | None]:
    raw = first(params, name)
    if raw is None:
        return None, None
    try:
        value = float(raw.strip()) if len(raw) <= 32 else math.nan
    except ValueError:
        value = math.nan
    if math.isfinite(value) and lo <= value <= hi:
        return value, None
    return None, problem(name, raw, f"a number from {lo:g} to {hi:g}")


def choice(params: Mapping[str, object], name: str, options) -> tuple[str | None, str | None]:
    raw = first(params, name)
    if raw is None:
        return None, None
    exact = _matching(raw, options)
    if exact is not None:
        return exact, None
    return None, problem(name, raw, "one of " + ", ".join(map(str, options)))


def text(params: Mapping[str, object], name: str, max_chars: int) -> tuple[str | None, str | None]:
    raw = first(params, name)
    if raw is None:
        return None, None
    if len(raw) <= max_chars:
        return raw, None
    return (
        None,
        Problem(
            f"Ignored the address parameter {name}: it has {len(raw):,} characters, at most {max_chars:,} are read.",
            name,
        ),
    )


def parse_digit_params(params: Mapping[str, object], n_samples: int) -> tuple[dict, list[str]]:
    """The Digit page's input from the address: `sample=N` (a held-out digit) or `sketch=…` (a shared drawing),
    and `cell`. Returns (values, warnings); unknown keys are ignored."""
    values: dict = {}
    problems: list[str] = []
    sample, bad = whole(params, "sample", 0, n_samples - 1)
    problems += [bad] if bad else []
    raw = first(params, "sketch")
    if sample is not None:
        values["sample"] = sample
    elif raw is not None:
        try:
            values["sketch"] = decode_sketch(raw)
        except ValueError as e:
            problems.append(Problem(f"Ignored the address parameter sketch: {e}.", "sketch"))
    cell, bad = choice(params, "cell", list(CELL_BY_TITLE))
    if cell is not None:
        values["cell"] = CELL_BY_TITLE[cell]
    problems += [bad] if bad else []
    return values, problems


# ---------------------------------------------------------------- a 28 × 28 sketch in a few hundred characters


def quantised(image: np.ndarray) -> np.ndarray:
    """A 0…1 image on MNIST's own 8-bit grid (k / 255): what the models read from a sketch, so that the sketch
    written into the address gives exactly the same prediction when the address is opened elsewhere."""
    return np.round(np.clip(np.asarray(image, np.float64), 0.0, 1.0) * 255.0).astype(np.float32) / 255.0


def encode_sketch(image: np.ndarray) -> str:
    """(28, 28) in 0…1 → URL-safe text: 8-bit pixels, zlib-compressed (mostly black), base64url without padding."""
    pixels = np.round(np.clip(np.asarray(image, np.float64), 0.0, 1.0) * 255.0).astype(np.uint8)
    if pixels.shape != (28, 28):
        raise ValueError(f"a sketch is 28 × 28, not {pixels.shape}")
    return base64.urlsafe_b64encode(zlib.compress(pixels.tobytes(), 9)).decode("ascii").rstrip("=")


def decode_sketch(raw: str) -> np.ndarray:
    """The inverse of `encode_sketch`: (28, 28) float32 on the k / 255 grid. Raises ValueError saying what is
    wrong (too long, not base64url, not compressed data, not 784 pixels, no ink)."""
    raw = raw.strip()
    if not raw or len(raw) > MAX_SKETCH_CHARS:
        raise ValueError(f"expected an encoded 28 × 28 sketch of 1 to {MAX_SKETCH_CHARS:,} characters")
    try:
        packed = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True)
        data = zlib.decompressobj().decompress(packed, 28 * 28 + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise ValueError("it is not a sketch this app wrote (not compressed base64url)") from None
    if len(data) != 28 * 28:
        raise ValueError(f"it holds {len(data)} pixels, a sketch has 784")
    pixels = np.frombuffer(data, np.uint8).reshape(28, 28)
    if not pixels.any():
        raise ValueError("the sketch is empty")
    return pixels.astype(np.float32) / 255.0
