"""What goes in: the character vocabulary, the text corpus, the digits (held-out set, sketch → 28×28)."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets"  # weights and held-out data, committed with the code
