"""The app on phones, tablets and small laptops: one style sheet of media queries, drawn once per run by
streamlit_app.py (a <style> element; the proxy's Content-Security-Policy allows inline styles, `style-src
'unsafe-inline'`, and no script is needed).

Streamlit lays columns side by side from 640 px up and stacks them below; Plotly draws every chart at the width of
its column, with text in fixed pixels. What that leaves wrong, and what this sheet does about it:
- the Digit page's input column (28 % of the row) was narrower than its 280 px canvas on tablets, so part of the
  canvas could not be drawn on: the column never gets narrower than the canvas, and on portrait tablets the input
  takes its own row with the three answers side by side below it; on a phone the canvas comes after its controls,
  so that the answers are right under it;
- charts of several panels side by side, or of a long sequence, cannot be read at a phone's 360 px (their
  titles run into each other): below 640 px they keep the width they need and scroll sideways inside their own
  box under a finger, never the page (WIDE_CHARTS);
- a displayed equation is set a little smaller on a phone, and scrolls inside its box when still too wide;
- a page link's label wraps instead of being cut at the screen's edge.
"""

from __future__ import annotations

import streamlit as st

from explorer.figures import light

CANVAS_COLUMN_PX = 300  # the Digit canvas (280 px) and its border, with room to spare
PHONE_MAX_PX = 639.98  # below Streamlit's 640 px, columns stack: one column, a phone's width
PORTRAIT_TABLET_MAX_PX = 919.98  # below this, three answers beside a 300 px input column would be ~130 px each

# Charts that need more than a phone's width, by their `ui.plot` key (exactly: the chart's "Download as HTML"
# button, keyed "<key>-html", keeps the column's width), with the width in px they are drawn at on a phone. Below it their titles overlap or are cut, and their cells
# are too small to read.
WIDE_CHARTS: dict[str, int] = {
    "inside-overview-chart": 760,  # Digit: nine layer columns of 8–16 maps, each titled with its shape
    "inside-conv-animation": 720,  # Digit: input with the window, products, output map, three titled panels
    "inside-relu": 600,  # Digit: before, removed, after ReLU
    "pg-animation": 720,  # Digit playground: the same three panels for the student's own kernel
    "pg-result-chart": 600,  # Digit playground: input, kernel, result
    "compare-row-reading": 760,  # Compare: row read, hidden state, p(digit); play/pause (~150 px) left of the slider
    "compare-cnn-maps": 560,  # Compare: 8 + 16 maps in two rows
    "compare-reach-figure": 640,  # Compare: one bar per character of the text
    "forecast-rnn-figure": 640,  # Forecast: the window and the hidden state, side by side
    "forecast-cnn-figure": 720,  # Forecast: three dilated layers side by side
    "training-curves-figure": 640,  # Training: loss and accuracy side by side
    "training-kernels": 560,  # Training: eight kernels in a row
    "training-maps": 560,  # Training: eight maps in a row
    "training-mlp-weights": 640,  # Training: twelve units' weights in a row
    "gate-bars": 520,  # Text: four gates' names, turned on their side below ~500 px, ran into the legend
    "hidden-heatmap": 640,  # Text: 128 units × one column per character
    "unit-grid": 640,  # Text: the text coloured character by character
    "saliency-bars": 640,  # Text: one bar per character
    "generation-grid": 640,  # Text: the continuation character by character
    "sentiment-ngram-bars": 560,  # Sentiment: quoted phrases as bar labels, the bars' values beside them
    "guide-hybrid-figure": 640,  # Guide: the hybrid diagram, its row labels left of four steps
}


def _wide_chart_rules() -> str:
    rules = []
    for key, width in WIDE_CHARTS.items():
        box = f".st-key-{key}"
        rules.append(f"{box} {{ overflow-x: auto; overflow-y: hidden; }} {box} > * {{ min-width: {width}px; }}")
        # Plotly's drag layer takes every touch for zooming, so a finger could not scroll the box: on a phone it
        # lets touches through (a tap's hover label is what is given up; the play buttons and sliders still work)
        rules.append(f"{box} .draglayer * {{ pointer-events: none !important; }}")
    return "\n  ".join(rules)


# (:has() cannot be nested, so the row is found by the path down to the canvas, not through _CANVAS_COLUMN)
_HOLDS_CANVAS = ':has(> [data-testid="stVerticalBlock"] > .st-key-digit-canvas)'
_CANVAS_COLUMN = f'[data-testid="stColumn"]{_HOLDS_CANVAS}'
_CANVAS_ROW = '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] > [data-testid="stVerticalBlock"] > .st-key-digit-canvas)'

STYLE = f"""
<style>
/* the canvas's frame keeps its place while it loads (it reports its height only once drawn, about 340-400 px): the
   controls under it do not jump down, and a tap meant for them cannot land on the canvas as it appears */
.st-key-digit-canvas iframe, .st-key-class_canvas iframe {{ min-height: 330px; }}
/* a "See it: …" page link wraps onto a second line instead of being cut at a narrow screen's edge */
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p {{ white-space: normal; overflow: visible; }}
[data-testid="stPageLink-NavLink"] {{ height: auto; }}
@media (min-width: {PORTRAIT_TABLET_MAX_PX + 0.02:.0f}px) {{
  {_CANVAS_COLUMN} {{ flex: 0 0 {CANVAS_COLUMN_PX}px; min-width: {CANVAS_COLUMN_PX}px; }}
  {_CANVAS_ROW} {{ column-gap: 1.5rem; }}
  {_CANVAS_ROW} > [data-testid="stColumn"]:not({_HOLDS_CANVAS}) {{ flex: 1 1 0; min-width: 0; }}
}}
@media (max-width: {PORTRAIT_TABLET_MAX_PX}px) {{
  {_CANVAS_ROW} {{ row-gap: 1rem; }}  /* the answers close under the input once they are stacked */
}}
@media (min-width: 640px) and (max-width: {PORTRAIT_TABLET_MAX_PX}px) {{
  {_CANVAS_ROW} > [data-testid="stColumn"] {{ flex: 1 1 100%; min-width: 100%; }}
}}
@media (max-width: {PHONE_MAX_PX}px) {{
  /* the stacked columns put the answers after the input column: its controls go above the canvas, so that the
     answers follow the canvas right away (the tab order keeps the canvas first, before the controls drawn above it) */
  {_CANVAS_COLUMN} > [data-testid="stVerticalBlock"] > .st-key-digit-canvas {{ order: 1; }}
  {_wide_chart_rules()}
  .katex-display > .katex {{ font-size: clamp(0.85em, 3.6vw, 1.21em); }}
}}
</style>
"""


_SHEET = STYLE.replace(
    "</style>", light.STYLE + "</style>"
)  # with the light figures' rules (explorer/figures/light.py)


def apply() -> None:
    """Draw the style sheet (call once per run, before the page). An st.html of only a <style> takes no space."""
    st.html(_SHEET)
