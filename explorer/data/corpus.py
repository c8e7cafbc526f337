"""Text data: the standard library's docstrings (real English every Python carries).

The corpus is read with `ast`, never by importing modules, in sorted file order,
so it is the same on every run of the same Python. Every 20th docstring is held
out; the held-out text ships in explorer/assets/ so the evaluation needs no corpus.
"""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

from explorer.data import ASSETS, vocab

HELDOUT_FILE = ASSETS / "text_heldout.txt"
HOLDOUT_EVERY = 20
_SKIP_DIRS = {"test", "tests", "idlelib", "site-packages", "dist-packages", "lib2to3", "turtledemo"}


def stdlib_docstrings() -> list[str]:
    """Every module, class and function docstring in the standard library, in a fixed order."""
    root = Path(sysconfig.get_paths()["stdlib"])
    docs: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if _SKIP_DIRS & set(path.relative_to(root).parts[:-1]):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc and len(doc) >= 40:
                    docs.append(doc.strip() + "\n\n")
    return docs


def split_texts(docs: list[str]) -> tuple[str, str]:
    """(train, held-out) text: every HOLDOUT_EVERY-th docstring is held out."""
    train = "".join(d for i, d in enumerate(docs) if i % HOLDOUT_EVERY)
    held = "".join(d for i, d in enumerate(docs) if not i % HOLDOUT_EVERY)
    return vocab.normalise(train), vocab.normalise(held)


def read_corpus_file(path: str | Path) -> tuple[str, str]:
    """A lecturer's own corpus: the last 5 % is held out."""
    text = vocab.normalise(Path(path).read_text(encoding="utf-8", errors="replace"))
    cut = int(len(text) * 0.95)
    return text[:cut], text[cut:]


def load_heldout(path: Path = HELDOUT_FILE) -> str:
    return path.read_text(encoding="utf-8")
