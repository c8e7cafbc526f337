"""Figures of the Compare page: the same input read both ways, and the measurements. Pure builders."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.compute import printing
from explorer.figures import animation, palette
from explorer.figures.spec import SpecFigure, subplot_row

_R = lambda a, n=3: np.round(np.asarray(a, np.float32), n)  # light payloads


def _cover(x0: float, x1: float, y0: float, y1: float, xref: str, yref: str) -> dict:
    """An opaque white rectangle: hides what the RNN has not read yet (frames only move these)."""
    return dict(
        type="rect", x0=x0, x1=x1, y0=y0, y1=y1, xref=xref, yref=yref, fillcolor="white", line=dict(width=0),
        layer="above",
    )  # fmt: skip


def _row_shapes(k: int, hidden_units: int) -> list[dict]:
    """Shapes after reading rows 0..k: the row marker on the image, covers over the unread columns/rows."""
    shapes = [
        dict(
            type="rect",
            x0=-0.5,
            x1=27.5,
            y0=k - 0.5,
            y1=k + 0.5,
            xref="x",
            yref="y",
            line=dict(color=palette.HIGHLIGHT, width=3),
        )
    ]
    if k < 27:  # the state and read-out axes count rows from 1
        shapes.append(_cover(k + 1.5, 28.5, -0.5, hidden_units - 0.5, "x2", "y2"))
        shapes.append(_cover(-0.5, 9.5, k + 1.5, 28.5, "x3", "y3"))
    return shapes


def _row_title(k: int, probs: np.ndarray) -> str:
    top = int(np.argmax(probs[k]))
    return f"After row {k + 1} of 28 the RNN says <b>{top}</b> ({printing.share(probs[k, top])})"


def row_reading_figure(image: np.ndarray, hidden: np.ndarray, probs: np.ndarray) -> go.Figure:
    """The row RNN reading a digit, animated row by row.

    image (28, 28) in 0..1; hidden (28, H) the state after each row; probs (28, 10) the
    read-out after each row (the last row's is the prediction). Frames move only shapes:
    the highlighted row, and covers hiding what is not read yet. Built as one plain spec (SpecFigure).
    """
    image, hidden, probs = np.asarray(image), np.asarray(hidden), np.asarray(probs)
    h_units = hidden.shape[1]
    layout = subplot_row(
        ["the row being read", f"hidden state: {h_units} units", "p(digit) after each row"], [0.3, 0.4, 0.3], 0.06
    )
    for axis in ("yaxis", "yaxis2", "yaxis3"):
        layout[axis]["autorange"] = "reversed"
    layout["xaxis"]["showticklabels"] = False
    layout["yaxis2"]["showticklabels"] = False
    layout["xaxis2"]["title"] = dict(text="rows read")
    layout["xaxis3"].update(title=dict(text="digit"), type="category")
    last = probs.shape[0] - 1
    layout.update(
        shapes=_row_shapes(last, h_units),
        title=dict(text=_row_title(last, probs), font=dict(size=17), x=0.01, y=0.97),
        height=470,
        margin=dict(l=40, r=20, t=95, b=95),
        font=palette.FONT,
        **animation.play_controls(
            [str(k + 1) for k in range(probs.shape[0])], prefix="rows read: ", frame_ms=350, active=last, y=-0.1
        ),
    )
    data = [
        dict(type="heatmap", z=_R(image, 2), colorscale="gray", showscale=False, hoverinfo="skip"),
        dict(
            type="heatmap",
            z=_R(hidden.T, 2),
            x=np.arange(1, 29),
            colorscale=palette.DIVERGING,
            zmid=0,
            zmin=-1,
            zmax=1,
            showscale=False,
            hovertemplate="after row %{x}<br>unit %{y}: %{z}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
        ),
        dict(
            type="heatmap",
            z=_R(probs, 3),
            x=[str(d) for d in range(10)],
            y=np.arange(1, 29),
            colorscale=palette.SEQUENTIAL,
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="after row %{y}<br>digit %{x}: %{z:.1%}<extra></extra>",
            xaxis="x3",
            yaxis="y3",
        ),
    ]
    frames = [
        dict(name=str(k), layout=dict(shapes=_row_shapes(k, h_units), title=dict(text=_row_title(k, probs))))
        for k in range(probs.shape[0])
    ]
    return SpecFigure(data=data, layout=layout, frames=frames)


def feature_mosaic(maps: np.ndarray, per_row: int = 8, gap: int = 2) -> np.ndarray:
    """maps (S, S, C) → one image of all C maps, `per_row` to a row, divided by the layer's maximum, NaN between."""
    maps = np.asarray(maps, np.float32)
    side, n = maps.shape[0], maps.shape[-1]
    rows, cell = int(np.ceil(n / per_row)), side + gap
    out = np.full((rows * cell - gap, min(n, per_row) * cell - gap), np.nan, np.float32)
    top = float(maps.max()) or 1.0
    for c in range(n):
        r, k = divmod(c, per_row)
        out[r * cell : r * cell + side, k * cell : k * cell + side] = maps[..., c] / top
    return out


LAYER_GAP = 4  # pixels between the two layers' mosaics


def feature_maps_figure(relu1: np.ndarray, relu2: np.ndarray) -> go.Figure:
    """The CNN's feature maps, all computed at once: relu1 (S, S, C1) on top, relu2 (S/2, S/2, C2) below.

    Two heatmap traces (fast to build, light to send); layer-2 pixels are drawn twice as large, so every
    map has the same size on screen. Each layer is divided by its own maximum.
    """
    relu1, relu2 = np.asarray(relu1), np.asarray(relu2)
    top, bottom = feature_mosaic(relu1, gap=2), feature_mosaic(relu2, gap=1)
    common = dict(colorscale=palette.SEQUENTIAL, zmin=0, zmax=1, showscale=False)
    fig = go.Figure(
        [
            go.Heatmap(z=_R(top, 2), hovertemplate="layer 1: %{z} of its maximum<extra></extra>", **common),
            go.Heatmap(
                z=_R(bottom, 2),
                x0=0.5,
                dx=2,
                y0=top.shape[0] + LAYER_GAP + 0.5,
                dy=2,
                hovertemplate="layer 2: %{z} of its maximum<extra></extra>",
                **common,
            ),
        ]
    )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(
        height=250,
        margin=dict(l=5, r=5, t=45, b=5),
        font=palette.FONT,
        plot_bgcolor="white",
        title=dict(text=f"all {relu1.shape[-1]} layer-1 maps (top), all {relu2.shape[-1]} layer-2 maps", font_size=16),
    )
    return fig


def reach_figure(
    chars: list[str], t: int, window: tuple[int, int], sal_rnn: np.ndarray, sal_cnn: np.ndarray
) -> go.Figure:
    """What each model can use at step t (shaded) and how much it does (gradient-norm saliency, log scale).

    chars: the text's characters (T); t and window (first, last) are 0-based positions; sal_* (T,).
    Characters are numbered from 1 on the axis and in the titles, as on every page.
    """
    T = len(chars)
    pos = np.arange(1, T + 1)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        subplot_titles=(
            f"RNN: can use every character 1…{t + 1} (its memory); bars: how much it does",
            f"causal CNN: can use only {window[0] + 1}…{window[1] + 1} (its receptive field); bars: how much it does",
        ),
    )
    hover = [f"{i}: {html.escape(repr(c))}" for i, c in enumerate(chars, start=1)]
    for row, sal, colour, first in ((1, sal_rnn, palette.RNN, 0), (2, sal_cnn, palette.CNN, window[0])):
        axis = "" if row == 1 else str(row)
        fig.add_shape(
            type="rect",
            x0=first + 0.5,
            x1=t + 1.5,
            y0=0,
            y1=1,
            xref=f"x{axis}",
            yref=f"y{axis} domain",
            fillcolor=palette.HIGHLIGHT,
            opacity=0.25,
            line_width=0,
            layer="below",
        )
        y = [float(f"{v:.3g}") if v > 0 else None for v in np.asarray(sal, np.float64)]  # exact 0: out of reach, no bar
        fig.add_trace(
            go.Bar(
                x=pos,
                y=y,
                marker_color=colour,
                hovertext=hover,
                hovertemplate="%{hovertext}<br>saliency %{y:.2e}<extra></extra>",
                showlegend=False,
            ),
            row,
            1,
        )
        fig.add_shape(
            type="line",
            x0=t + 1,
            x1=t + 1,
            y0=0,
            y1=1,
            xref=f"x{axis}",
            yref=f"y{axis} domain",
            line=dict(color="black", dash="dot"),
        )
    fig.update_yaxes(type="log", title_text="‖∂ log p / ∂ input‖", title_font_size=13, exponentformat="power", dtick=1)
    fig.update_xaxes(
        title_text="character position, from 1 (the dotted line: the character just read)",
        row=2,
        col=1,
        range=[0.5, T + 0.5],
    )
    fig.update_layout(height=470, margin=dict(l=70, r=20, t=50, b=55), font=palette.FONT, bargap=0.1)
    fig.update_annotations(font_size=14)
    return fig


