"""Figures given as plain specs (dicts and NumPy arrays), cheap on the hot path and still real Plotly figures.

`st.plotly_chart` asks a figure for `to_dict()` and serialises that. A `go.Figure` builds Plotly's object tree
(validating every property), and `to_dict()` deep-copies it and walks it again to turn arrays into typed arrays:
3–5 ms per figure on this machine, measured, which is most of a Text-page step. `SpecFigure` keeps the spec it
is given and hands Streamlit a light copy of it. Plotly's object tree (`fig.data`, `fig.layout`, …) is built,
with full validation, the first time anything reads it: the tests do, the app never does. `validated()` builds
it explicitly, so a test can check that every spec is one Plotly accepts.
"""

from __future__ import annotations

import base64
from functools import cache

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import ColorscaleValidator

from explorer.figures import palette


@cache
def _template() -> dict:
    """The app's template (palette.TEMPLATE), as the dict a figure's layout carries. Named, not taken from Plotly's
    default, which Streamlit replaces with its own when its plotly_chart module is imported after the palette."""
    return go.Figure(layout=dict(template=palette.TEMPLATE)).to_dict()["layout"]["template"]


# Subplot kinds whose defaults the template carries, and the trace types drawn in them: a figure without such a
# trace (and without such a subplot in its layout) is sent the template without those defaults.
_SUBPLOT_TRACES = {
    "polar": {"scatterpolar", "scatterpolargl", "barpolar"},
    "ternary": {"scatterternary"},
    "scene": {"scatter3d", "surface", "mesh3d", "cone", "streamtube", "isosurface", "volume"},
    "geo": {"scattergeo", "choropleth"},
}
# Trace types whose template gives their colour scale (or that take no scale): the layout's default scales
# (`colorscale`, `coloraxis`) apply only to other traces, or to numbers given as a marker's or line's colour.
_OWN_SCALE = {"heatmap", "contour", "histogram2d", "histogram2dcontour", "surface", "image", "table"}


@cache
def _template_for(types: frozenset[str], subplots: frozenset[str], scales: bool) -> dict:
    """The default template cut to what a figure uses: the trace defaults of its trace `types` only, the subplot
    defaults of its `subplots` only, the default colour scales only when some trace may fall back to them
    (`scales`). What plotly.js draws is the same: it reads a template's defaults only for what the figure has.
    Sent with every figure, the whole template was 7.3 kB (most of a probability bar chart's 8 kB)."""
    full = _template()
    layout = {
        k: v
        for k, v in full["layout"].items()
        if (k not in _SUBPLOT_TRACES or k in subplots) and (scales or k not in ("colorscale", "coloraxis"))
    }
    data = {k: v for k, v in full["data"].items() if k in types}
    return {"data": data, "layout": layout} if data else {"layout": layout}  # as validation drops an empty one


def _numbers(value) -> bool:
    """Whether a colour property holds numbers (mapped through a colour scale) rather than colour names."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf"
    return isinstance(value, list | tuple) and any(isinstance(v, int | float) for v in value)


def _template_of(spec: dict) -> dict:
    """The template a figure is sent with (see _template_for)."""
    traces = [t for t in spec["data"]] + [t for f in spec.get("frames") or [] for t in f.get("data") or []]
    types = frozenset(t.get("type", "scatter") for t in traces)
    subplots = frozenset(
        kind
        for kind, kinds in _SUBPLOT_TRACES.items()
        if types & kinds or any(key.startswith(kind) for key in spec["layout"])
    )
    scales = "coloraxis" in spec["layout"] or any(
        t.get("type", "scatter") not in _OWN_SCALE
        and any(_numbers((t.get(part) or {}).get("color")) for part in ("marker", "line"))
        for t in traces
    )
    return _template_for(types, subplots, scales)


@cache
def _named_colorscale(name: str) -> list:
    """Python Plotly's colorscale names ("RdBu_r", "gray", …) as the explicit scale plotly.js needs."""
    return [list(stop) for stop in ColorscaleValidator("colorscale", "heatmap").validate_coerce(name)]


_SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4"}
_SHORT_TYPES |= {"float32": "f4", "float64": "f8"}
_NOT_ARRAYS = {"geojson", "layer", "layers", "range"}  # keys Plotly never sends as typed arrays


def _compact(v: np.ndarray) -> np.ndarray:
    """A float array whose every value is a whole number (window coordinates, pixel positions, a hand-made
    kernel) as the smallest integer type that holds it: the same numbers in a quarter to an eighth of the bytes.
    Anything else is returned as it is. plotly.js has no 16-bit float; 8/16-bit integers are its smaller types."""
    if v.dtype.kind != "f" or v.size == 0:
        return v
    lo, hi = float(np.min(v)), float(np.max(v))  # NaN in, NaN out: a NaN fails the checks below
    if not (-32768 <= lo and hi <= 32767) or not np.array_equal(v, np.trunc(v)):
        return v
    small = np.int8 if -128 <= lo and hi <= 127 else np.int16
    return v.astype(small)


