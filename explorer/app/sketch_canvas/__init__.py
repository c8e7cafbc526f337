"""The drawing canvas: this app's own Streamlit component (components.v1, plain JavaScript in `frontend/`, no build).

It sends a stroke the moment it ends (pointer up, or the keyboard's pen lifted), where streamlit-drawable-canvas
waited 200 ms after every mouse-up; and it can be drawn on by keyboard, on a grid of stroke-wide cells. Its value
in the session is `{"png": "data:image/png;base64,…", "strokes": n}`, or None when nothing is drawn: read it
through `explorer.data.canvas`, which bounds it before decoding (a tampered client can send anything).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.components import v1 as components

FRONTEND = Path(__file__).parent / "frontend"
_component = components.declare_component("sketch_canvas", path=str(FRONTEND))


def sketch_canvas(key: str, size: int, stroke_width: int, label: str, on_change=None, initial=None) -> None:
    """Show the canvas (size × size pixels, white ink `stroke_width` wide on black), its value kept under `key`.

    `initial`: a value the canvas sent before (a drawing brought back from another page), drawn by a canvas that
    has nothing on it yet; None on every other run, so a stroke's rerun does not send the picture back."""
    _component(
        size=size, stroke_width=stroke_width, label=label, initial=initial, key=key, default=None, on_change=on_change
    )
