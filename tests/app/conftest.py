"""AppTest helpers: run the real app script in-process, with the canvas's browser side replaced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explorer import ui

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=180)


@pytest.fixture
def canvas_image(monkeypatch):
    """Set what the canvas returns (RGBA uint8 or None) without a browser, as the component would."""
    holder = {"image": None}

    monkeypatch.setattr(ui, "sketch_canvas", lambda *args, **kwargs: holder["image"])

    def set_image(grey: np.ndarray | None):
        if grey is None:
            holder["image"] = None
            return
        g = (np.clip(grey, 0, 1) * 255).astype(np.uint8)
        holder["image"] = np.stack([g, g, g, np.full_like(g, 255)], axis=-1)

    return set_image


def texts(container) -> str:
    """All markdown text inside a keyed container (or the whole app)."""
    return "\n".join(m.value for m in container.markdown)


def errors(at) -> list[str]:
    return [e.value for e in at.error]
