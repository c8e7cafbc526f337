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
from explorer.figures import animation, palette
from explorer.figures.spec import SpecFigure

MAX_FRAMES = 100  # animation frames: a browser plays this many smoothly
CHAR_TICKS_UP_TO = 60  # label every column with its character up to this many columns


def _char_axis(chars: str, upto: int) -> dict:
    """x-axis ticks for character positions 1..upto (counted from 1, as on every page): the characters when
    few, else position 1 and every 10th."""
    if upto <= CHAR_TICKS_UP_TO:
        vals = list(range(1, upto + 1))
        return dict(tickmode="array", tickvals=vals, ticktext=[vocab.display(chars[i - 1]) for i in vals], tickangle=0)
    return dict(tickmode="array", tickvals=[1, *range(10, upto + 1, 10)], title=dict(text="character position"))


def _column_marker(t: int, colour: str = "black") -> dict:
    """An outline around the column of step t (0-based), drawn at character position t + 1."""
    return dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=t + 0.5,
        x1=t + 1.5,
        y0=0,
        y1=1,
        line=dict(color=colour, width=3),
        fillcolor="rgba(0,0,0,0)",
    )


def hidden_heatmap(hidden: np.ndarray, chars: str, t: int, unit: int | None = None, animate: bool = False) -> go.Figure:
    """hidden (T, H) → units × time heatmap revealed up to column t, column t outlined, `unit` marked.

    Static: the trace holds columns 0..t only (what the RNN has read). `animate=True` sends every
    column once and adds Play/Pause: each frame only moves a cover and the marker (light frames).
    Built in one constructor call from plain dicts: property-by-property updates cost ~8 ms more.
    """
    hidden = np.asarray(hidden, np.float32)
    n_steps, n_units = hidden.shape
    shown = hidden if animate else hidden[: t + 1]
    heatmap = dict(
        type="heatmap",
        z=shown.T,
        x=np.arange(1, shown.shape[0] + 1),
        y=np.arange(n_units),
        colorscale=palette.DIVERGING,
        zmin=-1,
        zmax=1,
        zmid=0,
        colorbar=dict(title=dict(text="h", side="right"), thickness=14, len=0.9),
        hovertemplate="character %{x}, unit %{y}: %{z:.3f}<extra></extra>",
    )
    fixed = []
    if unit is not None:
        fixed.append(
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
    layout = dict(
        height=420,
        margin=dict(l=60, r=10, t=50, b=50),
        font=palette.FONT,
        title=dict(
            text=f"Hidden state h, {n_units} units × {n_steps} steps (column = character read)", font=dict(size=16)
        ),
        xaxis=dict(range=[0.5, n_steps + 0.5], showgrid=False, **_char_axis(chars, n_steps)),
        yaxis=dict(title=dict(text="hidden unit"), range=[n_units - 0.5, -0.5], showgrid=False),
        shapes=[_column_marker(t), *fixed],
    )
    if not animate:
        return SpecFigure(data=[heatmap], layout=layout)
    steps = sorted(set(np.linspace(0, n_steps - 1, min(n_steps, MAX_FRAMES)).round().astype(int).tolist()))
    frames = [
        dict(name=str(i), layout=dict(shapes=[_cover(k, n_steps), _column_marker(k), *fixed]))
        for i, k in enumerate(steps)
    ]
    active = steps.index(min(steps, key=lambda k: abs(k - t)))
    layout.update(
        shapes=[_cover(t, n_steps), _column_marker(t), *fixed],
        height=520,
        margin=dict(l=60, r=10, t=50, b=130),
        **animation.play_controls(
            [str(k + 1) for k in steps], prefix="character ", frame_ms=80, active=active, y=-0.08
        ),
    )
    return SpecFigure(data=[heatmap], layout=layout, frames=frames)


def _cover(k: int, n_steps: int) -> dict:
    """A white sheet over the columns the RNN has not read yet at step k (0-based; positions k+2…)."""
    return dict(
        type="rect",
        xref="x",
        yref="paper",
        x0=k + 1.5,
        x1=max(k + 1.5, n_steps + 0.5),
        y0=0,
        y1=1,
        line=dict(width=0),
        fillcolor="white",
    )


def gate_bars(kind: str, values: dict, means: dict, unit: int) -> go.Figure:
    """values/means: block name → float at step t, for the chosen unit and averaged over all units."""
    names = [n for n in BLOCKS[kind] if n in values]  # the cell's own order (dicts from jax come sorted)
    # on two lines ("input<br>gate i"): four one-line names are turned on their side in a narrow column (a phone's, a
    # projector's half column) and then ran into the legend below them
    labels = [GATE_TITLES[n].replace(" ", "<br>", 1) for n in names]
    unit_vals = [float(values[n]) for n in names]
    lo = -1.15 if any(n not in SIGMOID_BLOCKS for n in names) else 0
    return SpecFigure(
        data=[
            dict(
                type="bar",
                name=f"unit {unit}",
                x=labels,
                y=unit_vals,
                marker=dict(color=palette.RNN),
                text=[f"{v:.3f}" for v in unit_vals],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y:.4f}<extra>unit " + str(unit) + "</extra>",
            ),
            dict(
                type="bar",
                name="mean over all units",
                x=labels,
                y=[float(means[n]) for n in names],
                marker=dict(color=palette.MUTED),
                hovertemplate="%{x}: %{y:.4f}<extra>mean</extra>",
            ),
        ],
        layout=dict(
            barmode="group",
            height=330,
            margin=dict(l=50, r=10, t=50, b=80),
            font=palette.FONT,
            title=dict(text=f"{'LSTM' if kind == 'lstm' else 'GRU'} gates at this step", font=dict(size=16)),
            yaxis=dict(range=[lo, 1.15], zeroline=True, title=dict(text="value")),
            xaxis=dict(tickangle=0),
            legend=dict(orientation="h", y=-0.36, yanchor="top", x=0),
        ),
    )


