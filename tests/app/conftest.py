"""AppTest helpers: run the real app script in-process, with the canvas's browser side replaced."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.app import ui


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


@pytest.fixture
def downloads(monkeypatch):
    """Press "Download as HTML" buttons as a click does: `downloads.press(at, key)` runs the button's callable."""
    from tests.support.apptest import DownloadPresses

    return DownloadPresses(monkeypatch)
