"""Figures of the Training page: learning curves, weights as pictures, the gradients of one step."""

from __future__ import annotations

import numpy as np

from explorer.figures import palette
from explorer.figures.spec import SpecFigure, axis_names, fit_image, subplot_row

COLOURS = {"digit-cnn": palette.CNN, "row-rnn-lstm": palette.RNN, "digit-mlp": palette.MLP}
TITLES = {"digit-cnn": "CNN", "row-rnn-lstm": "row RNN (LSTM)", "digit-mlp": "MLP (no structure)"}


def learning_curves(runs: dict, index: int, against: str = "steps") -> SpecFigure:
    """Held-out accuracy (left) and training loss (right) of each digit model's shipped run, against optimiser
    steps (log scale) or the training seconds measured during that run; a ring marks checkpoint `index`."""
    layout = subplot_row(["held-out accuracy", "training loss (mean since the previous checkpoint)"], spacing=0.1)
    data = []
    for name, run in runs.items():
        x = np.asarray(run.steps if against == "steps" else run.seconds, np.float64)
        if against == "steps":
            x = np.maximum(x, 0.8)  # step 0 (untrained) sits just left of step 1 on the log axis
        colour = COLOURS.get(name, palette.MUTED)
        k = min(index, len(x) - 1)
        for i, (y, fmt) in enumerate(((run.heldout_score, ".1%"), (run.train_loss, ".3f")), start=1):
            xa, ya = axis_names(i)
            y = np.asarray(y, np.float64)
            common = dict(type="scatter", legendgroup=name, line=dict(color=colour, width=3), xaxis=xa, yaxis=ya)
            hover = f"%{{x:,.4g}}: %{{y:{fmt}}}<extra>{TITLES.get(name, name)}</extra>"
            # the run up to the chosen checkpoint, solid; the rest of it, faint (the axes stay those of the run)
            data.append(
                dict(
                    common,
                    x=x[: k + 1],
                    y=y[: k + 1],
                    mode="lines+markers",
                    name=TITLES.get(name, name),
                    showlegend=i == 1,
                    marker=dict(size=7),
                    hovertemplate=hover,
                )
            )
            data.append(
                dict(common, x=x[k:], y=y[k:], mode="lines", opacity=0.2, showlegend=False, hovertemplate=hover)
            )
            if np.isfinite(y[k]):
                data.append(
                    dict(
                        type="scatter",
                        x=[x[k]],
                        y=[float(y[k])],
                        mode="markers",
                        showlegend=False,
                        hoverinfo="skip",
                        marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color=palette.HIGHLIGHT, width=3)),
                        xaxis=xa,
                        yaxis=ya,
                    )
                )
    title = "optimiser steps (log scale)" if against == "steps" else "training seconds, measured during the run"
    every = np.concatenate(
        [np.asarray(r.steps if against == "steps" else r.seconds, np.float64) for r in runs.values()]
    )
    span = [np.log10(0.7), np.log10(every.max() * 1.3)] if against == "steps" else [0, every.max() * 1.03]
    for i in (1, 2):
        xkey = "xaxis" if i == 1 else f"xaxis{i}"
        layout[xkey].update(title=dict(text=title), type="log" if against == "steps" else "linear", range=span)
    layout["yaxis"].update(tickformat=".0%", range=[0, 1.02])
    losses = np.concatenate([np.asarray(r.train_loss, np.float64) for r in runs.values()])
    layout["yaxis2"].update(range=[0, float(np.nanmax(losses)) * 1.05])
    layout.update(
        height=360,
        margin=dict(l=60, r=20, t=40, b=60),
        font=palette.FONT,
        legend=dict(orientation="h", x=0, y=1.12, yanchor="bottom", entrywidth=190),
    )
    return SpecFigure(data=data, layout=layout)


def tiles(images: np.ndarray, titles: list[str], *, signed: bool = True, height: int = 170) -> SpecFigure:
    """A row of small pictures (N, h, w): weights (signed: blue negative, red positive, one scale for all, white
    zero) or activations (viridis from 0)."""
    images = np.asarray(images, np.float32)
    n = len(images)
    layout = subplot_row(titles, spacing=0.012 if n > 8 else 0.02, title_size=12, images=set(range(1, n + 1)))
    bound = float(np.abs(images).max()) or 1.0
    data = []
    for i, image in enumerate(images, start=1):
        xa, ya = axis_names(i)
        data.append(
            dict(
                type="heatmap",
                z=np.round(image, 4),
                colorscale="RdBu_r" if signed else "Viridis",
                zmin=-bound if signed else 0.0,
                zmax=bound,
                showscale=i == n,
                colorbar=dict(thickness=10, len=0.9),
                hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>",
                xaxis=xa,
                yaxis=ya,
            )
        )
        fit_image(layout, i, image.shape)
    layout.update(height=height, margin=dict(l=5, r=5, t=28, b=5), font=palette.FONT)
    return SpecFigure(data=data, layout=layout)


def live_curves(history: list[tuple[int, float, float | None]]) -> SpecFigure:
    """A live run: training loss (left) and held-out accuracy where it was measured (right) against steps."""
    layout = subplot_row(["training loss", "held-out accuracy"], spacing=0.12)
    steps = np.asarray([h[0] for h in history], np.float64)
    loss = np.asarray([h[1] for h in history], np.float64)
    measured = [(h[0], h[2]) for h in history if h[2] is not None]
    data = [
        dict(type="scatter", x=steps, y=loss, mode="lines", line=dict(color=palette.CNN, width=2), name="loss"),
        dict(
            type="scatter",
            x=[m[0] for m in measured],
            y=[m[1] for m in measured],
            mode="lines+markers",
            line=dict(color=palette.RNN, width=2),
            name="held-out accuracy",
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    layout["xaxis"].update(title=dict(text="optimiser steps"), rangemode="tozero")
    layout["xaxis2"].update(title=dict(text="optimiser steps"), rangemode="tozero")
    layout["yaxis"].update(rangemode="tozero")
    layout["yaxis2"].update(tickformat=".0%", range=[0, 1.02])
    layout.update(height=300, margin=dict(l=60, r=20, t=40, b=50), font=palette.FONT, showlegend=False)
    return SpecFigure(data=data, layout=layout)


def vector_bars(values: np.ndarray, title: str, labels: list[str] | None = None, height: int = 220) -> SpecFigure:
    """One bar per entry of a vector (a layer's values or gradients), red positive, blue negative."""
    values = np.asarray(values, np.float64).reshape(-1)
    labels = labels or [str(i) for i in range(len(values))]
    colours = [palette.RNN if v > 0 else palette.CNN for v in values]
    return SpecFigure(
        data=[
            dict(
                type="bar",
                x=labels,
                y=values,
                marker=dict(color=colours),
                hovertemplate="%{x}: %{y:.4g}<extra></extra>",
            )
        ],
        layout=dict(
            title=dict(text=title, font=dict(size=15)),
            height=height,
            margin=dict(l=60, r=10, t=45, b=40),
            font=palette.FONT,
            xaxis=dict(type="category", tickfont=dict(size=11 if len(values) > 20 else 14)),
            yaxis=dict(zeroline=True, zerolinecolor="#444"),
        ),
    )
