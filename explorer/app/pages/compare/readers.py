"""Compare page, sections 1–2: one digit and one text, each read by a CNN and by an RNN."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import query, resources, state, ui
from explorer.compute import printing, recurrence, saliency, side_by_side
from explorer.data import corpus, digits, vocab
from explorer.figures import compare as figures
from explorer.models.rnn import CELL_TITLES

TEXT_SAMPLE_CHARS = 150  # a held-out sample this long when the Text page has no text yet


def _pick_heldout_digit() -> None:
    st.session_state.compare_digit_source = "sample"
    st.session_state.compare_sample_index = int(ui.session_rng().integers(digits.N_HELDOUT))


def _use_digit_page() -> None:
    st.session_state.compare_digit_source = "digit page"


def _address(name: str, value: str | None) -> None:
    """This tab's own input in the address (`digit=N`, `text_start=N`), or out of it when it comes from a page."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


PARAMS = ("cell", "digit", "text_start", "text_cell")  # the address parameters these sections read


def address_problems(params) -> list[str]:
    """Warnings for the sections' inputs in the address that cannot be shown."""
    checks = (
        query.choice(params, "cell", list(query.CELL_BY_TITLE)),
        query.whole(params, "digit", 0, digits.N_HELDOUT - 1),
        query.whole(params, "text_start", 0, len(corpus.load_heldout())),
    )
    return [bad for _, bad in checks if bad]


def open_view(params, *, whole_view: bool = True) -> None:
    """The tabs' inputs an address or a lesson scene names (a held-out `digit`, a held-out text sample at
    `text_start`, the `cell`); an input it leaves out stays what it was (the Digit or Text page's, else random)."""
    index = query.whole(params, "digit", 0, digits.N_HELDOUT - 1)[0]
    start = query.whole(params, "text_start", 0, len(corpus.load_heldout()))[0]
    if index is not None:
        st.session_state.compare_digit_source = "sample"
        st.session_state.compare_sample_index = index
    if start is not None:
        st.session_state.compare_text_source = "sample"
        st.session_state.compare_text_start = start
    if state.sets(params, whole_view)("cell"):
        cell = query.choice(params, "cell", list(query.CELL_BY_TITLE))[0]
        st.session_state.cell = query.CELL_BY_TITLE[cell] if cell else state.rnn_cell()  # else the Digit page's


def current_digit() -> tuple[np.ndarray, str]:
    """The digit to compare on, (28, 28) float32 in 0..1, and a sentence saying where it comes from."""
    shared = state.digit_input()
    if shared is not None and st.session_state.get("compare_digit_source") != "sample":
        _address("digit", None)
        return np.asarray(shared, np.float32), "The digit from the Digit page."
    if "compare_sample_index" not in st.session_state:
        _pick_heldout_digit()
    held = resources.heldout_digits()
    i = st.session_state.compare_sample_index
    _address("digit", str(i))
    return held.images[i].astype(
        np.float32
    ) / 255.0, f"Held-out MNIST digit #{i} (labelled {held.labels[i]} by a person)."


def digit_controls() -> None:
    cols = st.columns([0.25, 0.25, 0.5])
    cols[0].button(
        "Another held-out digit", icon=":material/casino:", on_click=_pick_heldout_digit, key="compare-random-digit"
    )
    if state.digit_input() is not None:
        cols[1].button(
            "Use the Digit page's digit", icon=":material/draw:", on_click=_use_digit_page, key="compare-use-sketch"
        )
    cell = ui.rnn_cell_control("cell", "Which trained recurrent cell reads the rows.", state.rnn_cell(), cols[2])
    state.set_rnn_cell(cell)  # the same cell as on the Digit page


def digit_section() -> None:
    st.markdown(
        "The **row RNN** reads the digit one row at a time, top to bottom, and could answer after any row: "
        "press play to watch its state and its guess build up. The **CNN** computes every feature map at once."
    )
    digit_controls()
    image, source = current_digit()
    st.caption(source)
    cell = state.rnn_cell()
    cnn, rnn = ui.reader("digit-cnn"), ui.reader(f"row-rnn-{cell}")
    x = digits.to_model_input(image)
    left, right = st.columns([0.6, 0.4], gap="medium")
    with left, st.container(key="compare-rnn-reader"):
        st.markdown(f"#### {CELL_TITLES[cell]}: one row after another")
        if rnn is not None:
            hidden, probs = side_by_side.row_reading(rnn.trace(x))
            reading = figures.row_reading_figure(image, hidden, probs)
            ui.plot(reading, key="compare-row-reading")
            ui.download_html(
                reading,
                f"row-rnn-{cell}-reading",
                f"{CELL_TITLES[cell]} reading a digit row by row",
                key="compare-row-reading-html",
            )
    with right, st.container(key="compare-cnn-reader"):
        st.markdown("#### CNN: every position at once")
        if cnn is not None:
            trace = cnn.trace(x)
            p = np.asarray(trace.probs)[0]
            st.markdown(f"The CNN says **{int(p.argmax())}** ({printing.share(p.max())}).")
            ui.plot(
                figures.feature_maps_figure(np.asarray(trace.relu1[0]), np.asarray(trace.relu2[0])),
                key="compare-cnn-maps",
            )


