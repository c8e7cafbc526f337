"""A keyboard way to a specific held-out digit: which digit (0–9) and which one of that digit's held-out images,
then "Show it". The canvas draws by keyboard only in straight strokes on a coarse grid; the address (`?sample=N`)
takes a number nobody knows.

The digit is a row of radio buttons (one tab stop; the arrow keys move along it), not a drop-down list: here, in
the expander under the canvas, the opened list scrolled the page and closed again, often before Enter could take the
"3" a keyboard user had typed (seen in Chromium at 1280 × 900 in about half of the tries, with no script run in
between)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import resources, state


def heldout_index(labels: np.ndarray, digit: int, which: int) -> int:
    """The index in the held-out set of the `which`-th (from 1) image labelled `digit`. labels: (N,) ints."""
    return int(np.flatnonzero(np.asarray(labels) == digit)[which - 1])


def _show(labels: np.ndarray) -> None:
    digit = int(st.session_state["choose-digit"])
    which = int(st.session_state["choose-which"])
    state.choose_digit(state.DigitChoice("sample", heldout_index(labels, digit, which)))


def render() -> None:
    """The chooser, in an expander (closed until opened with Enter or a click)."""
    labels = resources.heldout_digits().labels
    with st.expander("Choose a held-out digit", icon=":material/keyboard:"):
        digit = st.radio("Digit", list(range(10)), horizontal=True, key="choose-digit")
        count = int(np.count_nonzero(labels == digit))
        if int(st.session_state.get("choose-which", 1)) > count:  # kept from a digit with more images
            st.session_state["choose-which"] = count
        st.number_input(f"Which one (1–{count})", 1, count, key="choose-which")
        st.button("Show it", key="choose-show", on_click=_show, args=(labels,), icon=":material/visibility:")
