"""AppTest helpers: run the real app script in-process and read what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=180)


def texts(container) -> str:
    """All markdown text inside a keyed container (or the whole app)."""
    return "\n".join(m.value for m in container.markdown)


def errors(at) -> list[str]:
    return [e.value for e in at.error]
