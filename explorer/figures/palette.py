"""One place for every colour: each model family and each kind of value has its own scale."""

from __future__ import annotations

CNN = "#1f77b4"  # everything the convolutional network computes
RNN = "#d62728"  # everything the recurrent network computes
MUTED = "#b8c2cc"  # bars that are not the prediction
INK = "gray"  # images: white ink on black, as the models read them

# Signed values (weights, pre-activations) diverge around zero; non-negative ones are sequential.
DIVERGING = "RdBu_r"
SEQUENTIAL = "Viridis"

FONT = dict(size=15)  # readable on a projector

# Every figure uses this template (ui.plot renders with theme=None so Streamlit's theme does
# not shrink and pale the axis labels): white background, dark 14-15 px text.
import plotly.graph_objects as _go  # noqa: E402
import plotly.io as _pio  # noqa: E402

_pio.templates["explorer"] = _go.layout.Template(
    layout=dict(
        font=dict(size=15, color="#262730", family="Source Sans Pro, Source Sans 3, sans-serif"),
        xaxis=dict(tickfont_size=14, title_font_size=15),
        yaxis=dict(tickfont_size=14, title_font_size=15),
        paper_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font_size=15),
    )
)
_pio.templates.default = "plotly_white+explorer"
MODEL_COLOURS = {"cnn": CNN, "rnn": RNN}

# Text page
TEXT_UNIT = "#ff7f0e"  # the hidden unit picked for the equation and the text colouring
TEXT_ACTUAL = "#2ca02c"  # the character that really comes next
TEXT_CURSOR = "black"  # outline of the character being read

# Compare page
CELL_COLOURS = {"simple": "#9467bd", "gru": "#ff7f0e", "lstm": "#d62728"}  # one line colour per recurrent cell
HIGHLIGHT = "#ffbf00"  # the row the RNN is reading; the CNN's receptive field

# Inside the CNN (Digit page): the selected map, negative terms, the sliding window.
HIGHLIGHT = "#ff7f0e"  # outline of the selected map / the current window
NEGATIVE = "#9467bd"  # bars of negative contributions
WINDOW = "#ff7f0e"  # kernel / pooling window on the input
INK_SCALE = "gray"  # a grey colour scale for the input digit in heatmaps (0 black … 1 white)
