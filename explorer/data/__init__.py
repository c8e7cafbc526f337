"""What goes in: the character vocabulary, the text corpus, the digits (held-out set, sketch → 28×28)."""

from pathlib import Path

ASSETS = (
    Path(__file__).resolve().parents[1] / "assets"
)  # weights and held-out data: package data, shipped with the code
