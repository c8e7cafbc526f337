"""A figure's text alternative, read from the same spec (traces and layout) the figure is drawn from: what it
shows (its title, or its subplots' titles) and the numbers a student needs, one sentence per trace.

A screen reader cannot read a Plotly chart (it hears the tick labels: "100% 0 1 2 3 …"); this is what it reads
instead. Short series are given value by value (ten probabilities, a loss curve's few points are not); long ones
and grids by their size, range and where the extreme lies, so the text stays a few sentences.
"""

from __future__ import annotations

import re

import numpy as np

MAX_LISTED = 24  # a bar chart or line with at most this many points is read value by value
MAX_TRACES = 8  # traces described one by one; the rest are counted
MAX_CHARS = 1500  # the whole alternative, cut at a sentence's end beyond this

_TAG = re.compile(r"<[^>]*>")


def plain(text) -> str:
    """A Plotly label as plain text: tags (<br>, <b>, <sup>) become spaces, runs of space one."""
    return " ".join(_TAG.sub(" ", str(text)).split())


def _number(v: float, percent: bool) -> str:
    if not np.isfinite(v):
        return "none"
    if percent:
        return f"{v:.1%}" if abs(v) < 0.995 or v == 1 else f"{v:.0%}"
    return f"{v:.3g}"


def _values(v) -> np.ndarray | None:
    """A trace's numbers as float64, or None where they are not numbers (category labels)."""
    if v is None:
        return None
    try:
        out = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return out


def _labels(v, n: int) -> list[str]:
    """Positions as text: given labels, or 0, 1, … when the trace has none."""
    if v is None:
        return [str(i) for i in range(n)]
    return [
        f"{x:g}" if isinstance(x, int | float | np.number) else plain(x)
        for x in np.asarray(v, dtype=object).reshape(-1)[:n]
    ]


def _is_percent(layout: dict, axis_ref: str) -> bool:
    """The axis the values are drawn on shows them as percentages (tickformat with %)."""
    name = "yaxis" if axis_ref in ("", "y") else f"yaxis{axis_ref[1:]}"
    fmt = (layout.get(name) or {}).get("tickformat") or ""
    return "%" in str(fmt)


def _series(labels: list[str], values: np.ndarray, percent: bool) -> str:
    """value by value when short; else the count, the range and where the largest is."""
    finite = np.isfinite(values)
    if not finite.any():
        return f"{values.size} points, none with a value yet"
    if values.size <= MAX_LISTED:
        said = ", ".join(f"{lab}: {_number(v, percent)}" for lab, v in zip(labels, values))
    else:
        said = (
            f"{values.size} points from {labels[0]} to {labels[-1]}, first {_number(values[0], percent)}, "
            f"last {_number(values[-1], percent)}"
        )
    top = int(np.nanargmax(np.where(finite, values, np.nan)))
    low = int(np.nanargmin(np.where(finite, values, np.nan)))
    return f"{said}; highest {_number(values[top], percent)} at {labels[top]}, lowest {_number(values[low], percent)} at {labels[low]}"


def _grid(trace: dict) -> str:
    z = _values(trace.get("z"))
    if z is None or z.size == 0:
        return "an empty grid"
    if z.ndim == 1:
        z = z[None, :]
    rows, cols = z.shape[:2]
    finite = np.isfinite(z)
    if not finite.any():
        return f"a grid of {rows} × {cols} cells, none with a value yet"
    r, c = np.unravel_index(int(np.nanargmax(np.where(finite, z, np.nan))), z.shape)
    xs, ys = _labels(trace.get("x"), cols), _labels(trace.get("y"), rows)
    where = f"row {ys[r]}, column {xs[c]}"
    return (
        f"a grid of {rows} × {cols} cells, values from {np.nanmin(z):.3g} to {np.nanmax(z):.3g}, the largest at {where}"
    )


def _trace(trace: dict, layout: dict) -> str:
    kind = trace.get("type", "scatter")
    name = plain(trace.get("name") or "")
    lead = f"{name}: " if name else ""
    if kind == "image":
        shape = np.shape(trace.get("z") if trace.get("z") is not None else [])
        return f"{lead}an image of {shape[0]} × {shape[1]} pixels" if len(shape) >= 2 else f"{lead}an image"
    if kind == "heatmap":
        return lead + _grid(trace)
    if kind in ("bar", "scatter", "scattergl"):
        horizontal = trace.get("orientation") == "h"
        values = _values(trace.get("x" if horizontal else "y"))
        if values is None:  # text-only marks (a diagram's labels): read the labels
            texts = trace.get("text")
            if texts is None:
                return lead + "marks"
            words = [plain(t) for t in np.asarray(texts, dtype=object).reshape(-1)[:MAX_LISTED] if plain(t)]
            return lead + "labels " + ", ".join(words)
        values = values.reshape(-1)
        labels = _labels(trace.get("y" if horizontal else "x"), values.size)
        percent = _is_percent(layout, trace.get("yaxis", "y")) and not horizontal
        what = "bars" if kind == "bar" else ("points" if "lines" not in str(trace.get("mode", "lines")) else "a line")
        return f"{lead}{what}, {_series(labels, values, percent)}"
    return f"{lead}a {kind} trace"


def _decoration(trace: dict) -> bool:
    """A line or marker drawn to point at something (a window's outline, a cursor), not data: it has no hover."""
    return trace.get("type", "scatter") in ("scatter", "scattergl") and trace.get("hoverinfo") == "skip"


def title_of(layout: dict) -> str:
    """The figure's title, else its subplots' titles joined, else ""."""
    title = layout.get("title")
    text = plain(title.get("text", "") if isinstance(title, dict) else title or "")
    if text:
        return text
    return "; ".join(plain(a.get("text", "")) for a in layout.get("annotations") or [] if plain(a.get("text", "")))


def describe(spec: dict, summary: str | None = None) -> str:
    """The text alternative of a figure spec {"data": [trace dicts], "layout": {...}, "frames"?}: "Chart: title.",
    the caller's `summary` (what it means, in the page's words) if any, then each trace's numbers; at most
    MAX_CHARS characters."""
    layout = spec.get("layout") or {}
    traces = [t for t in spec.get("data") or [] if t.get("visible", True) is not False and not _decoration(t)]
    parts = [f"Chart: {title_of(layout) or 'untitled'}."]
    if summary:
        parts.append(summary.strip().rstrip(".") + ".")
    for trace in traces[:MAX_TRACES]:
        parts.append(_trace(trace, layout) + ".")
    if len(traces) > MAX_TRACES:
        parts.append(f"And {len(traces) - MAX_TRACES} more traces.")
    frames = spec.get("frames") or []
    if frames:
        parts.append(f"Animated in {len(frames)} steps; the numbers above are those of the step shown.")
    text = " ".join(parts)
    if len(text) > MAX_CHARS:
        text = text[: text.rfind(". ", 0, MAX_CHARS) + 1] + " (shortened)"
    return text