def _typed_array(v: np.ndarray):
    """A NumPy array as plotly.js's typed-array spec, exactly as Plotly's `to_typed_array_spec` makes it, without
    its per-array dataframe-library checks (most of its cost for the many small arrays of an animation)."""
    if v.size == 0:
        return v
    if v.dtype == np.int64 or v.dtype == np.uint64:
        lo, hi = int(v.min()), int(v.max())
        for small in (np.int8, np.int16, np.int32) if v.dtype == np.int64 else (np.uint8, np.uint16, np.uint32):
            info = np.iinfo(small)
            if info.min <= lo and hi <= info.max:
                v = v.astype(small)
                break
        else:
            return v
    code = _SHORT_TYPES.get(str(v.dtype))
    if code is None:
        return v
    spec = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
    if v.ndim > 1:
        spec["shape"] = str(v.shape)[1:-1]
    return spec


def _copy_tree(value, key: str = "", encode: bool = False):
    """Copy dicts and lists; named colorscales become explicit, as go.Figure's validation would make them; float
    arrays of whole numbers become integer arrays (_compact); with `encode`, NumPy arrays become typed-array specs
    (what `to_dict` sends)."""
    if isinstance(value, dict):
        return {k: _copy_tree(v, k, encode) for k, v in value.items()}
    if isinstance(value, list | tuple) and not (key == "range" or key == "domain"):
        return [_copy_tree(v, "", encode) for v in value]
    if key == "colorscale" and isinstance(value, str):
        return _named_colorscale(value)
    if isinstance(value, np.ndarray) and key not in _NOT_ARRAYS:
        value = _compact(value)  # also for the validated figure, so both send the same encoding
        return _typed_array(value) if encode else value
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
        """The same figure as an ordinary, fully validated go.Figure (raises on any invalid property), with the
        template it is sent with (the default template cut to what the figure uses, see _template_for)."""
        spec = _copy_tree(self._spec)
        spec["layout"].setdefault("template", _template_of(self._spec))
        return go.Figure(**spec)

    def to_dict(self) -> dict:
        """What Streamlit sends: the spec with the default template cut to what the figure uses (_template_for),
        arrays as typed arrays (base64), whole numbers as small integers (_compact)."""
        out = _copy_tree(self._spec, encode=True)
        layout = out["layout"]
        for key in [k for k, v in layout.items() if isinstance(v, list) and not v]:
            del layout[key]  # as validation does: an empty shapes/annotations list is no list
        layout.setdefault("template", _template_of(self._spec))
        return out

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def to_json(self, *args, **kwargs) -> str:
        return pio.to_json(self.to_dict(), *args, validate=False, **kwargs)


def axis_names(i: int) -> tuple[str, str]:
    """The i-th subplot's (trace xaxis, trace yaxis) references, counted from 1: ("x", "y"), ("x2", "y2"), …"""
    suffix = "" if i == 1 else str(i)
    return f"x{suffix}", f"y{suffix}"


def subplot_title(text: str, x_center: float, y_top: float, size: int = 14) -> dict:
    """A subplot's title as make_subplots writes it: a paper-anchored annotation centred above the subplot."""
    return dict(
        text=text,
        x=x_center,
        y=y_top,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=size),
    )


def subplot_row(
    titles: list[str],
    widths: list[float] | None = None,
    spacing: float = 0.06,
    title_size: int = 14,
    images: set[int] = frozenset(),
    y_domain: tuple[float, float] = (0.0, 1.0),
) -> dict:
    """Layout entries for one row of subplots, as `make_subplots(rows=1, cols=n, column_widths=…,
    horizontal_spacing=…, subplot_titles=…)` lays them out, without building Plotly objects.

    Subplot i (from 1) gets "xaxis{i}"/"yaxis{i}" with its domain; its title is an annotation above it.
    Subplots in `images` are square pixel grids: hidden axes, y reversed, x and y locked to one scale.
    Merge axis properties of your own into the returned dict's axes.
    """
    n = len(titles)
    widths = widths or [1.0] * n
    usable = 1.0 - spacing * (n - 1)
    total = float(sum(widths))
    layout: dict = {"annotations": []}
    x = 0.0
    for i, (title, w) in enumerate(zip(titles, widths), start=1):
        span = usable * w / total
        xname, yname = axis_names(i)
        x_axis = dict(domain=[round(x, 6), min(1.0, round(x + span, 6))], anchor=yname)
        y_axis = dict(domain=list(y_domain), anchor=xname)
        if i in images:
            x_axis.update(visible=False, constrain="domain")
            y_axis.update(visible=False, autorange="reversed", scaleanchor=xname, constrain="domain")
        layout["xaxis" if i == 1 else f"xaxis{i}"] = x_axis
        layout["yaxis" if i == 1 else f"yaxis{i}"] = y_axis
        if title:
            layout["annotations"].append(subplot_title(title, x + span / 2, y_domain[1], title_size))
        x += span + spacing
    return layout


def fit_image(layout: dict, i: int, shape: tuple[int, ...]) -> None:
    """Subplot i shows a (H, W, …) pixel grid whole: fixed ranges, row 0 at the top (NaN rows included, which
    autorange would otherwise leave out, e.g. the rows of a map not computed yet)."""
    h, w = shape[0], shape[1]
    layout["xaxis" if i == 1 else f"xaxis{i}"].update(range=[-0.5, w - 0.5], autorange=False)
    layout["yaxis" if i == 1 else f"yaxis{i}"].update(range=[h - 0.5, -0.5], autorange=False)
