"""One place for every colour and the figures' look: each model family and each kind of value has its own scale."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Models
CNN = "#1f77b4"  # everything the convolutional network computes
RNN = "#d62728"  # everything the recurrent network computes
MLP = "#7f7f7f"  # the no-structure baseline (a plain multilayer perceptron)
CELL_COLOURS = {"simple": "#9467bd", "gru": "#ff7f0e", "lstm": "#d62728"}  # one line colour per recurrent cell
MUTED = "#b8c2cc"  # bars that are not the prediction

# Values: signed ones (weights, pre-activations) diverge around zero; non-negative ones are sequential.
DIVERGING = "RdBu_r"
SEQUENTIAL = "Viridis"
INK_SCALE = "gray"  # the input digit in heatmaps (0 black … 1 white), as the models read it

# What the eye should follow
HIGHLIGHT = "#ff7f0e"  # the selected map, the row the RNN is reading, a model's receptive field
WINDOW = "#ff7f0e"  # kernel / pooling window sliding over the input
NEGATIVE = "#9467bd"  # bars of negative contributions
TEXT_UNIT = "#ff7f0e"  # the hidden unit picked for the equation and the text colouring
TEXT_ACTUAL = "#2ca02c"  # the character that really comes next
TEXT_CURSOR = "black"  # outline of the character being read

FONT = dict(size=15)  # readable on a projector

# Every figure uses this template (ui.plot renders with theme=None so Streamlit's theme does
# not shrink and pale the axis labels): white background, dark 14-15 px text.
pio.templates["explorer"] = go.layout.Template(
    layout=dict(
        # "Source Sans" is the family Streamlit 1.67 loads; the names used before matched no loaded font, so
        # Plotly measured legend text in one fallback and drew it in another: entries overlapped or were clipped
        font=dict(size=15, color="#262730", family="Source Sans, sans-serif"),
        xaxis=dict(tickfont_size=14, title_font_size=15),
        yaxis=dict(tickfont_size=14, title_font_size=15),
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font_size=15),
    )
)
# Merged once here: a "plotly_white+explorer" default would be merged again for every new figure
# (measured: 25 ms of a 27 ms heatmap figure); a registered, merged template costs nothing per figure.
TEMPLATE = "explorer_white"
pio.templates[TEMPLATE] = pio.templates["plotly_white+explorer"]
# The default for any go.Figure; figures themselves name TEMPLATE (explorer.figures.spec), because importing
# streamlit.elements.plotly_chart sets the default to Streamlit's own template: whichever is imported last wins.
pio.templates.default = TEMPLATE
