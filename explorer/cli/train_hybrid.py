"""Train the four clip models (which digit, which direction), seeded and deterministic (explorer.training.clips).

python -m explorer.cli.train_hybrid                 # hybrid-clip, hybrid-oneframe, hybrid-earlyfusion, hybrid-pixelrnn
python -m explorer.cli.train_hybrid --out DIR --epochs 3
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from explorer import models
from explorer.models import weights
from explorer.training.clips import train_clips
from explorer.training.configs import ClipTraining


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=weights.DEFAULT_DIR, help="folder for the weights")
    parser.add_argument("--epochs", type=int, help="passes over the training clips")
    parser.add_argument("--only", choices=models.CLIP_MODELS, action="append", help="train only these models")
    args = parser.parse_args(argv)
    cfg = dataclasses.replace(ClipTraining(), **({"epochs": args.epochs} if args.epochs else {}))
    start = time.perf_counter()
    for name, row in train_clips(tuple(args.only or models.CLIP_MODELS), args.out, cfg).items():
        print(name, row, flush=True)
    print(f"total {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
