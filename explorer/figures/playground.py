"""Figures of the convolution playground: the chosen kernel with its numbers, the input and the whole output."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.figures import palette


def playground_result(padded: np.ndarray, kernel: np.ndarray, output: np.ndarray, padding: int) -> go.Figure:
    """padded (Hp, Wp) input with its zero border, kernel (k, k), output (Ho, Wo) → three panels side by side."""
    padded = np.asarray(padded, np.float32)
    kernel = np.asarray(kernel, np.float32)
    output = np.asarray(output, np.float32)
    k = kernel.shape[0]
    km = float(np.abs(kernel).max()) or 1.0
    om = float(np.abs(output).max()) or 1.0
    fig = make_subplots(
        rows=1,
        cols=3,
        horizontal_spacing=0.08,
        column_widths=[0.37, 0.26, 0.37],
        subplot_titles=(
            f"input {padded.shape[0] - 2 * padding} × {padded.shape[1] - 2 * padding}, padded by {padding}",
            f"kernel {k} × {k}",
            f"output {output.shape[0]} × {output.shape[1]}",
        ),
    )
    fig.add_trace(
        go.Heatmap(
            z=np.round(padded, 3),
            zmin=0,
            zmax=1,
            colorscale=palette.INK_SCALE,
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>",
        ),
        1,
        1,
    )
    if padding:
        n_h, n_w = padded.shape
        fig.add_shape(
            type="rect",
            x0=padding - 0.5,
            y0=padding - 0.5,
            x1=n_w - padding - 0.5,
            y1=n_h - padding - 0.5,
            line=dict(color=palette.HIGHLIGHT, width=2, dash="dot"),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Heatmap(
            z=np.round(kernel, 3),
            zmin=-km,
            zmax=km,
            zmid=0,
            colorscale=palette.DIVERGING,
            text=[[f"{v:.2f}" for v in r] for r in kernel],
            texttemplate="%{text}" if k <= 5 else None,
            textfont=dict(size=14),
            showscale=False,
            hovertemplate="%{z:.3f}<extra></extra>",
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Heatmap(
            z=np.round(output, 3),
            zmin=-om,
            zmax=om,
            zmid=0,
            colorscale=palette.DIVERGING,
            colorbar=dict(title="output", len=0.85, thickness=12),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        ),
        1,
        3,
    )
    for i in (1, 2, 3):
        fig.update_xaxes(visible=False, constrain="domain", row=1, col=i)
        fig.update_yaxes(
            visible=False, autorange="reversed", scaleanchor=f"x{'' if i == 1 else i}", constrain="domain", row=1, col=i
        )
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=60, b=10), font=palette.FONT)
    fig.update_annotations(font_size=14)
    return fig
