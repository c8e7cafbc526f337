"""Which models train together, and the one entry point that trains a group (or one model of a group)."""

from __future__ import annotations

from pathlib import Path

from explorer import models
from explorer.models.rnn import CELLS
from explorer.training.configs import ClipTraining, DigitTraining, SentimentTraining, SeriesTraining, TextTraining

GROUPS = {
    "digit-cnn": ["digit-cnn"],
    "digit-mlp": ["digit-mlp"],
    "row-rnn": [f"row-rnn-{c}" for c in CELLS],
    "char-rnn": [f"char-rnn-{c}" for c in CELLS],
    "char-cnn": ["char-cnn"],
    "forecast": list(models.FORECAST_MODELS),
    "hybrid": list(models.CLIP_MODELS),
    "sentiment": list(models.SENTIMENT_MODELS),
}


def train_group(
    group: str,
    out: Path,
    corpus_file: str | None = None,
    quiet: bool = False,
    digit_cfg: DigitTraining = DigitTraining(),
    text_cfg: TextTraining = TextTraining(),
    series_cfg: SeriesTraining = SeriesTraining(),
    clip_cfg: ClipTraining = ClipTraining(),
    sentiment_cfg: SentimentTraining = SentimentTraining(),
) -> dict[str, dict]:
    """Train `group` (a key of GROUPS, or one model name) and write its weights to `out`; model → held-out metrics."""
    names = GROUPS.get(group, [group])
    if names[0] in models.FORECAST_MODELS:
        from explorer.training.series import train_series

        return train_series(names, out, series_cfg, quiet=quiet)
    if names[0] in models.SENTIMENT_MODELS:
        from explorer.training.sentiment import train_sentiment

        return train_sentiment(tuple(names), out, sentiment_cfg, quiet=quiet)
    if names[0] in models.CLIP_MODELS:
        from explorer.training.clips import train_clips

        return train_clips(tuple(names), out, clip_cfg, quiet=quiet)
    if names[0] in models.DIGIT_MODELS:
        from explorer.training.digits import train_digits

        return train_digits(names, out, digit_cfg, quiet=quiet)
    if names[0] in models.TEXT_MODELS:
        from explorer.training.text import train_text

        return train_text(names, out, text_cfg, corpus_file, quiet=quiet)
    raise ValueError(f"unknown group or model {group!r}; choose one of {', '.join([*GROUPS, *models.ALL_MODELS])}")