def scaling_figure(points: list) -> go.Figure:
    """Forward time (ms) against sequence length, log-log; one line per (model, batch).

    points: objects with .model .batch .length .forward_ms (explorer.scaling.Point).
    """
    fig = go.Figure()
    keys = sorted({(p.model, p.batch) for p in points})
    for model, batch in keys:
        pts = sorted((p for p in points if p.model == model and p.batch == batch), key=lambda p: p.length)
        colour = palette.CNN if "cnn" in model else palette.RNN
        fig.add_trace(
            go.Scatter(
                x=[p.length for p in pts],
                y=[round(p.forward_ms, 3) for p in pts],
                mode="lines+markers",
                name=f"{model}, batch {batch}",
                line=dict(color=colour, dash="solid" if batch > 1 else "dot", width=3),
                marker=dict(size=9, symbol="circle" if batch > 1 else "diamond"),
                hovertemplate="%{x} characters: %{y:.2f} ms<extra>" + f"{model}, batch {batch}" + "</extra>",
            )
        )
    lengths = sorted({p.length for p in points})
    fig.update_xaxes(
        type="log", title_text="sequence length (characters)", tickvals=lengths, ticktext=[str(t) for t in lengths]
    )
    fig.update_yaxes(type="log", title_text="one forward pass (ms)", dtick=1, minor=dict(showgrid=False))
    fig.update_layout(
        height=450,
        margin=dict(l=70, r=20, t=70, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=200),
        title=None,
    )
    return fig


