"""Figures of the Compare page: the same input read both ways, and the measurements. Pure builders."""

from __future__ import annotations

import html

import numpy as np

from explorer.compute import printing
from explorer.figures import animation, palette
from explorer.figures.spec import SpecFigure, subplot_row, subplot_title


def _rounded(a, decimals: int = 3) -> np.ndarray:
    """float32, rounded: light payloads."""
    return np.round(np.asarray(a, np.float32), decimals)


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


def row_reading_figure(image: np.ndarray, hidden: np.ndarray, probs: np.ndarray) -> SpecFigure:
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
        dict(type="heatmap", z=_rounded(image, 2), colorscale="gray", showscale=False, hoverinfo="skip"),
        dict(
            type="heatmap",
            z=_rounded(hidden.T, 2),
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
            z=_rounded(probs, 3),
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


def feature_maps_figure(relu1: np.ndarray, relu2: np.ndarray) -> SpecFigure:
    """The CNN's feature maps, all computed at once: relu1 (S, S, C1) on top, relu2 (S/2, S/2, C2) below.

    Two heatmap traces (fast to build, light to send); layer-2 pixels are drawn twice as large, so every
    map has the same size on screen. Each layer is divided by its own maximum.
    """
    relu1, relu2 = np.asarray(relu1), np.asarray(relu2)
    top, bottom = feature_mosaic(relu1, gap=2), feature_mosaic(relu2, gap=1)
    common = dict(type="heatmap", colorscale=palette.SEQUENTIAL, zmin=0, zmax=1, showscale=False)
    data = [
        dict(z=_rounded(top, 2), hovertemplate="layer 1: %{z} of its maximum<extra></extra>", **common),
        dict(
            z=_rounded(bottom, 2),
            x0=0.5,
            dx=2,
            y0=top.shape[0] + LAYER_GAP + 0.5,
            dy=2,
            hovertemplate="layer 2: %{z} of its maximum<extra></extra>",
            **common,
        ),
    ]
    layout = dict(
        xaxis=dict(visible=False, constrain="domain"),
        yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"),
        height=250,
        margin=dict(l=5, r=5, t=60, b=5),
        font=palette.FONT,
        plot_bgcolor="white",
        # two lines: in a tablet's half-width column (~350 px) one line of it ran past the figure's right edge
        title=dict(
            text=f"all {relu1.shape[-1]} layer-1 maps (top),<br>all {relu2.shape[-1]} layer-2 maps", font_size=16
        ),
    )
    return SpecFigure(data, layout)


def reach_figure(
    chars: list[str], t: int, window: tuple[int, int], sal_rnn: np.ndarray, sal_cnn: np.ndarray
) -> SpecFigure:
    """What each model can use at step t (shaded) and how much it does (gradient-norm saliency, log scale).

    chars: the text's characters (T); t and window (first, last) are 0-based positions; sal_* (T,).
    Characters are numbered from 1 on the axis and in the titles, as on every page.
    Two rows sharing the x axis, laid out as make_subplots(rows=2, vertical_spacing=0.14) would.
    """
    T = len(chars)
    pos = np.arange(1, T + 1)
    spacing = 0.14
    height = (1 - spacing) / 2
    domains = ([1 - height, 1.0], [0.0, height])  # row 1 on top
    titles = (
        f"RNN: can use every character 1…{t + 1} (its memory); bars: how much it does",
        f"causal CNN: can use only {window[0] + 1}…{window[1] + 1} (its receptive field); bars: how much it does",
    )
    hover = [f"{i}: {html.escape(repr(c))}" for i, c in enumerate(chars, start=1)]
    data, shapes = [], []
    y_axis = dict(
        type="log", title=dict(text="‖∂ log p / ∂ input‖", font=dict(size=13)), exponentformat="power", dtick=1
    )
    layout = dict(
        height=470,
        margin=dict(l=70, r=20, t=50, b=55),
        font=palette.FONT,
        bargap=0.1,
        annotations=[subplot_title(title, 0.5, domain[1]) for title, domain in zip(titles, domains)],
        xaxis=dict(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False),
        xaxis2=dict(
            anchor="y2",
            domain=[0.0, 1.0],
            title=dict(text="character position, from 1 (the dotted line: the character just read)"),
            range=[0.5, T + 0.5],
        ),
        yaxis=dict(anchor="x", domain=domains[0], **y_axis),
        yaxis2=dict(anchor="x2", domain=domains[1], **y_axis),
    )
    for row, sal, colour, first in ((1, sal_rnn, palette.RNN, 0), (2, sal_cnn, palette.CNN, window[0])):
        axis = "" if row == 1 else str(row)
        shapes.append(
            dict(type="rect", x0=first + 0.5, x1=t + 1.5, y0=0, y1=1, xref=f"x{axis}", yref=f"y{axis} domain",
                 fillcolor=palette.HIGHLIGHT, opacity=0.25, line=dict(width=0), layer="below")
        )  # fmt: skip
        y = [float(f"{v:.3g}") if v > 0 else None for v in np.asarray(sal, np.float64)]  # exact 0: out of reach, no bar
        data.append(
            dict(type="bar", x=pos, y=y, marker=dict(color=colour), hovertext=hover, showlegend=False,
                 hovertemplate="%{hovertext}<br>saliency %{y:.2e}<extra></extra>", xaxis=f"x{axis}", yaxis=f"y{axis}")
        )  # fmt: skip
        shapes.append(
            dict(type="line", x0=t + 1, x1=t + 1, y0=0, y1=1, xref=f"x{axis}", yref=f"y{axis} domain",
                 line=dict(color="black", dash="dot"))
        )  # fmt: skip
    layout["shapes"] = shapes
    return SpecFigure(data, layout)


def scaling_figure(points: list) -> SpecFigure:
    """Forward time (ms) against sequence length, log-log; one line per (model, batch).

    points: objects with .model .batch .length .forward_ms (explorer.scaling.Point).
    """
    data = []
    for model, batch in sorted({(p.model, p.batch) for p in points}):
        pts = sorted((p for p in points if p.model == model and p.batch == batch), key=lambda p: p.length)
        colour = palette.CNN if "cnn" in model else palette.RNN
        data.append(
            dict(
                type="scatter",
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
    layout = dict(
        xaxis=dict(
            type="log",
            title=dict(text="sequence length (characters)"),
            tickvals=lengths,
            ticktext=[str(t) for t in lengths],
        ),
        yaxis=dict(type="log", title=dict(text="one forward pass (ms)"), dtick=1, minor=dict(showgrid=False)),
        height=450,
        margin=dict(l=70, r=20, t=70, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=200),
    )
    return SpecFigure(data, layout)


def gradient_norm_figure(curves: dict[str, np.ndarray], colours: dict[str, str], untrained: set[str]) -> SpecFigure:
    """‖∂h_T/∂s_t‖ against t, log scale. curves: label → (T,); labels in `untrained` are dashed; zeros are gaps."""
    data = []
    for label, norms in curves.items():
        norms = np.asarray(norms, np.float64)  # exact zeros (underflow) are left out: a log axis has no 0
        data.append(
            dict(
                type="scatter",
                x=np.arange(len(norms)),
                y=[float(f"{v:.3g}") if v > 0 else None for v in norms],
                mode="lines",
                name=label,
                line=dict(color=colours[label], width=3, dash="dash" if label in untrained else "solid"),
                hovertemplate="t = %{x}: %{y:.2e}<extra>" + label + "</extra>",
            )
        )
    layout = dict(
        yaxis=dict(type="log", title=dict(text="‖∂h_T / ∂state_t‖"), exponentformat="power"),
        xaxis=dict(title=dict(text="step t (T is the last character)")),
        height=470,
        margin=dict(l=80, r=20, t=80, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=210),
    )
    return SpecFigure(data, layout)


def _readers(p_cnn, p_rnn, p_mlp) -> list[tuple[str, np.ndarray, str]]:
    """(name, probabilities, colour) of each model that read the digit; the MLP baseline when given."""
    out = [("CNN", p_cnn, palette.CNN), ("row RNN", p_rnn, palette.RNN)]
    return out if p_mlp is None else [*out, ("MLP (no structure)", p_mlp, palette.MLP)]


def probe_curve_figure(
    settings, p_cnn: np.ndarray, p_rnn: np.ndarray, digit: int, current: float, axis_title: str, p_mlp=None
) -> SpecFigure:
    """p(digit) against the probe setting for each model; settings (N,), p_* (N, 10); a line marks `current`."""
    data = [
        dict(
            type="scatter",
            x=list(settings),
            y=_rounded(np.asarray(probs)[:, digit]),
            mode="lines+markers",
            name=name,
            line=dict(color=colour, width=3),
            hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>",
        )
        for name, probs, colour in _readers(p_cnn, p_rnn, p_mlp)
    ]
    current_line = dict(
        type="line", x0=current, x1=current, y0=0, y1=1, xref="x", yref="y domain", line=dict(color="black", dash="dot")
    )
    layout = dict(
        shapes=[current_line],
        yaxis=dict(range=[-0.02, 1.05], tickformat=".0%", title=dict(text=f"p(digit {digit})")),
        xaxis=dict(title=dict(text=axis_title)),
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=150),
    )
    return SpecFigure(data, layout)


def probe_bars_figure(p_cnn: np.ndarray, p_rnn: np.ndarray, p_mlp=None) -> SpecFigure:
    """The models' probabilities (10,) side by side for the current setting."""
    data = [
        dict(
            type="bar",
            x=[str(d) for d in range(10)],
            y=_rounded(probs),
            name=name,
            marker=dict(color=colour),
            hovertemplate="digit %{x}: %{y:.1%}<extra>" + name + "</extra>",
        )
        for name, probs, colour in _readers(p_cnn, p_rnn, p_mlp)
    ]
    layout = dict(
        yaxis=dict(range=[0, 1.05], tickformat=".0%", title=dict(text="probability")),
        xaxis=dict(title=dict(text="digit"), type="category"),
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        barmode="group",
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=110),
    )
    return SpecFigure(data, layout)


def insertion_figure(ns, p_rnn, p_cnn, char_label: str) -> SpecFigure:
    """p(the original next character) against characters inserted at the start, for both text models."""
    data = [
        dict(
            type="scatter",
            x=list(ns),
            y=_rounded(p),
            mode="lines+markers",
            name=name,
            line=dict(color=colour, width=3),
            hovertemplate="%{x} inserted: %{y:.2%}<extra>" + name + "</extra>",
        )
        for name, p, colour in (("char RNN", p_rnn, palette.RNN), ("causal CNN", p_cnn, palette.CNN))
    ]
    layout = dict(
        yaxis=dict(title=dict(text=f"p(next = {char_label})"), tickformat=".0%", rangemode="tozero"),
        xaxis=dict(title=dict(text="characters inserted at the start")),
        height=360,
        margin=dict(l=70, r=20, t=50, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", entrywidth=110),
    )
    return SpecFigure(data, layout)
