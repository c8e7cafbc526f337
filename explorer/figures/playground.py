"""Figures of the convolution playground: the chosen kernel with its numbers, the input and the whole output."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.figures import palette
from explorer.figures.spec import SpecFigure, subplot_row


def playground_result(padded: np.ndarray, kernel: np.ndarray, output: np.ndarray, padding: int) -> go.Figure:
    """padded (Hp, Wp) input with its zero border, kernel (k, k), output (Ho, Wo) → three panels side by side."""
    padded = np.asarray(padded, np.float32)
    kernel = np.asarray(kernel, np.float32)
    output = np.asarray(output, np.float32)
    k = kernel.shape[0]
    km = float(np.abs(kernel).max()) or 1.0
    om = float(np.abs(output).max()) or 1.0
    layout = subplot_row(
        [
            f"input {padded.shape[0] - 2 * padding} × {padded.shape[1] - 2 * padding}, padded by {padding}",
            f"kernel {k} × {k}",
            f"output {output.shape[0]} × {output.shape[1]}",
        ],
        [0.37, 0.26, 0.37],
        0.08,
        images={1, 2, 3},
    )
    if padding:
        n_h, n_w = padded.shape
        layout["shapes"] = [
            dict(
                type="rect",
                xref="x",
                yref="y",
                x0=padding - 0.5,
                y0=padding - 0.5,
                x1=n_w - padding - 0.5,
                y1=n_h - padding - 0.5,
                line=dict(color=palette.HIGHLIGHT, width=2, dash="dot"),
            )
        ]
    layout.update(height=360, margin=dict(l=10, r=10, t=60, b=10), font=palette.FONT)
    return SpecFigure(
        data=[
            dict(
                type="heatmap",
                z=np.round(padded, 3),
                zmin=0,
                zmax=1,
                colorscale=palette.INK_SCALE,
                showscale=False,
                hovertemplate="row %{y}, col %{x}: %{z:.2f}<extra></extra>",
            ),
            dict(
                type="heatmap",
                z=np.round(kernel, 3),
                zmin=-km,
                zmax=km,
                zmid=0,
                colorscale=palette.DIVERGING,
                text=[[f"{v:.2f}" for v in r] for r in kernel],
                textfont=dict(size=14),
                showscale=False,
                hovertemplate="%{z:.3f}<extra></extra>",
                xaxis="x2",
                yaxis="y2",
                **(dict(texttemplate="%{text}") if k <= 5 else {}),
            ),
            dict(
                type="heatmap",
                z=np.round(output, 3),
                zmin=-om,
                zmax=om,
                zmid=0,
                colorscale=palette.DIVERGING,
                colorbar=dict(title=dict(text="output"), len=0.85, thickness=12),
                hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
                xaxis="x3",
                yaxis="y3",
            ),
        ],
        layout=layout,
    )
