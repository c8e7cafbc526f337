"""Figures for a projector: every text of a figure at least PROJECTED_MIN_PX, so the back row can read it.

Plotly sizes text in pixels, set per figure, per axis, per annotation and per trace, so the page's larger root font
(presenter mode) does not reach it. A lecture hall at 1280 × 720 needs 20 px or more; 13–15 px is what the figures
use on a laptop.
"""

from __future__ import annotations

import re

from explorer.figures.spec import SpecFigure

PROJECTED_MIN_PX = 20  # the smallest chart text in presenter mode, at 1280 × 720
SCALE = 1.25  # text already larger than the minimum grows by the same share as the page's own text
DEFAULT_PX = 12  # plotly.js's own font size, used where a figure sets none
_AXIS = re.compile(r"[xy]axis\d*")
_FONT_KEYS = frozenset({"font", "textfont", "tickfont", "insidetextfont", "outsidetextfont"})


def _projected_size(size: float | None) -> int:
    return max(PROJECTED_MIN_PX, round((DEFAULT_PX if size is None else size) * SCALE))


def _walk(value, key: str = ""):
    """A copy of dicts and lists of dicts with every font size projected; arrays and numbers are shared."""
    if isinstance(value, dict):
        out = {k: _walk(v, k) for k, v in value.items()}
        if key in _FONT_KEYS and isinstance(out.get("size", None), int | float):
            out["size"] = _projected_size(out["size"])
        return out
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_walk(v) for v in value]
    return value


def projected_spec(spec: dict) -> SpecFigure:
    """The figure of `spec` ({"data", "layout", optional "frames"}) with every text at least PROJECTED_MIN_PX:
    explicit sizes scaled by SCALE (never below the minimum), the figure's base font (which every text without
    its own size inherits) set to the same, frames included."""
    data = _walk(spec["data"])
    layout = _walk(spec["layout"])
    base = dict(layout.get("font") or {})
    base["size"] = _projected_size(base.get("size"))
    layout["font"] = base
    # The app's template sizes every axis's tick labels (14 px) and title (15 px) itself, over the base font: each
    # axis gets its own sizes. A log axis writes its 2s and 5s at three quarters of the tick size: in presenter
    # mode it keeps only its powers of ten.
    for name in {"xaxis", "yaxis", *(k for k in layout if _AXIS.fullmatch(k))}:
        axis = dict(layout.get(name) or {})
        tickfont = dict(axis.get("tickfont") or {})
        tickfont.setdefault("size", base["size"])
        axis["tickfont"] = tickfont
        axis_title = axis.get("title")
        if isinstance(axis_title, str):
            axis_title = {"text": axis_title}
        if isinstance(axis_title, dict):
            axis["title"] = {**axis_title, "font": {"size": base["size"], **(axis_title.get("font") or {})}}
        if axis.get("type") == "log" and "dtick" not in axis:
            axis["dtick"] = 1
        layout[name] = axis
    title = layout.get("title")
    if isinstance(title, dict) and "size" not in (title.get("font") or {}):
        layout["title"] = {**title, "font": {**(title.get("font") or {}), "size": round(base["size"] * 1.2)}}
    frames = _walk(spec["frames"]) if spec.get("frames") else None
    return SpecFigure(data, layout, frames)
