"""Text drawn as a grid of characters, each cell coloured by a value: a unit's activation
(Karpathy-style cell visualisation), the char CNN's window, the probability of sampled text.

A Plotly heatmap with one character per cell, not HTML: the user's text is never markup.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.data import vocab
from explorer.figures import palette
from explorer.figures.spec import SpecFigure

GRID_WIDTH = 40  # characters per row
WINDOW_SCALE = [[0, "#eef1f4"], [1, "#9ecae1"]]  # outside / inside the CNN's window


def grid_layout(n: int, width: int = GRID_WIDTH) -> tuple[int, int]:
    """(rows, columns) of the grid that holds n characters."""
    return max(1, -(-n // width)), min(max(n, 1), width)


def _to_grid(values: np.ndarray, chars: str, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T,) → z (rows, cols) float32 with NaN padding, text labels, positions counted from 1 (0 = padding)."""
    n = len(chars)
    rows, cols = grid_layout(n, width)
    z = np.full(rows * cols, np.nan, np.float32)
    z[:n] = values
    text = np.full(rows * cols, "", dtype=object)
    text[:n] = [vocab.display(c) for c in chars]
    pos = np.zeros(rows * cols, np.int32)
    pos[:n] = np.arange(1, n + 1)
    return z.reshape(rows, cols), text.reshape(rows, cols), pos.reshape(rows, cols)


def char_grid(
    chars: str,
    values: np.ndarray,
    title: str,
    cursor: int | None = None,
    colorscale=palette.DIVERGING,
    zrange: tuple[float, float] = (-1.0, 1.0),
    value_name: str = "value",
    width: int = GRID_WIDTH,
    showscale: bool = True,
) -> go.Figure:
    """chars (T characters), values (T,) (NaN = not coloured) → a grid of characters, `cursor` (0-based) outlined."""
    values = np.asarray(values, np.float32).reshape(-1)
    if len(values) != len(chars):
        raise ValueError(f"{len(chars)} characters but {len(values)} values")
    z, text, pos = _to_grid(values, chars, width)
    rows, cols = z.shape
    shapes = []
    if cursor is not None and 0 <= cursor < len(chars):
        r, c = divmod(cursor, width)
        shapes.append(
            dict(
                type="rect",
                x0=c - 0.5,
                x1=c + 0.5,
                y0=r - 0.5,
                y1=r + 0.5,
                line=dict(color=palette.TEXT_CURSOR, width=3),
                fillcolor="rgba(0,0,0,0)",
            )
        )
    return SpecFigure(
        data=[
            dict(
                type="heatmap",
                z=z,
                text=text.tolist(),
                texttemplate="%{text}",
                textfont=dict(size=16, family="monospace"),
                customdata=pos,
                colorscale=colorscale,
                zmin=zrange[0],
                zmax=zrange[1],
                xgap=1,
                ygap=1,
                showscale=showscale,
                colorbar=dict(thickness=12, len=1.0, title=dict(text=value_name, side="right")),
                hovertemplate="character %{customdata}: " + value_name + " %{z:.3f}<extra></extra>",
            )
        ],
        layout=dict(
            height=70 + 34 * rows,
            margin=dict(l=10, r=10, t=45, b=10),
            font=palette.FONT,
            title=dict(text=title, font=dict(size=16)),
            shapes=shapes,
            plot_bgcolor="white",
            xaxis=dict(visible=False, range=[-0.5, cols - 0.5]),
            yaxis=dict(visible=False, range=[rows - 0.5, -0.5]),
        ),
    )


def unit_over_text(chars: str, activation: np.ndarray, unit: int, cursor: int) -> go.Figure:
    """activation (T,) of one hidden unit → the text coloured by it (blue negative, red positive)."""
    return char_grid(
        chars,
        activation,
        f"The text coloured by hidden unit {unit} (blue −1 … white 0 … red +1)",
        cursor,
        value_name=f"h[{unit}]",
        showscale=False,
    )


def cnn_window_grid(chars: str, t: int, window: tuple[int, int]) -> go.Figure:
    """Which characters the char CNN reads for its prediction at step t (blue), the rest grey, later ones blank."""
    values = np.zeros(len(chars), np.float32)
    values[window[0] : window[1] + 1] = 1.0
    values[t + 1 :] = np.nan
    title = f"The char CNN sees characters {window[0] + 1}–{window[1] + 1} ({window[1] - window[0] + 1} characters)"
    return char_grid(
        chars, values, title, t, colorscale=WINDOW_SCALE, zrange=(0, 1), value_name="seen", showscale=False
    )


def generation_grid(prompt: str, sampled: str, probs: np.ndarray, tail: int = GRID_WIDTH) -> go.Figure:
    """The last `tail` characters of the prompt (uncoloured), then the sampled ones coloured by their probability."""
    shown_prompt = prompt[-tail:]
    values = np.concatenate([np.full(len(shown_prompt), np.nan, np.float32), np.asarray(probs, np.float32)])
    return char_grid(
        shown_prompt + sampled,
        values,
        "Your text (end), then the sampled continuation coloured by each character's probability",
        colorscale=palette.SEQUENTIAL,
        zrange=(0, 1),
        value_name="p",
    )
