"""The shipped models, by name: how to build each from its saved config."""

from __future__ import annotations

import jax
from flax import nnx

from explorer.models import hybrid
from explorer.models.charcnn import CharCNN, CharCNNConfig
from explorer.models.cnn import DigitCNN, DigitCNNConfig
from explorer.models.forecast import ForecastCNN, ForecastCNNConfig, ForecastRNN, ForecastRNNConfig
from explorer.models.mlp import DigitMLP, DigitMLPConfig
from explorer.models.rnn import CELLS, CharRNN, CharRNNConfig, RowRNN, RowRNNConfig
from explorer.models.sentiment import SentimentCNN, SentimentCNNConfig, SentimentRNN, SentimentRNNConfig

DIGIT_MODELS = ("digit-cnn", *(f"row-rnn-{c}" for c in CELLS), "digit-mlp")
TEXT_MODELS = (*(f"char-rnn-{c}" for c in CELLS), "char-cnn")
MODEL_NAMES = DIGIT_MODELS + TEXT_MODELS
FORECAST_MODELS = ("forecast-rnn", "forecast-cnn")  # the Forecast page's own pair, on a yearly series
CLIP_MODELS = hybrid.NAMES  # the Hybrid page's four readers of a moving digit
SENTIMENT_MODELS = ("sentiment-rnn", "sentiment-cnn")  # the Sentiment page's pair, on rated review snippets


def default_config(name: str):
    if name == "digit-cnn":
        return DigitCNNConfig()
    if name == "digit-mlp":
        return DigitMLPConfig()
    if name.startswith("row-rnn-"):
        return RowRNNConfig(cell=name.removeprefix("row-rnn-"))
    if name.startswith("char-rnn-"):
        return CharRNNConfig(cell=name.removeprefix("char-rnn-"))
    if name == "char-cnn":
        return CharCNNConfig()
    if name in hybrid.MODELS:
        return hybrid.default_config(name)
    if name == "forecast-rnn":
        return ForecastRNNConfig()
    if name == "forecast-cnn":
        return ForecastCNNConfig()
    if name == "sentiment-rnn":
        return SentimentRNNConfig()
    if name == "sentiment-cnn":
        return SentimentCNNConfig()
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


def config_from_dict(name: str, values: dict):
    base = default_config(name)
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}  # dilations, widths
    return type(base)(**values)


def count_params(module: nnx.Module) -> int:
    """How many numbers a model (or submodule) learns: the sizes of its nnx.Param leaves, summed."""
    return int(sum(x.size for x in jax.tree_util.tree_leaves(nnx.state(module, nnx.Param))))


def build(name: str, config=None, seed: int = 0) -> nnx.Module:
    """A freshly initialised model (weights from `seed`)."""
    config = config or default_config(name)
    cls = {
        DigitCNNConfig: DigitCNN,
        DigitMLPConfig: DigitMLP,
        RowRNNConfig: RowRNN,
        CharRNNConfig: CharRNN,
        CharCNNConfig: CharCNN,
        ForecastRNNConfig: ForecastRNN,
        ForecastCNNConfig: ForecastCNN,
        SentimentRNNConfig: SentimentRNN,
        SentimentCNNConfig: SentimentCNN,
        **{config: module for config, module in hybrid.MODELS.values()},
    }
    return cls[type(config)](config, rngs=nnx.Rngs(seed))
