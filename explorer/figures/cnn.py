"""Figures of the CNN's insides: the layer overview, ReLU before/after, flatten → dense → softmax.

Pure functions: arrays from the model's trace in, go.Figure out. Maps are
(C, H, W) float arrays for one input (the trace's batch index 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from explorer.compute import printing
from explorer.figures import palette
from explorer.figures.spec import SpecFigure, subplot_row, subplot_title


@dataclass(frozen=True)
class Layer:
    name: str  # key in the trace
    title: str
    signed: bool  # diverging colours centred on zero, else sequential


LAYERS = (
    Layer("input", "input", False),
    Layer("conv1", "conv1", True),
    Layer("relu1", "ReLU", False),
    Layer("pool1", "max-pool", False),
    Layer("conv2", "conv2", True),
    Layer("relu2", "ReLU", False),
    Layer("pool2", "max-pool", False),
    Layer("logits", "dense (logits)", True),
    Layer("probs", "softmax", False),
)
MAP_LAYERS = tuple(layer.name for layer in LAYERS[:7])  # layers made of 2-D maps
ROWS = 8  # map slots per column; 16-channel layers use two sub-columns
GAP = 0.18  # space between map slots, in slot units


def trace_maps(trace) -> dict[str, np.ndarray]:
    """CNNTrace (batch ≥ 1) → {layer: float32 (C, H, W)} for the maps, (10,) for logits and probs."""
    out = {}
    for name in MAP_LAYERS:
        out[name] = np.asarray(getattr(trace, name)[0], np.float32).transpose(2, 0, 1)
    out["logits"] = np.asarray(trace.logits[0], np.float32)
    out["probs"] = np.asarray(trace.probs[0], np.float32)
    return out


def map_slots(n_maps: int) -> list[tuple[int, int]]:
    """(sub-column, row) of each map in its layer's column: 8 rows, a second sub-column past 8."""
    return [(i // ROWS, i % ROWS) for i in range(n_maps)]


def _gap_cells(size: int) -> int:
    """NaN cells between two tiled maps of `size` pixels: about GAP of a map, at least one."""
    return max(1, round(GAP * size))


def _pitch(maps: dict[str, np.ndarray], layer: str) -> tuple[float, float]:
    """(x, y) distance from one map slot to the next, in map widths (a map is 1 wide, 1 tall)."""
    if layer in ("logits", "probs"):
        return 1 + GAP, 1 + GAP
    _, h, w = maps[layer].shape
    return (w + _gap_cells(w)) / w, (h + _gap_cells(h)) / h


def _sub_columns(maps: dict[str, np.ndarray], layer: str) -> int:
    if layer in ("logits", "probs"):
        return 1
    return 1 + max(col for col, _ in map_slots(len(maps[layer])))


def _column_starts(maps: dict[str, np.ndarray]) -> dict[str, float]:
    starts, x = {}, 0.0
    for layer in LAYERS:
        starts[layer.name] = x
        x += _sub_columns(maps, layer.name) * _pitch(maps, layer.name)[0] + 0.45
    return starts


def _range(values: np.ndarray, signed: bool) -> dict:
    if signed:
        m = float(np.abs(values).max()) or 1.0
        return dict(zmin=-m, zmax=m, zmid=0.0, colorscale=palette.DIVERGING)
    return dict(zmin=0.0, zmax=float(values.max()) or 1.0, colorscale=palette.SEQUENTIAL)


def map_box(maps: dict[str, np.ndarray], layer: str, index: int) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of one map in the overview's coordinates (y grows downward)."""
    col, row = map_slots(len(maps[layer]))[index]
    px, py = _pitch(maps, layer)
    x0 = _column_starts(maps)[layer] + col * px
    y0 = row * py
    return x0, y0, x0 + 1, y0 + 1


def tile_layer(values: np.ndarray) -> np.ndarray:
    """(C, H, W) maps → one (rows·(H+g)−g, cols·(W+g)−g) image, map i in slot `map_slots(C)[i]`, NaN between."""
    c, h, w = values.shape
    gh, gw = _gap_cells(h), _gap_cells(w)
    cols = 1 + max(col for col, _ in map_slots(c))
    rows = min(c, ROWS)
    out = np.full((rows * (h + gh) - gh, cols * (w + gw) - gw), np.nan, np.float32)
    for i, (col, row) in enumerate(map_slots(c)):
        out[row * (h + gh) : row * (h + gh) + h, col * (w + gw) : col * (w + gw) + w] = values[i]
    return out


def layer_overview(maps: dict[str, np.ndarray], selected: tuple[str, int] | None = None) -> go.Figure:
    """Every map of every layer, in columns left to right in the order the data flows: one tiled heatmap per
    layer (its maps side by side with NaN gaps, one colour scale per layer), not one subplot per map.

    maps: `trace_maps(...)`; selected: (layer, map index) outlined, or None.
    Every map is drawn the same size whatever its resolution; the column title gives its real shape.
    """
    starts = _column_starts(maps)
    data, annotations = [], []
    for layer in LAYERS:
        values = maps[layer.name]
        x_start = starts[layer.name]
        if layer.name in ("logits", "probs"):
            text = [
                [f"{d}: {printing.share(v)}" if layer.name == "probs" else f"{d}: {v:.1f}"]
                for d, v in enumerate(values)
            ]
            span = ROWS * (1 + GAP) - GAP
            data.append(
                dict(
                    type="heatmap",
                    name=layer.name,
                    z=values.reshape(10, 1).astype(np.float32),
                    x0=x_start + 0.5,
                    dx=1,
                    y0=span / 20,
                    dy=span / 10,
                    text=text,
                    texttemplate="%{text}",
                    textfont=dict(size=13),
                    showscale=False,
                    xgap=0,
                    ygap=2,
                    hovertemplate=f"{layer.title}<br>%{{text}}<extra></extra>",
                    **_range(values, layer.signed),
                )
            )
            shape = "10"
        else:
            c, h, w = values.shape
            data.append(
                dict(
                    type="heatmap",
                    name=layer.name,
                    z=np.round(tile_layer(values), 3),
                    x0=x_start + 0.5 / w,
                    dx=1 / w,
                    y0=0.5 / h,
                    dy=1 / h,
                    showscale=False,
                    hovertemplate=f"{layer.title}<br>value %{{z:.3f}}<extra></extra>",
                    **_range(values, layer.signed),
                )
            )
            shape = f"{c} × {h} × {w}"
        centre = x_start + (_sub_columns(maps, layer.name) * _pitch(maps, layer.name)[0]) / 2
        annotations.append(
            dict(
                x=centre,
                y=-0.08,
                yanchor="bottom",
                text=f"<b>{layer.title}</b><br>{shape}",
                showarrow=False,
                font=dict(size=13),
            )
        )
    shapes = []
    if selected is not None and selected[0] in MAP_LAYERS:
        x0, y0, x1, y1 = map_box(maps, *selected)
        shapes.append(
            dict(
                type="rect",
                x0=x0 - 0.08,
                y0=y0 - 0.08,
                x1=x1 + 0.08,
                y1=y1 + 0.08,
                line=dict(color=palette.HIGHLIGHT, width=4),
            )
        )
    total = max(starts.values()) + 1 + GAP
    return SpecFigure(
        data=data,
        layout=dict(
            xaxis=dict(visible=False, range=[-0.15, total + 0.6]),
            yaxis=dict(visible=False, autorange=False, range=[ROWS * (1 + GAP) + 0.05, -0.75]),
            height=640,
            margin=dict(l=5, r=5, t=10, b=5),
            font=palette.FONT,
            plot_bgcolor="white",
            annotations=annotations,
            shapes=shapes,
        ),
    )


def relu_figure(before: np.ndarray, title: str) -> go.Figure:
    """before (H, W) pre-activation → three panels: before, what ReLU removes (the negatives), after."""
    before = np.asarray(before, np.float32)
    after = np.maximum(before, 0.0)
    removed = np.where(before < 0, before, np.nan).astype(np.float32)
    m = float(np.abs(before).max()) or 1.0
    layout = subplot_row(
        [
            f"{title} before ReLU (signed)",
            f"negatives: {int((before < 0).sum())} cells set to 0",
            "after ReLU = max(0, x)",
        ],
        spacing=0.08,
        images={1, 2, 3},
    )
    layout.update(height=360, margin=dict(l=10, r=10, t=60, b=10), font=palette.FONT)
    signed = dict(zmin=-m, zmax=m, zmid=0, colorscale=palette.DIVERGING)
    return SpecFigure(
        data=[
            dict(
                type="heatmap",
                z=np.round(before, 3),
                colorbar=dict(title=dict(text="value"), x=0.265, len=0.9, thickness=12),
                hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
                **signed,
            ),
            dict(
                type="heatmap",
                z=np.round(removed, 3),
                showscale=False,
                hovertemplate="row %{y}, col %{x}: %{z:.3f} → 0<extra></extra>",
                xaxis="x2",
                yaxis="y2",
                **signed,
            ),
            dict(
                type="heatmap",
                z=np.round(after, 3),
                zmin=0,
                zmax=m,
                colorscale=palette.SEQUENTIAL,
                colorbar=dict(title=dict(text="value"), len=0.9, thickness=12),
                hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
                xaxis="x3",
                yaxis="y3",
            ),
        ],
        layout=layout,
    )


def top_contributions(flat: np.ndarray, kernel: np.ndarray, digit: int, shape: tuple[int, int, int], top: int = 10):
    """The largest |flat[i] · W[i, digit]| terms of the dense layer for one digit.

    flat (N,) the flattened pool2 output (row-major h, w, c); kernel (N, 10); shape (H, W, C).
    Returns (indices (top,), terms (top,), labels list[str]).
    """
    terms = np.asarray(flat, np.float32) * np.asarray(kernel, np.float32)[:, digit]
    order = np.argsort(-np.abs(terms))[:top]
    h, w, c = np.unravel_index(order, shape)
    labels = [f"map {ci} ({hi},{wi})" for hi, wi, ci in zip(h, w, c)]
    return order, terms[order], labels


def dense_softmax_figure(
    flat: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray,
    probs: np.ndarray,
    logits: np.ndarray,
    shape: tuple[int, int, int] = (7, 7, 16),
    top: int = 10,
) -> SpecFigure:
    """flat (N,) → the flattened vector, the top weighted terms for the predicted digit, logits, softmax.

    The flattened vector spans the top row; the three others share the bottom row, laid out as
    make_subplots(rows=2, cols=3, row_heights=[0.18, 0.82], vertical_spacing=0.2, horizontal_spacing=0.12) would.
    """
    flat = np.asarray(flat, np.float32)
    digit = int(np.argmax(probs))
    _, terms, labels = top_contributions(flat, kernel, digit, shape, top)
    v_space, h_space = 0.2, 0.12
    top_h, bottom_h = 0.18 * (1 - v_space), 0.82 * (1 - v_space)
    col_w = (1 - 2 * h_space) / 3
    cols = [[round(c * (col_w + h_space), 6), round(c * (col_w + h_space) + col_w, 6)] for c in range(3)]
    cols[-1][1] = 1.0
    # subplot i: (x domain, y domain) for i = 1 (the top row), 2, 3, 4 (the bottom row, left to right)
    domains = [([0.0, 1.0], [1 - top_h, 1.0])] + [(x, [0.0, bottom_h]) for x in cols]
    titles = (
        f"flattened pool2 output: {flat.size} numbers (7 × 7 × 16)",
        f"largest terms x·w for digit {digit}",
        "logits z = x·W + b",
        "softmax p = e^z / Σ e^z",
    )
    layout: dict = dict(
        height=520,
        margin=dict(l=10, r=10, t=50, b=10),
        font=palette.FONT,
        showlegend=False,
        annotations=[subplot_title(t, (x[0] + x[1]) / 2, y[1]) for t, (x, y) in zip(titles, domains)],
    )
    for i, (x, y) in enumerate(domains, start=1):
        xname, yname = ("x", "y") if i == 1 else (f"x{i}", f"y{i}")
        layout["xaxis" if i == 1 else f"xaxis{i}"] = dict(domain=x, anchor=yname)
        layout["yaxis" if i == 1 else f"yaxis{i}"] = dict(domain=y, anchor=xname)
    layout["xaxis"].update(visible=False)
    layout["yaxis"].update(visible=False)
    layout["xaxis2"].update(title=dict(text="contribution to the logit"))
    layout["xaxis3"].update(type="category", title=dict(text="digit"))
    layout["xaxis4"].update(type="category", title=dict(text="digit"))
    layout["yaxis4"].update(range=[0, 1.15], tickformat=".0%")
    digits = [str(d) for d in range(10)]
    highlighted = [palette.CNN if d == digit else palette.MUTED for d in range(10)]
    data = [
        dict(
            type="heatmap",
            z=np.round(flat, 3).reshape(1, -1),
            colorscale=palette.SEQUENTIAL,
            showscale=False,
            hovertemplate="element %{x}: %{z:.3f}<extra></extra>",
        ),
        dict(
            type="bar",
            y=labels[::-1],
            x=np.round(terms[::-1], 3),
            orientation="h",
            marker=dict(color=[palette.CNN if t >= 0 else palette.NEGATIVE for t in terms][::-1]),
            text=[f"{t:+.2f}" for t in terms[::-1]],
            textposition="auto",
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
        ),
        dict(
            type="bar",
            x=digits,
            y=np.round(logits, 3),
            text=[f"{v:.1f}" for v in logits],
            textposition="outside",
            cliponaxis=False,
            marker=dict(color=highlighted),
            hovertemplate="digit %{x}: %{y:.3f}<extra></extra>",
            xaxis="x3",
            yaxis="y3",
        ),
        dict(
            type="bar",
            x=digits,
            y=np.round(probs, 4),
            text=[printing.share(p) if p >= 0.005 else "" for p in probs],
            textposition="outside",
            cliponaxis=False,
            marker=dict(color=highlighted),
            hovertemplate="digit %{x}: %{y:.2%}<extra></extra>",
            xaxis="x4",
            yaxis="y4",
        ),
    ]
    return SpecFigure(data, layout)
