"""`python -m explorer <command>` (or the console script `explorer <command>`).

train      retrain the shipped models           (needs the `train` extra)
evaluate   held-out scores of the shipped models
bench      speed and size figures measured now
loadtest   many students at once, through Streamlit's websocket protocol
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "train": "explorer.cli.train",
    "evaluate": "explorer.cli.evaluate",
    "bench": "explorer.cli.bench",
    "loadtest": "explorer.cli.loadtest",
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        raise SystemExit(0 if argv and argv[0] in ("-h", "--help") else 2)
    sys.argv = [f"explorer {argv[0]}", *argv[1:]]
    importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])


if __name__ == "__main__":
    main()