def top5_bars(top: list[tuple[str, float]], title: str, colour: str, actual: str | None = None) -> go.Figure:
    """top: [(character, probability)] most likely first → horizontal bars; `actual` (the real next character) is marked."""
    # Plotly reads titles and tick labels as markup: escape the characters ('<', '&').
    labels = [f"'{html.escape(vocab.display(c))}'" for c, _ in top]
    probs = [p for _, p in top]
    colours = [palette.TEXT_ACTUAL if c == actual else colour for c, _ in top]
    note = ""
    if actual is not None:
        note = (
            f"<br><span style='font-size:14px'>actual next: '{html.escape(vocab.display(actual))}'"
            + (" (green)" if actual in [c for c, _ in top] else " (not in the top 5)")
            + "</span>"
        )
    return SpecFigure(
        data=[
            dict(
                type="bar",
                x=probs,
                y=labels,
                orientation="h",
                marker=dict(color=colours),
                text=[f"{p:.1%}" for p in probs],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.2%}<extra></extra>",
            )
        ],
        layout=dict(
            height=280,
            margin=dict(l=60, r=40, t=70, b=40),
            font=palette.FONT,
            title=dict(text=title + note, font=dict(size=16)),
            xaxis=dict(range=[0, 1.15], tickformat=".0%", title=dict(text="probability")),
            yaxis=dict(autorange="reversed", type="category"),
            showlegend=False,
        ),
    )


def saliency_bars(chars: str, sal: np.ndarray, t: int, window: tuple[int, int] | None = None) -> go.Figure:
    """sal (T,) gradient norms → bars over character positions 1..t+1 (step t is 0-based) on a log axis;
    `window` (0-based, inclusive) shades the CNN's view. A log axis cannot draw an exact 0: such characters
    are counted in the title instead."""
    sal = np.asarray(sal, np.float32)[: t + 1]
    zeros = int(np.sum(sal == 0))
    shapes, annotations = [], []
    if window is not None:
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=window[0] + 0.5,
                x1=window[1] + 1.5,
                y0=0,
                y1=1,
                fillcolor=palette.CNN,
                opacity=0.12,
                line=dict(width=0),
                layer="below",
            )
        )
        annotations.append(
            dict(
                text="the char CNN's window",
                xref="x",
                yref="paper",
                x=window[0] + 0.5,
                y=1,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=13),
            )
        )
    zero_note = f"; {zeros} exactly 0, not drawn" if zeros else ""
    return SpecFigure(
        data=[
            dict(
                type="bar",
                x=np.arange(1, t + 2),
                y=np.where(sal > 0, sal, np.nan),
                marker=dict(color=palette.RNN),
                customdata=[html.escape(vocab.display(c)) for c in chars[: t + 1]],
                hovertemplate="character %{x} '%{customdata}': %{y:.3g}<extra></extra>",
            )
        ],
        layout=dict(
            height=320,
            margin=dict(l=70, r=10, t=50, b=50),
            font=palette.FONT,
            title=dict(
                text=f"How much each character moves the prediction after character {t + 1} (log scale{zero_note})",
                font=dict(size=16),
            ),
            xaxis=dict(range=[0.5, t + 1.5], **_char_axis(chars, t + 1)),
            yaxis=dict(type="log", title=dict(text="‖∂ log p / ∂ embedding‖"), exponentformat="power", dtick=1),
            bargap=0.1,
            showlegend=False,
            shapes=shapes,
            annotations=annotations,
        ),
    )
