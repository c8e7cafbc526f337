"""Held-out metrics of the shipped models.

python -m explorer evaluate          # a readable table
python -m explorer evaluate --json   # one JSON object keyed by model name
"""

from __future__ import annotations

import argparse
import json

from explorer.compute.evaluation import evaluate_all
from explorer.models import weights


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        results = evaluate_all()
    except weights.WeightsError as e:
        raise SystemExit(str(e)) from None
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'model':<18}{'params':>9}  held-out")
    for name, row in results.items():
        score = f"accuracy {row['accuracy']:.3f}" if "accuracy" in row else f"{row['bits_per_char']:.3f} bits/char"
        print(f"{name:<18}{row['params']:>9}  {score}")
