"""Train the sentiment pair on rated movie-review snippets (explorer.training.sentiment).

python -m explorer train sentiment                        # fetches the vaderSentiment sdist with pip
python -m explorer.cli.train_sentiment --sdist FILE.tar.gz --out DIR
python -m explorer.cli.train_sentiment --validate --epochs 8   # score epochs on a validation tenth
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from explorer import models
from explorer.models import weights
from explorer.training.configs import SentimentTraining
from explorer.training.sentiment import train_sentiment


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=models.SENTIMENT_MODELS, default=list(models.SENTIMENT_MODELS))
    parser.add_argument("--sdist", type=Path, help="a vaderSentiment source distribution already downloaded")
    parser.add_argument("--out", type=Path, default=weights.DEFAULT_DIR)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--validate", action="store_true", help="train on 90 %% of the training split, report the rest")
    args = parser.parse_args(argv)
    cfg = dataclasses.replace(SentimentTraining(), **({"epochs": args.epochs} if args.epochs else {}))
    print(train_sentiment(tuple(args.names), args.out, cfg, args.sdist, validate=args.validate))


if __name__ == "__main__":
    main()
