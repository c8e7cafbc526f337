"""The fixed character vocabulary shared by every text model.

Printable ASCII (space to tilde), newline, and one "unknown" symbol. It never
depends on the corpus, so any text maps deterministically and weights trained on
one corpus run on any other.
"""

from __future__ import annotations

import numpy as np

UNKNOWN = "\N{REPLACEMENT CHARACTER}"  # shown in place of characters outside the vocabulary
CHARS: tuple[str, ...] = tuple(chr(c) for c in range(32, 127)) + ("\n", UNKNOWN)
SIZE = len(CHARS)  # 97
UNKNOWN_ID = SIZE - 1
_INDEX = {ch: i for i, ch in enumerate(CHARS[:-1])}


def encode(text: str) -> np.ndarray:
    """Text → ids, shape (len(text),) int32; characters outside the vocabulary → UNKNOWN_ID."""
    return np.fromiter((_INDEX.get(ch, UNKNOWN_ID) for ch in text), dtype=np.int32, count=len(text))


def decode(ids) -> str:
    """Ids → text; the inverse of `encode` on vocabulary text."""
    return "".join(CHARS[int(i)] for i in np.asarray(ids).reshape(-1))


def normalise(text: str) -> str:
    """What the models actually read: `text` with unknown characters replaced by UNKNOWN."""
    return decode(encode(text))


def display(ch: str) -> str:
    """A visible label for one character (for axes and tables)."""
    return {" ": "␣", "\n": "⏎"}.get(ch, ch)
