"""Figures of the Hybrid page: the clip playing, and what the hybrid computes frame by frame."""

from __future__ import annotations

import numpy as np

from explorer.compute import printing
from explorer.figures import animation, palette
from explorer.figures.spec import SpecFigure, fit_image


def clip_animation(clip: np.ndarray, title: str) -> SpecFigure:
    """The clip's frames (T, S, S) in 0..1 as an animation with ▶ play and a frame slider."""
    frames = np.asarray(clip, np.float32)
    heat = dict(type="heatmap", colorscale="gray", zmin=0, zmax=1, showscale=False, hoverinfo="skip")
    layout = dict(
        title=dict(text=title, font=dict(size=15)),
        height=380,
        margin=dict(l=10, r=10, t=40, b=90),
        font=palette.FONT,
        xaxis=dict(visible=False, constrain="domain"),
        yaxis=dict(visible=False, autorange="reversed", scaleanchor="x", constrain="domain"),
        **animation.play_controls(
            [str(i + 1) for i in range(len(frames))], prefix="frame ", frame_ms=350, slider_x=0.34
        ),
    )
    fit_image({"xaxis": layout["xaxis"], "yaxis": layout["yaxis"]}, 1, frames[0].shape)
    return SpecFigure(
        data=[dict(heat, z=np.round(frames[0], 3))],
        layout=layout,
        frames=[dict(name=str(i), data=[dict(heat, z=np.round(f, 3))]) for i, f in enumerate(frames)],
    )


def over_frames(values: np.ndarray, title: str, labels: list[str], *, probabilities: bool = False) -> SpecFigure:
    """(T, K) values after each frame as a K × T heatmap: features or states (signed), or probabilities (0..1)."""
    values = np.asarray(values, np.float32)
    frames = [str(i + 1) for i in range(values.shape[0])]
    bound = 1.0 if probabilities else float(np.abs(values).max() or 1.0)
    trace = dict(
        type="heatmap",
        z=np.round(values.T, 3),
        x=frames,
        y=labels,
        colorscale="Viridis" if probabilities else "RdBu_r",
        zmin=0 if probabilities else -bound,
        zmax=bound,
        colorbar=dict(thickness=10, len=0.9),
        hovertemplate="after frame %{x}, %{y}: %{z:.3f}<extra></extra>",
    )
    if probabilities:
        trace.update(
            text=[[printing.share(v) for v in row] for row in values.T], texttemplate="%{text}", textfont=dict(size=11)
        )
    return SpecFigure(
        data=[trace],
        layout=dict(
            title=dict(text=title, font=dict(size=14)),
            height=140 + 14 * len(labels) if probabilities else 300,
            margin=dict(l=70, r=10, t=40, b=40),
            font=palette.FONT,
            xaxis=dict(title=dict(text="after frame"), type="category"),
            yaxis=dict(type="category", autorange="reversed", showticklabels=len(labels) <= 12),
        ),
    )
