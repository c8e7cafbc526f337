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
import zlib
from collections.abc import Mapping

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


def _quoted(raw: str) -> str:
    return repr(raw[:MAX_SHOWN] + ("…" if len(raw) > MAX_SHOWN else ""))


def problem(name: str, raw: str, expected: str) -> str:
    return f"Ignored the address parameter {name}={_quoted(raw)}: expected {expected}."


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
    if raw.strip() in [str(o) for o in options]:
        return raw.strip(), None
    return None, problem(name, raw, "one of " + ", ".join(map(str, options)))


def text(params: Mapping[str, object], name: str, max_chars: int) -> tuple[str | None, str | None]:
    raw = first(params, name)
    if raw is None:
        return None, None
    if len(raw) <= max_chars:
        return raw, None
    return (
        None,
        f"Ignored the address parameter {name}: it has {len(raw):,} characters, at most {max_chars:,} are read.",
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
            problems.append(f"Ignored the address parameter sketch: {e}.")
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
