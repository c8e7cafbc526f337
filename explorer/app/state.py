"""Typed page state: what one page leaves for the others, and whether a page has opened its address yet.

A page's own widgets keep their values under their own keys (most bound to the address); the values that cross
pages live here, each behind one typed accessor, so a page never reads another page's keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from explorer.app import query
from explorer.models.rnn import CELLS

DEFAULT_CELL = "lstm"


# ---------------------------------------------------------------- the digit the Digit page shows


@dataclass(frozen=True)
class DigitChoice:
    """Which input the Digit page shows: a sketch on its canvas, a held-out digit, or a sketch from an address."""

    source: str = "sketch"  # "sketch" | "sample" | "shared"
    sample: int = 0  # the held-out digit's index, when source == "sample"
    shared: np.ndarray | None = field(default=None, compare=False)  # (28, 28) float in [0, 1], when "shared"


# under the keys tests, benches and older sessions already use
_SOURCE, _SAMPLE, _SHARED, _DIGIT_INPUT = "digit_source", "sample_index", "shared_sketch", "digit_input"


def digit_choice() -> DigitChoice:
    ss = st.session_state
    return DigitChoice(ss.get(_SOURCE, "sketch"), int(ss.get(_SAMPLE, 0)), ss.get(_SHARED))


def choose_digit(choice: DigitChoice) -> None:
    st.session_state[_SOURCE], st.session_state[_SAMPLE] = choice.source, choice.sample
    if choice.shared is not None:
        st.session_state[_SHARED] = choice.shared


def digit_input() -> np.ndarray | None:
    """The (28, 28) image in [0, 1] the Digit page's models read last, or None (nothing drawn, page not opened)."""
    return st.session_state.get(_DIGIT_INPUT)


def set_digit_input(image: np.ndarray | None) -> None:
    st.session_state[_DIGIT_INPUT] = image


# ---------------------------------------------------------------- the recurrent cell last chosen


_RNN_CELL = "rnn_cell"  # chosen on the Digit page; the Compare page's digit section opens with it
_TEXT_RNN_CELL = "text_rnn_cell"  # chosen on the Text page; the Compare page's text section opens with it


def rnn_cell() -> str:
    """The cell ("lstm", "gru", "rnn") the Digit page reads rows with (its default before it is opened)."""
    cell = st.session_state.get(_RNN_CELL, DEFAULT_CELL)
    return cell if cell in CELLS else DEFAULT_CELL


def set_rnn_cell(cell: str) -> None:
    st.session_state[_RNN_CELL] = cell


def text_rnn_cell() -> str:
    """The cell the Text page reads text with (its default before it is opened)."""
    cell = st.session_state.get(_TEXT_RNN_CELL, DEFAULT_CELL)
    return cell if cell in CELLS else DEFAULT_CELL


def set_text_rnn_cell(cell: str) -> None:
    st.session_state[_TEXT_RNN_CELL] = cell


# ---------------------------------------------------------------- opening a page's address once per session


@dataclass(frozen=True)
class Opened:
    """A page has opened its view (from the address, or from a lesson scene), with these warnings to show."""

    problems: tuple[str, ...] = ()


def _opened_key(page: str) -> str:
    return f"{page}_opened"


def open_address_once(
    page: str,
    params: Mapping[str, object],
    address_problems: Callable[[Mapping[str, object]], list[str]],
    open_view: Callable[..., object],
    bound_options: Mapping[str, Iterable] | None = None,
) -> tuple[str, ...]:
    """The first time a session shows `page`, open the view its address names (bad values are reported, not fatal:
    they take the page's default, and are dropped from the address before a widget bound to it reads them; options
    written in another case are respelt as the widget's own, see `query.settle`; `bound_options`: parameter → its
    options, for the parameters bound to option widgets). Returns the address's warnings, every run, to show."""
    opened = st.session_state.get(_opened_key(page))
    if opened is None:
        problems = address_problems(params)
        if params is st.query_params:
            query.settle(st.query_params, problems, bound_options)
        opened = Opened(tuple(problems))
        st.session_state[_opened_key(page)] = opened
        open_view(params, whole_view=False)
    return opened.problems


def sets(params: Mapping[str, object], whole_view: bool) -> Callable[[str], bool]:
    """Which view parameters a page's open_view sets: every one for a lesson scene (`whole_view`: those it leaves
    out take the page's defaults, so nothing of the previous scene lingers), only those named for an address (the
    others keep what this session already has)."""
    return lambda name: whole_view or name in params


def mark_opened(page: str) -> None:
    """The page's view was opened by something other than its address (a lesson scene): the address is not read."""
    st.session_state[_opened_key(page)] = Opened()


# ---------------------------------------------------------------- the class room


_CLASS_SESSION = "class_session_id"


def class_session_id() -> str:
    """This browser session's anonymous id in a class room (random, no name): what the room's rate limit counts
    by. Made on first use and kept for the session."""
    if _CLASS_SESSION not in st.session_state:
        st.session_state[_CLASS_SESSION] = uuid.uuid4().hex
    return st.session_state[_CLASS_SESSION]
