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
        if name == "forecast-baselines":
            for baseline, figures in row.items():
                print(f"{baseline:<18}{'':>9}  one-step MAE {figures['one_step_mae']:.2f} (sunspot numbers)")
            continue
        if "accuracy" in row:
            score = f"accuracy {row['accuracy']:.3f}"
            if "out_of_domain" in row:
                score += " (out of domain: " + ", ".join(f"{k} {v:.3f}" for k, v in row["out_of_domain"].items()) + ")"
        elif "joint_accuracy" in row:
            score = f"digit and direction {row['joint_accuracy']:.3f}"
        elif "bits_per_char" in row:
            score = f"{row['bits_per_char']:.3f} bits/char"
        else:
            score = f"one-step MAE {row['mae']:.2f} (sunspot numbers)"
        print(f"{name:<18}{row.get('params', ''):>9}  {score}")
