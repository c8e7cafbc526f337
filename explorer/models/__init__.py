"""The shipped models, by name: one registry says how to build each from its saved config."""

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

# name → (the default config, the module class that builds from it): the one list of every shipped model
REGISTRY: dict[str, tuple[object, type[nnx.Module]]] = {
    "digit-cnn": (DigitCNNConfig(), DigitCNN),
    **{f"row-rnn-{c}": (RowRNNConfig(cell=c), RowRNN) for c in CELLS},
    "digit-mlp": (DigitMLPConfig(), DigitMLP),
    **{f"char-rnn-{c}": (CharRNNConfig(cell=c), CharRNN) for c in CELLS},
    "char-cnn": (CharCNNConfig(), CharCNN),
    "forecast-rnn": (ForecastRNNConfig(), ForecastRNN),
    "forecast-cnn": (ForecastCNNConfig(), ForecastCNN),
    "hybrid-clip": (hybrid.HybridConfig(), hybrid.HybridCNNRNN),
    "hybrid-oneframe": (hybrid.OneFrameConfig(), hybrid.OneFrameCNN),
    "hybrid-earlyfusion": (hybrid.EarlyFusionConfig(), hybrid.EarlyFusionCNN),
    "hybrid-pixelrnn": (hybrid.PixelRNNConfig(), hybrid.PixelRNN),
    "sentiment-rnn": (SentimentRNNConfig, SentimentRNN),  # a class: its default reads the shipped vocabulary's size
    "sentiment-cnn": (SentimentCNNConfig, SentimentCNN),
}
ALL_MODELS = tuple(REGISTRY)
DIGIT_MODELS = ("digit-cnn", *(f"row-rnn-{c}" for c in CELLS), "digit-mlp")  # read a 28×28 digit
TEXT_MODELS = (*(f"char-rnn-{c}" for c in CELLS), "char-cnn")  # predict the next character
DIGIT_AND_TEXT_MODELS = DIGIT_MODELS + TEXT_MODELS  # the Digit, Text and Compare pages' models
FORECAST_MODELS = ("forecast-rnn", "forecast-cnn")  # the Forecast page's own pair, on a yearly series
CLIP_MODELS = ("hybrid-clip", "hybrid-oneframe", "hybrid-earlyfusion", "hybrid-pixelrnn")  # the Hybrid page's four
SENTIMENT_MODELS = ("sentiment-rnn", "sentiment-cnn")  # the Sentiment page's pair, on rated review snippets


def default_config(name: str):
    if name not in REGISTRY:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(ALL_MODELS)}")
    config = REGISTRY[name][0]
    return config() if isinstance(config, type) else config


def config_from_dict(name: str, values: dict):
    """The config saved in a weights file's JSON; TypeError or ValueError when it is not one of `name`'s."""
    if not isinstance(values, dict):
        raise TypeError(f"a config is a JSON object, not {type(values).__name__}")
    base = default_config(name)
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}  # dilations, widths
    return type(base)(**values)


def count_params(module: nnx.Module) -> int:
    """How many numbers a model (or submodule) learns: the sizes of its nnx.Param leaves, summed."""
    return int(sum(x.size for x in jax.tree_util.tree_leaves(nnx.state(module, nnx.Param))))


def build(name: str, config=None, seed: int = 0) -> nnx.Module:
    """A freshly initialised model (weights from `seed`)."""
    config = config or default_config(name)
    return REGISTRY[name][1](config, rngs=nnx.Rngs(seed))
