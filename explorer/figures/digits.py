"""Figures of the Digit page: the preprocessing strip and the class probabilities."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from explorer.compute import printing
from explorer.figures import palette
from explorer.figures.spec import SpecFigure, axis_names, subplot_row

STRIP_PIXELS = 150  # each stage is sent at most this many pixels wide, the widest its tile is drawn (light.py):
# the 280 × 280 canvas goes as 140 × 140 (2 × 2 blocks), sharp in a 150 px tile; at 84 it went as 70 × 70, blocky


def _to_uint8(img: np.ndarray, max_side: int = STRIP_PIXELS) -> np.ndarray:
    """float 0..1 (H, W) → uint8 (h, w), block-averaged so the longer side is at most `max_side`."""
    grey = (np.clip(np.asarray(img, np.float32), 0, 1) * 255).round().astype(np.uint8)
    step = max(1, int(np.ceil(max(grey.shape) / max_side)))
    if step > 1:  # Pillow's box average over step × step blocks (the last ones partial)
        grey = np.asarray(Image.fromarray(np.ascontiguousarray(grey), "L").reduce(step))
    return grey


def preprocessing_strip(stages: list[tuple[str, np.ndarray]]) -> go.Figure:
    """One grey image per stage, left to right, titled with the stage and its size in pixels."""
    titles = [f"{name}<br>{img.shape[0]}×{img.shape[1]}" for name, img in stages]
    layout = subplot_row(titles, spacing=0.04)
    for key in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        layout[key]["visible"] = False
    layout.update(height=230, margin=dict(l=5, r=5, t=60, b=5), font=palette.FONT)
    data = []
    for i, (_, img) in enumerate(stages, start=1):
        xaxis, yaxis = axis_names(i)
        data.append(dict(type="image", source=png_data_url(_to_uint8(img)), hoverinfo="skip", xaxis=xaxis, yaxis=yaxis))
    return SpecFigure(data=data, layout=layout)


def png_data_url(grey: np.ndarray) -> str:
    """A (h, w) uint8 grey image as a PNG data URL, what an image trace's `source` shows pixel for pixel.

    Lossless, and a digit is mostly black: 0.3–1 kB where the same pixels as an RGB `z` array were 6–20 kB."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(grey, np.uint8), "L").save(buffer, format="PNG", compress_level=6)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def probability_bars(probs: np.ndarray, title: str, colour: str) -> go.Figure:
    """probs (10,) → bars for digits 0–9, the most likely one in `colour`, the rest muted."""
    probs = np.asarray(probs, np.float64).reshape(10)
    top = int(np.argmax(probs))
    colours = [colour if d == top else palette.MUTED for d in range(10)]
    return SpecFigure(
        data=[
            dict(
                type="bar",
                x=[str(d) for d in range(10)],
                y=probs,
                marker=dict(color=colours),
                text=[printing.share(p) if p >= 0.005 else "" for p in probs],
                textposition="outside",
                textfont=dict(size=14),
                constraintext="none",
                cliponaxis=False,
                hovertemplate="digit %{x}: %{y:.2%}<extra></extra>",
            )
        ],
        layout=dict(
            title=dict(text=title, font=dict(size=15)),
            height=280,
            margin=dict(l=5, r=5, t=50, b=40),
            # no axis title: the ticks say "%", and the ~20 px it took are the digits' room in a 150 px column
            # (a tablet's), where ten labels at 15 px ran into each other
            yaxis=dict(range=[0, 1.12], tickformat=".0%", tickfont=dict(size=12)),
            # every digit labelled, even in a narrow column (Plotly would skip every other one)
            xaxis=dict(title=dict(text="digit", font=dict(size=14)), type="category", tickfont=dict(size=13), dtick=1),
            font=palette.FONT,
            showlegend=False,
        ),
    )
