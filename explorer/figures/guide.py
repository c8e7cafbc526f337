"""Figures of the Guide page: the hybrid CNN→RNN model drawn in code. Pure builders."""

from __future__ import annotations

from explorer.figures import palette
from explorer.figures.spec import SpecFigure

_ROWS = {"input": 4.0, "cnn": 3.0, "feature": 2.0, "rnn": 1.0, "output": 0.0}  # y of each stage


def _box(
    layout: dict, x: float, y: float, text: str, fill: str, w: float = 0.7, h: float = 0.5, font_colour: str = "white"
) -> None:
    layout["shapes"].append(
        dict(
            type="rect",
            x0=x - w / 2,
            x1=x + w / 2,
            y0=y - h / 2,
            y1=y + h / 2,
            fillcolor=fill,
            line=dict(color="black", width=1),
        )
    )
    layout["annotations"].append(dict(x=x, y=y, text=text, showarrow=False, font=dict(color=font_colour, size=15)))


def _arrow(layout: dict, x0: float, y0: float, x1: float, y1: float, colour: str = "black", text: str = "") -> None:
    layout["annotations"].append(
        dict(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=2,
            arrowsize=1.2,
            arrowwidth=2,
            arrowcolor=colour,
        )
    )
    if text:
        layout["annotations"].append(
            dict(x=(x0 + x1) / 2, y=(y0 + y1) / 2 + 0.18, text=text, showarrow=False, font=dict(size=14, color=colour))
        )


def hybrid_diagram(steps: int = 4, inputs: tuple[str, ...] = (), outputs: tuple[str, ...] = ()) -> SpecFigure:
    """A CNN applied to each grid (the same weights every time), its features read in order by an RNN.

    inputs / outputs: labels for each step (e.g. frame names and caption words); defaults are generic.
    """
    inputs = inputs or tuple(f"frame {t + 1}" for t in range(steps))
    outputs = outputs or tuple(f"y{t + 1}" for t in range(steps))
    layout = dict(
        shapes=[],
        annotations=[],
        xaxis=dict(visible=False, range=[-2.3, steps - 0.4]),
        yaxis=dict(visible=False, range=[-0.5, 4.5]),
        height=480,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        font=palette.FONT,
        showlegend=False,
    )  # the layout: the diagram is shapes and annotations only
    for t in range(steps):
        x = float(t)
        _box(layout, x, _ROWS["input"], inputs[t], "#444444")
        _arrow(layout, x, _ROWS["input"] - 0.27, x, _ROWS["cnn"] + 0.27)
        _box(layout, x, _ROWS["cnn"], "CNN", palette.CNN)
        _arrow(layout, x, _ROWS["cnn"] - 0.27, x, _ROWS["feature"] + 0.17)
        _box(layout, x, _ROWS["feature"], "features", "#dbe9f6", h=0.3, font_colour="black")
        _arrow(layout, x, _ROWS["feature"] - 0.17, x, _ROWS["rnn"] + 0.27)
        _box(layout, x, _ROWS["rnn"], "RNN cell", palette.RNN)
        _arrow(layout, x, _ROWS["rnn"] - 0.27, x, _ROWS["output"] + 0.22)
        _box(layout, x, _ROWS["output"], outputs[t], "white", h=0.4, font_colour="black")
        if t + 1 < steps:
            _arrow(layout, x + 0.37, _ROWS["rnn"], x + 0.63, _ROWS["rnn"], palette.RNN, f"h{t + 1}")
    labels = {
        "input": "input grids",
        "cnn": "same CNN weights<br>for every grid",
        "feature": "one vector per grid",
        "rnn": "RNN: state carried<br>from step to step",
        "output": "one output per step",
    }
    for row, label in labels.items():
        layout["annotations"].append(
            dict(x=-0.55, y=_ROWS[row], text=label, showarrow=False, xanchor="right", font=dict(size=14))
        )
    return SpecFigure([], layout)
