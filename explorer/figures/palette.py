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
MODEL_COLOURS = {"cnn": CNN, "rnn": RNN}