def gradient_norm_figure(curves: dict[str, np.ndarray], colours: dict[str, str], untrained: set[str]) -> go.Figure:
    """‖∂h_T/∂s_t‖ against t, log scale. curves: label → (T,); labels in `untrained` are dashed; zeros are gaps."""
    fig = go.Figure()
    for label, norms in curves.items():
        norms = np.asarray(norms, np.float64)  # exact zeros (underflow) are left out: a log axis has no 0
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(norms)),
                y=[float(f"{v:.3g}") if v > 0 else None for v in norms],
                mode="lines",
                name=label,
                line=dict(color=colours[label], width=3, dash="dash" if label in untrained else "solid"),
                hovertemplate="t = %{x}: %{y:.2e}<extra>" + label + "</extra>",
            )
        )
    fig.update_yaxes(type="log", title_text="‖∂h_T / ∂state_t‖", exponentformat="power")
    fig.update_xaxes(title_text="step t (T is the last character)")
    fig.update_layout(
        height=470,
        margin=dict(l=80, r=20, t=80, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=210),
    )
    return fig


def _readers(p_cnn, p_rnn, p_mlp) -> list[tuple[str, np.ndarray, str]]:
    """(name, probabilities, colour) of each model that read the digit; the MLP baseline when given."""
    out = [("CNN", p_cnn, palette.CNN), ("row RNN", p_rnn, palette.RNN)]
    return out if p_mlp is None else [*out, ("MLP (no structure)", p_mlp, palette.MLP)]


def probe_curve_figure(
    settings, p_cnn: np.ndarray, p_rnn: np.ndarray, digit: int, current: float, axis_title: str, p_mlp=None
) -> go.Figure:
    """p(digit) against the probe setting for each model; settings (N,), p_* (N, 10); a line marks `current`."""
    fig = go.Figure()
    for name, probs, colour in _readers(p_cnn, p_rnn, p_mlp):
        fig.add_trace(
            go.Scatter(
                x=list(settings),
                y=_R(np.asarray(probs)[:, digit]),
                mode="lines+markers",
                name=name,
                line=dict(color=colour, width=3),
                hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
    fig.add_vline(x=current, line=dict(color="black", dash="dot"))
    fig.update_yaxes(range=[-0.02, 1.05], tickformat=".0%", title_text=f"p(digit {digit})")
    fig.update_xaxes(title_text=axis_title)
    fig.update_layout(
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=150),
    )
    return fig


def probe_bars_figure(p_cnn: np.ndarray, p_rnn: np.ndarray, p_mlp=None) -> go.Figure:
    """The models' probabilities (10,) side by side for the current setting."""
    fig = go.Figure()
    for name, probs, colour in _readers(p_cnn, p_rnn, p_mlp):
        fig.add_trace(
            go.Bar(
                x=[str(d) for d in range(10)],
                y=_R(probs),
                name=name,
                marker_color=colour,
                hovertemplate="digit %{x}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title_text="probability")
    fig.update_xaxes(title_text="digit", type="category")
    fig.update_layout(
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        barmode="group",
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=110),
    )
    return fig


def insertion_figure(ns, p_rnn, p_cnn, char_label: str) -> go.Figure:
    """p(the original next character) against characters inserted at the start, for both text models."""
    fig = go.Figure()
    for name, p, colour in (("char RNN", p_rnn, palette.RNN), ("causal CNN", p_cnn, palette.CNN)):
        fig.add_trace(
            go.Scatter(
                x=list(ns),
                y=_R(p),
                mode="lines+markers",
                name=name,
                line=dict(color=colour, width=3),
                hovertemplate="%{x} inserted: %{y:.2%}<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(title_text=f"p(next = {char_label})", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title_text="characters inserted at the start")
    fig.update_layout(
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=110),
    )
    return fig
