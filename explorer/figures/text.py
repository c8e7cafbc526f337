"""Figures of the Text page built from a char model's trace: the hidden-state heatmap,
gate bars, next-character predictions and saliency over time. Pure: data in, go.Figure out.

Only single characters of the user's text ever reach a figure (tick labels, hover), each
already mapped into the model's vocabulary, so no user text can form markup.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from explorer.compute.recurrence import BLOCKS, GATE_TITLES, SIGMOID_BLOCKS
from explorer.data import vocab
from explorer.figures import palette

MAX_FRAMES = 100  # animation frames: a browser plays this many smoothly
CHAR_TICKS_UP_TO = 60  # label every column with its character up to this many columns


def _char_axis(chars: str, upto: int) -> dict:
    """x-axis ticks for positions 0..upto-1: the characters when few, else every 10th position."""
    if upto <= CHAR_TICKS_UP_TO:
        vals = list(range(upto))
        return dict(tickmode="array", tickvals=vals, ticktext=[vocab.display(chars[i]) for i in vals], tickangle=0)
    return dict(tickmode="linear", tick0=0, dtick=10, title="position in the text")


def _column_marker(t: int, colour: str = "black") -> dict:
    return dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=t - 0.5,
        x1=t + 0.5,
        y0=0,
        y1=1,
        line=dict(color=colour, width=3),
        fillcolor="rgba(0,0,0,0)",
    )


def hidden_heatmap(hidden: np.ndarray, chars: str, t: int, unit: int | None = None, animate: bool = False) -> go.Figure:
    """hidden (T, H) → units × time heatmap revealed up to column t, column t outlined, `unit` marked.

    Static: the trace holds columns 0..t only (what the RNN has read). `animate=True` sends every
    column once and adds Play/Pause: each frame only moves a cover and the marker (light frames).
    """
    hidden = np.asarray(hidden, np.float32)
    n_steps, n_units = hidden.shape
    shown = hidden if animate else hidden[: t + 1]
    fig = go.Figure(
        go.Heatmap(
            z=shown.T,
            x=np.arange(shown.shape[0]),
            y=np.arange(n_units),
            colorscale=palette.DIVERGING,
            zmin=-1,
            zmax=1,
            zmid=0,
            colorbar=dict(title=dict(text="h", side="right"), thickness=14, len=0.9),
            hovertemplate="position %{x}, unit %{y}: %{z:.3f}<extra></extra>",
        )
    )
    shapes = [_column_marker(t)]
    if unit is not None:
        shapes.append(
            dict(
                type="rect",
                xref="paper",
                yref="y",
                x0=0,
                x1=1,
                y0=unit - 0.5,
                y1=unit + 0.5,
                line=dict(color=palette.TEXT_UNIT, width=2),
                fillcolor="rgba(0,0,0,0)",
            )
        )
    fig.update_layout(
        height=420,
        margin=dict(l=60, r=10, t=50, b=50),
        font=palette.FONT,
        title=dict(text=f"Hidden state h, {n_units} units × {n_steps} steps (column = character read)", font_size=16),
        xaxis=dict(range=[-0.5, n_steps - 0.5], showgrid=False, **_char_axis(chars, n_steps)),
        yaxis=dict(title="hidden unit", range=[n_units - 0.5, -0.5], showgrid=False),
        shapes=shapes,
    )
    if animate:
        _add_reveal_animation(fig, n_steps, t, shapes[1:])
    return fig


def _cover(k: int, n_steps: int) -> dict:
    """A white sheet over the columns the RNN has not read yet at step k."""
    return dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=k + 0.5,
        x1=max(k + 0.5, n_steps - 0.5),
        y0=0,
        y1=1,
        line=dict(width=0),
        fillcolor="white",
    )


def _add_reveal_animation(fig: go.Figure, n_steps: int, t: int, fixed_shapes: list) -> None:
    steps = sorted(set(np.linspace(0, n_steps - 1, min(n_steps, MAX_FRAMES)).round().astype(int).tolist()))
    frames = [
        go.Frame(name=str(k), layout=dict(shapes=[_cover(k, n_steps), _column_marker(k), *fixed_shapes])) for k in steps
    ]
    fig.frames = frames
    fig.layout.shapes = [_cover(t, n_steps), _column_marker(t), *fixed_shapes]  # replace, not merge
    play = dict(
        label="▶ Play",
        method="animate",
        args=[None, dict(frame=dict(duration=80, redraw=True), transition=dict(duration=0), fromcurrent=True)],
    )
    pause = dict(
        label="❚❚ Pause", method="animate", args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")]
    )
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                buttons=[play, pause],
                x=0,
                y=-0.12,
                xanchor="left",
                yanchor="top",
                pad=dict(t=0, r=10),
            )
        ],
        sliders=[
            dict(
                active=steps.index(min(steps, key=lambda k: abs(k - t))),
                x=0.2,
                len=0.8,
                y=-0.08,
                currentvalue=dict(prefix="step ", font_size=14),
                pad=dict(t=30),
                steps=[
                    dict(
                        label=str(k),
                        method="animate",
                        args=[[str(k)], dict(mode="immediate", frame=dict(duration=0, redraw=True))],
                    )
                    for k in steps
                ],
            )
        ],
        height=520,
        margin=dict(b=130),
    )


def gate_bars(kind: str, values: dict, means: dict, unit: int) -> go.Figure:
    """values/means: block name → float at step t, for the chosen unit and averaged over all units."""
    names = [n for n in BLOCKS[kind] if n in values]  # the cell's own order (dicts from jax come sorted)
    labels = [GATE_TITLES[n] for n in names]
    unit_vals = [float(values[n]) for n in names]
    fig = go.Figure(
        [
            go.Bar(
                name=f"unit {unit}",
                x=labels,
                y=unit_vals,
                marker_color=palette.RNN,
                text=[f"{v:.3f}" for v in unit_vals],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y:.4f}<extra>unit " + str(unit) + "</extra>",
            ),
            go.Bar(
                name="mean over all units",
                x=labels,
                y=[float(means[n]) for n in names],
                marker_color=palette.MUTED,
                hovertemplate="%{x}: %{y:.4f}<extra>mean</extra>",
            ),
        ]
    )
    lo = -1.15 if any(n not in SIGMOID_BLOCKS for n in names) else 0
    fig.update_layout(
        barmode="group",
        height=300,
        margin=dict(l=50, r=10, t=50, b=40),
        font=palette.FONT,
        title=dict(text=f"{'LSTM' if kind == 'lstm' else 'GRU'} gates at this step", font_size=16),
        yaxis=dict(range=[lo, 1.15], zeroline=True, title="value"),
        legend=dict(orientation="h", y=-0.18, x=0),
    )
    return fig


def top5_bars(top: list[tuple[str, float]], title: str, colour: str, actual: str | None = None) -> go.Figure:
    """top: [(character, probability)] most likely first → horizontal bars; `actual` (the real next character) is marked."""
    # Plotly reads titles and tick labels as markup: escape the characters ('<', '&').
    labels = [f"'{html.escape(vocab.display(c))}'" for c, _ in top]
    probs = [p for _, p in top]
    colours = [palette.TEXT_ACTUAL if c == actual else colour for c, _ in top]
    fig = go.Figure(
        go.Bar(
            x=probs,
            y=labels,
            orientation="h",
            marker_color=colours,
            text=[f"{p:.1%}" for p in probs],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.2%}<extra></extra>",
        )
    )
    note = ""
    if actual is not None:
        note = (
            f"<br><span style='font-size:14px'>actual next: '{html.escape(vocab.display(actual))}'"
            + (" (green)" if actual in [c for c, _ in top] else " (not in the top 5)")
            + "</span>"
        )
    fig.update_layout(
        height=280,
        margin=dict(l=60, r=40, t=70, b=40),
        font=palette.FONT,
        title=dict(text=title + note, font_size=16),
        xaxis=dict(range=[0, 1.15], tickformat=".0%", title="probability"),
        yaxis=dict(autorange="reversed", type="category"),
        showlegend=False,
    )
    return fig


def saliency_bars(chars: str, sal: np.ndarray, t: int, window: tuple[int, int] | None = None) -> go.Figure:
    """sal (T,) gradient norms → bars over positions 0..t on a log axis; `window` shades the CNN's view."""
    sal = np.asarray(sal, np.float32)[: t + 1]
    x = np.arange(t + 1)
    shown = np.where(sal > 0, sal, np.nan)  # a log axis cannot draw 0 (it never occurs before t+1 in practice)
    fig = go.Figure(
        go.Bar(
            x=x,
            y=shown,
            marker_color=palette.RNN,
            customdata=[vocab.display(c) for c in chars[: t + 1]],
            hovertemplate="position %{x} '%{customdata}': %{y:.3g}<extra></extra>",
        )
    )
    if window is not None:  # shapes set directly: add_vrect costs ~10 ms per call
        fig.layout.shapes = [
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=window[0] - 0.5,
                x1=window[1] + 0.5,
                y0=0,
                y1=1,
                fillcolor=palette.CNN,
                opacity=0.12,
                line_width=0,
                layer="below",
            )
        ]
        fig.layout.annotations = [
            dict(
                text="the char CNN's window",
                xref="x",
                yref="paper",
                x=window[0] - 0.5,
                y=1,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font_size=13,
            )
        ]
    fig.update_layout(
        height=320,
        margin=dict(l=70, r=10, t=50, b=50),
        font=palette.FONT,
        title=dict(text=f"How much each character moves the prediction at position {t} (log scale)", font_size=16),
        xaxis=dict(range=[-0.5, t + 0.5], **_char_axis(chars, t + 1)),
        yaxis=dict(type="log", title="‖∂ log p / ∂ embedding‖", exponentformat="power", dtick=1),
        bargap=0.1,
        showlegend=False,
    )
    return fig
