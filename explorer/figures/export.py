"""Figures as standalone files for slides: HTML with Plotly's JavaScript inside, that plays offline."""

from __future__ import annotations

from collections.abc import Callable

import plotly.io as pio

from explorer.figures.spec import SpecFigure


def standalone_html(fig: SpecFigure | Callable[[], SpecFigure], title: str) -> str:
    """One self-contained HTML page: plotly.js embedded (no network needed, it plays from file://), the figure's
    frames and its ▶ play controls, at a fixed slide-friendly width.

    `fig` may be a builder called only now, so a figure only the download needs (the Text page's animated
    heatmap) costs no rerun that does not press the button."""
    if not isinstance(fig, SpecFigure) and callable(fig):
        fig = fig()
    html = pio.to_html(
        fig.to_dict(),
        include_plotlyjs=True,
        full_html=True,
        validate=False,
        auto_play=False,
        default_width="100%",
        default_height=fig.spec["layout"].get("height", 480),
        config={"displaylogo": False, "responsive": True},
    )
    return html.replace("<head>", f"<head><title>{_escape(title)}</title>", 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
