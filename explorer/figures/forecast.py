"""Figures of the Forecast page: the series with every model's held-out forecasts, the RNN reading a window, the
causal CNN's layers over the same window."""

from __future__ import annotations

import numpy as np

from explorer.figures import palette
from explorer.figures.spec import SpecFigure, subplot_row

AR_COLOUR = "#2ca02c"
LINES = {  # name → (colour, dash)
    "GRU (RNN)": (palette.RNN, "solid"),
    "causal CNN": (palette.CNN, "solid"),
    "linear AR": (AR_COLOUR, "dash"),
    "persistence": (palette.MLP, "dot"),
    "seasonal naive": ("#9467bd", "dot"),
}


def series_figure(years: np.ndarray, values: np.ndarray, start: int, forecasts: dict, title: str) -> SpecFigure:
    """The series (training years grey, held-out years black) with each model's forecast of the held-out years."""
    data = [
        dict(
            type="scatter",
            x=years[: start + 1],
            y=values[: start + 1],
            mode="lines",
            name="training years",
            line=dict(color="#b0b0b0", width=2),
        ),
        dict(
            type="scatter",
            x=years[start:],
            y=values[start:],
            mode="lines+markers",
            name="what happened",
            line=dict(color="black", width=3),
            marker=dict(size=5),
        ),
    ]
    for name, prediction in forecasts.items():
        colour, dash = LINES.get(name, (palette.MUTED, "solid"))
        data.append(
            dict(
                type="scatter",
                x=years[start:],
                y=np.round(np.asarray(prediction, np.float64), 2),
                mode="lines",
                name=name,
                line=dict(color=colour, width=2.5, dash=dash),
                hovertemplate="%{x}: %{y:.1f}<extra>" + name + "</extra>",
            )
        )
    return SpecFigure(
        data=data,
        layout=dict(
            title=dict(text=title, font=dict(size=16)),
            height=420,
            margin=dict(l=60, r=20, t=60, b=50),
            font=palette.FONT,
            xaxis=dict(title=dict(text="year"), range=[int(years[start]) - 45, int(years[-1]) + 1]),
            yaxis=dict(title=dict(text="sunspot number"), rangemode="tozero"),
            legend=dict(orientation="h", x=0, y=-0.18, yanchor="top"),
        ),
    )


def rnn_reading_figure(
    years: np.ndarray, window: np.ndarray, readout: np.ndarray, hidden: np.ndarray, read: int, target: float
) -> SpecFigure:
    """Left: the window's years (those read so far solid), the RNN's forecast of the next year after each year it
    has read, and what really came next. Right: its hidden state after each year read (units × years)."""
    layout = subplot_row(["the window and the forecast forming", "hidden state after each year read"], [0.6, 0.4])
    next_year = int(years[-1]) + 1
    data = [
        dict(
            type="bar",
            x=years,
            y=window,
            marker=dict(color=[palette.RNN if i < read else "#e5e5e5" for i in range(len(window))]),
            name="the years read",
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=years[:read] + 1,
            y=np.round(readout[:read], 2),
            mode="lines+markers",
            name="its forecast, after reading up to here",
            line=dict(color="black", width=2),
            hovertemplate="forecast for %{x}: %{y:.1f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=[next_year],
            y=[target],
            mode="markers",
            name=f"what {next_year} really was",
            marker=dict(symbol="star", size=16, color=palette.HIGHLIGHT),
        ),
        dict(
            type="heatmap",
            z=np.round(np.where(np.arange(hidden.shape[0])[:, None] < read, hidden, np.nan).T, 3),
            x=years,
            colorscale="RdBu_r",
            zmin=-1,
            zmax=1,
            colorbar=dict(thickness=10, len=0.8, title=dict(text="h")),
            hovertemplate="after %{x}, unit %{y}: %{z:.3f}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    layout["xaxis"].update(title=dict(text="year"))
    layout["yaxis"].update(title=dict(text="sunspot number"), rangemode="tozero")
    layout["xaxis2"].update(title=dict(text="year read"))
    layout["yaxis2"].update(title=dict(text="hidden unit"), autorange="reversed")
    layout.update(
        height=380,
        margin=dict(l=60, r=20, t=40, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"),
    )
    return SpecFigure(data=data, layout=layout)


def cnn_layers_figure(years: np.ndarray, layers: list[np.ndarray], dilations, receptive_field: int) -> SpecFigure:
    """Each causal layer's output over the window (channels × years); the band marks what the last position, the
    one the forecast is read from, can see."""
    titles = [f"layer {i + 1}: kernel 3, dilation {d}" for i, d in enumerate(dilations)]
    layout = subplot_row(titles, spacing=0.05)
    data = []
    for i, layer in enumerate(layers, start=1):
        data.append(
            dict(
                type="heatmap",
                z=np.round(np.asarray(layer).T, 3),
                x=years,
                colorscale="Viridis",
                zmin=0,
                showscale=i == len(layers),
                colorbar=dict(thickness=10, len=0.8),
                hovertemplate="%{x}, channel %{y}: %{z:.3f}<extra></extra>",
                xaxis="x" if i == 1 else f"x{i}",
                yaxis="y" if i == 1 else f"y{i}",
            )
        )
    first_seen = int(years[-1]) - receptive_field + 1
    layout["shapes"] = [
        dict(
            type="rect",
            xref="x" if i == 1 else f"x{i}",
            yref="paper",
            x0=max(first_seen, int(years[0])) - 0.5,
            x1=int(years[-1]) + 0.5,
            y0=0,
            y1=1,
            line=dict(color=palette.HIGHLIGHT, width=2),
            fillcolor="rgba(0,0,0,0)",
        )
        for i in range(1, len(layers) + 1)
    ]
    for i in range(1, len(layers) + 1):
        layout["yaxis" if i == 1 else f"yaxis{i}"].update(title=dict(text="channel" if i == 1 else ""))
    layout.update(height=300, margin=dict(l=60, r=20, t=40, b=40), font=palette.FONT)
    return SpecFigure(data=data, layout=layout)
