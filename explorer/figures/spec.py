"""Figures given as plain specs (dicts and NumPy arrays), cheap on the hot path and still real Plotly figures.

`st.plotly_chart` asks a figure for `to_dict()` and serialises that. A `go.Figure` builds Plotly's object tree
(validating every property), and `to_dict()` deep-copies it and walks it again to turn arrays into typed arrays:
3–5 ms per figure on this machine, measured, which is most of a Text-page step. `SpecFigure` keeps the spec it
is given and hands Streamlit a light copy of it. Plotly's object tree (`fig.data`, `fig.layout`, …) is built,
with full validation, the first time anything reads it: the tests do, the app never does. `validated()` builds
it explicitly, so a test can check that every spec is one Plotly accepts.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import ColorscaleValidator
from _plotly_utils.utils import convert_to_base64


@cache
def _template() -> dict:
    """The default template (explorer.figures.palette registers it) as the dict a figure's layout carries."""
    return go.Figure().to_dict()["layout"]["template"]


@cache
def _named_colorscale(name: str) -> list:
    """Python Plotly's colorscale names ("RdBu_r", "gray", …) as the explicit scale plotly.js needs."""
    return [list(stop) for stop in ColorscaleValidator("colorscale", "heatmap").validate_coerce(name)]


def _copy_tree(value, key: str = ""):
    """Copy dicts and lists (arrays are shared: `convert_to_base64` replaces them, it does not change them);
    named colorscales become explicit, as go.Figure's validation would make them."""
    if isinstance(value, dict):
        return {k: _copy_tree(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_tree(v) for v in value]
    if key == "colorscale" and isinstance(value, str):
        return _named_colorscale(value)
    return value


class SpecFigure(go.Figure):
    """A Plotly figure from `data` (list of trace dicts with "type"), `layout` (dict) and optional `frames`."""

    def __init__(self, data: list[dict], layout: dict, frames: list[dict] | None = None):
        spec = {"data": data, "layout": layout}
        if frames:
            spec["frames"] = frames
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "_tree_built", False)

    def __getattr__(self, name: str):
        """Only reached for attributes not set yet: build Plotly's object tree once, then look again."""
        if name.startswith("__") or self.__dict__.get("_tree_built", True):
            raise AttributeError(name)
        object.__setattr__(self, "_tree_built", True)
        go.Figure.__init__(self, **_copy_tree(self._spec))
        return getattr(self, name)

    @property
    def spec(self) -> dict:
        """The plain spec this figure was built from (do not modify)."""
        return self._spec

    def validated(self) -> go.Figure:
        """The same figure as an ordinary, fully validated go.Figure (raises on any invalid property)."""
        return go.Figure(**_copy_tree(self._spec))

    def to_dict(self) -> dict:
        """What Streamlit sends: the spec with the default template, arrays as typed arrays (base64)."""
        out = _copy_tree(self._spec)
        layout = out["layout"]
        for key in [k for k, v in layout.items() if isinstance(v, list) and not v]:
            del layout[key]  # as validation does: an empty shapes/annotations list is no list
        layout.setdefault("template", _template())
        convert_to_base64(out)
        return out

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def to_json(self, *args, **kwargs) -> str:
        return pio.to_json(self.to_dict(), *args, validate=False, **kwargs)
