"""Shared Streamlit pieces: cached loaders (one per process) and small widgets."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer import digits, inference, weights


@st.cache_resource(show_spinner="Loading and compiling the model…", max_entries=32)
def _reader(name: str, folder: str) -> inference.Reader:
    return inference.load_reader(name, Path(folder))


def reader(name: str) -> inference.Reader | None:
    """The compiled model, or None after showing the user why it is missing and how to fix it."""
    try:
        return _reader(name, str(weights.weights_dir()))
    except weights.WeightsError as e:
        st.error(str(e), icon=":material/error:")
        return None


@st.cache_resource(show_spinner=False)
def heldout_digits() -> digits.Digits:
    return digits.load_heldout()


def plot(fig, key: str, **kwargs) -> None:
    """A Plotly figure at full width with the mode bar out of the way (cleaner on a projector)."""
    st.plotly_chart(fig, key=key, width="stretch", theme=None, config={"displaylogo": False, "displayModeBar": False}, **kwargs)


def sketch_canvas(key: str, size: int, stroke_width: int, on_change=None):
    """A square drawing canvas, white ink on black; returns its RGBA pixels (size, size, 4) or None."""
    from streamlit_drawable_canvas import st_canvas  # registers its component on first use

    result = st_canvas(
        stroke_width=stroke_width,
        stroke_color="#FFFFFF",
        background_color="#000000",
        width=size,
        height=size,
        drawing_mode="freedraw",
        return_image_data=True,
        key=key,
        on_change=on_change,
    )
    return result.image_data
