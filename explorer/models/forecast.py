"""Forecasting a yearly series: an RNN that reads the last WINDOW years one at a time, and a causal 1-D CNN that
reads them all at once through dilated kernels. Both predict the next year's value (standardised units) from the
last `explorer.data.series.WINDOW` years.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import jax
from flax import nnx, struct

from explorer.models.dilated import DilatedConvConfig, causal_convs
from explorer.models.rnn import make_cell


@dataclass(frozen=True)
class ForecastRNNConfig:
    cell: str = "gru"
    hidden: int = 16  # chosen on the last 30 training years (1939–1968), not on the held-out ones

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ForecastCNNConfig(DilatedConvConfig):
    channels: int = 16  # feature channels of every convolution
    kernel: int = 3  # taps per convolution
    dilations: tuple[int, ...] = (1, 3, 8)  # receptive field 1 + 2 × (1 + 3 + 8) = 25 steps


@struct.dataclass
class ForecastRNNTrace:
    inputs: jax.Array  # (B, W) the window, standardised
    hidden: jax.Array  # (B, W, H) the state after each year
    readout: jax.Array  # (B, W) the next-year prediction the state would give after each year
    prediction: jax.Array  # (B,) after the whole window: the forecast


@struct.dataclass
class ForecastCNNTrace:
    inputs: jax.Array  # (B, W)
    layers: tuple  # per dilated layer: (B, W, C) after ReLU, causal (position t sees t and before only)
    prediction: jax.Array  # (B,) read from the last position of the last layer


class ForecastRNN(nnx.Module):
    def __init__(self, config: ForecastRNNConfig = ForecastRNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.cell = make_cell(config.cell, 1, config.hidden, rngs)
        self.rnn = nnx.RNN(self.cell)
        self.head = nnx.Linear(config.hidden, 1, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        """(B, W) standardised values → (B,) the next value."""
        return self.trace(x).prediction

    def trace(self, x: jax.Array) -> ForecastRNNTrace:
        hidden = self.rnn(x[..., None])  # (B, W, H): nnx.RNN scans the cell over the years
        readout = self.head(hidden)[..., 0]
        return ForecastRNNTrace(x, hidden, readout, readout[:, -1])


class ForecastCNN(nnx.Module):
    def __init__(self, config: ForecastCNNConfig = ForecastCNNConfig(), *, rngs: nnx.Rngs):
        self.config = config
        self.convs = causal_convs(1, config.channels, config.kernel, config.dilations, rngs)
        self.head = nnx.Linear(config.channels, 1, rngs=rngs)

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.trace(x).prediction

    def trace(self, x: jax.Array) -> ForecastCNNTrace:
        h = x[..., None]  # (B, W, 1)
        layers = []
        for conv in self.convs:  # causal padding: position t reads years t and before only; the length is kept
            h = jax.nn.relu(conv(h))
            layers.append(h)
        return ForecastCNNTrace(x, tuple(layers), self.head(h[:, -1])[..., 0])