# ---------------------------------------------------------------- text


def _pick_text_sample() -> None:
    st.session_state.compare_text_start = int(ui.session_rng().integers(0, 10**9))


def current_text() -> tuple[str, str]:
    """The text to compare on (at most recurrence.MAX_CHARS characters) and where it comes from."""
    shared = st.session_state.get("text_read") or st.session_state.get("text_input")
    if shared and st.session_state.get("compare_text_source") != "sample":
        _address("text_start", None)
        return recurrence.prepare_text(shared).text, "The text from the Text page."
    held = corpus.load_heldout()
    if "compare_text_start" not in st.session_state:
        st.session_state.compare_text_start = 0
    _address("text_start", str(st.session_state.compare_text_start))
    start = st.session_state.compare_text_start % max(1, len(held) - TEXT_SAMPLE_CHARS)
    start = held.rfind(" ", 0, start) + 1  # begin at a word
    sample = held[start : start + TEXT_SAMPLE_CHARS]
    return recurrence.prepare_text(
        sample
    ).text, f"A sample of the held-out docstrings (its characters {start + 1}–{start + len(sample)})."


def _another_text() -> None:
    st.session_state.compare_text_source = "sample"
    _pick_text_sample()


def _use_text_page() -> None:
    st.session_state.compare_text_source = "text page"


def text_section() -> None:
    st.markdown(
        "At step t the **RNN** may use every character so far: its state carries them all (in principle). "
        "The **causal CNN** sees only its receptive field, a fixed window of the last characters. Shaded: what each "
        "*can* use. Bars: how much each prediction *actually* moves when that character's embedding moves "
        "(gradient-norm saliency, log scale)."
    )
    c1, c2, c3 = st.columns([0.25, 0.25, 0.5])
    c1.button("Another held-out sample", icon=":material/casino:", on_click=_another_text, key="compare-random-text")
    if st.session_state.get("text_read") or st.session_state.get("text_input"):
        c2.button(
            "Use the Text page's text", icon=":material/keyboard:", on_click=_use_text_page, key="compare-use-text"
        )
    st.session_state.setdefault("text_cell", state.text_rnn_cell())  # the same cell as on the Text page
    ui.rnn_cell_control("text_cell", "Which trained recurrent cell reads the text.", where=c3)
    text, source = current_text()
    if len(text) < 2:
        st.info(
            "The text is too short to compare: type at least two characters on the Text page.",
            icon=":material/keyboard:",
        )
        return
    st.caption(source)
    cell = st.session_state.text_cell
    rnn, cnn = ui.reader(f"char-rnn-{cell}"), ui.reader("char-cnn")
    if rnn is None or cnn is None:
        return
    position = st.slider(
        "Character read (the prediction made after reading it; characters count from 1)",
        1,
        len(text),
        len(text),
        key="compare_text_position",
    )
    t = position - 1  # 0-based index into the text
    ids = vocab.encode(text)
    window = recurrence.cnn_window(cnn.model.config, t)
    sal_rnn = saliency.saliency(rnn.model, ids, t)
    sal_cnn = saliency.saliency(cnn.model, ids, t)
    chars = list(text)
    with st.container(key="compare-reach"):
        ui.plot(figures.reach_figure(chars, t, window, sal_rnn, sal_cnn), key="compare-reach-figure")
    beyond = sal_rnn[: window[0]].sum() / max(sal_rnn[: t + 1].sum(), 1e-12)
    st.markdown(
        f"Receptive field of the CNN: **{cnn.model.config.receptive_field} characters** (kernel "
        f"{cnn.model.config.kernel}, dilations {', '.join(map(str, cnn.model.config.dilations))}). "
        + (
            f"Of the RNN's total saliency after character {t + 1}, **{beyond:.1%}** falls on characters older than "
            "the CNN's window."
            if window[0] > 0
            else "At this step the whole text still fits in the CNN's window: move t further right."
        )
    )
    shown = lambda s: s.replace("\n", "⏎")  # one line per reader; st.code never interprets the text
    st.markdown(f"**What the RNN has read** (characters 1–{t + 1}):")
    st.code(shown(text[: t + 1]), language=None, wrap_lines=True)
    st.markdown(f"**What the CNN sees** (characters {window[0] + 1}–{t + 1}):")
    st.code(shown(text[window[0] : t + 1]), language=None, wrap_lines=True)
