"""Address (URL) parameters: parsed strictly, never trusted; a bad value becomes a message."""

from __future__ import annotations

from collections.abc import Mapping

from explorer.models.rnn import CELLS


def _first(value) -> str:
    """Streamlit gives the last value of a repeated key as str; be robust to lists too."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value)


def parse_digit_params(params: Mapping[str, object], n_samples: int) -> tuple[dict, list[str]]:
    """`?sample=N&cell=gru` → ({"sample": N, "cell": "gru"}, warnings). Unknown keys are ignored."""
    values: dict = {}
    problems: list[str] = []
    if "sample" in params:
        raw = _first(params["sample"]).strip()
        if raw.isascii() and raw.isdigit() and int(raw) < n_samples:
            values["sample"] = int(raw)
        else:
            problems.append(
                f"Ignored the address parameter sample={raw[:40]!r}: expected a whole number from 0 to {n_samples - 1}."
            )
    if "cell" in params:
        raw = _first(params["cell"]).strip().lower()
        if raw in CELLS:
            values["cell"] = raw
        else:
            problems.append(f"Ignored the address parameter cell={raw[:40]!r}: expected one of {', '.join(CELLS)}.")
    return values, problems
