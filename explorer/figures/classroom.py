"""Figures of the Class page's projector: one confusion matrix per network over the room's sketches."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.figures import palette
from explorer.figures.spec import SpecFigure

DIGITS = [str(d) for d in range(10)]


def confusion_heatmap(counts: np.ndarray, title: str, colour: str) -> go.Figure:
    """counts (10, 10): row = the digit the students meant, column = the network's answer; each cell is labelled
    with its count (empty when 0), the diagonal is what the network read right."""
    counts = np.asarray(counts, np.int64).reshape(10, 10)
    text = [[str(c) if c else "" for c in row] for row in counts.tolist()]
    return SpecFigure(
        data=[
            dict(
                type="heatmap",
                z=counts,
                x=DIGITS,
                y=DIGITS,
                text=text,
                texttemplate="%{text}",
                textfont=dict(size=14),
                colorscale=[[0.0, "#ffffff"], [1.0, colour]],
                zmin=0,
                zmax=max(1, int(counts.max(initial=0))),
                showscale=False,
                xgap=1,
                ygap=1,
                hovertemplate="meant %{y}, read as %{x}: %{z}<extra></extra>",
            )
        ],
        layout=dict(
            title=dict(text=title, font=dict(size=16)),
            height=360,
            margin=dict(l=60, r=10, t=50, b=50),
            xaxis=dict(title=dict(text="the network's answer"), type="category", dtick=1, side="bottom"),
            yaxis=dict(title=dict(text="the digit meant"), type="category", dtick=1, autorange="reversed"),
            font=palette.FONT,
            plot_bgcolor="#f3f5f7",
        ),
    )
