"""Compare page, sections 6–7: invariance probes and variable-length input."""

from __future__ import annotations

import streamlit as st

from explorer.app import query, resources, state, ui
from explorer.app.pages.compare.readers import current_digit, current_text, digit_controls
from explorer.compute import probes, side_by_side
from explorer.data import vocab
from explorer.figures import compare as figures
from explorer.figures import digits as digit_figures
from explorer.models import compiled
from explorer.models.rnn import CELL_TITLES

INSERT_COUNTS = [0, 10, 20, 40, 80, 120]
LENGTHS = [8, 32, 128]


def _forward(name: str, folder: str):
    """The model's own __call__, compiled once per process (one compilation per input length); None if missing."""
    model, message = resources.model_and_meta(name)
    if model is None:
        st.warning(message, icon=":material/error:")
        return None
    return resources.compiled_forward(name, folder)


PARAMS = ("probe", "amount", "shuffle_seed")  # the address parameters these sections read


def address_problems(params) -> list[str]:
    """Warnings for the probe parameters in the address (`probe` by its title, `amount`, `shuffle_seed`)."""
    titles = {spec.title: spec for spec in probes.DIGIT_PROBES.values()}
    title, bad_probe = query.choice(params, "probe", list(titles))
    spec = titles.get(title, next(iter(probes.DIGIT_PROBES.values())))
    _, bad_amount = query.choice(params, "amount", [str(v) for v in spec.settings])
    _, bad_seed = query.whole(params, "shuffle_seed", 0, 999)
    return [bad for bad in (bad_probe, bad_amount, bad_seed) if bad]


def bound_options(params) -> dict:
    """`probe` and `amount` (whose options depend on the probe), for `query.settle`."""
    titles = {spec.title: spec for spec in probes.DIGIT_PROBES.values()}
    title, _ = query.choice(params, "probe", list(titles))
    spec = titles.get(title, next(iter(probes.DIGIT_PROBES.values())))
    return {"probe": list(titles), "amount": [str(v) for v in spec.settings]}


def _digit_probes() -> None:
    st.markdown("#### A digit, moved")
    digit_controls()
    image, source = current_digit()
    st.caption(source)
    cell = state.rnn_cell()
    cnn, rnn = ui.reader("digit-cnn"), ui.reader(f"row-rnn-{cell}")
    if cnn is None or rnn is None:
        return
    probe = st.radio(
        "Probe",
        list(probes.DIGIT_PROBES),
        format_func=lambda k: probes.DIGIT_PROBES[k].title,
        horizontal=True,
        key="probe",
        bind="query-params",
    )
    spec = probes.DIGIT_PROBES[probe]
    mlp = resources.model("digit-mlp")[0]  # the no-structure baseline, beside them when its weights are there
    curves = side_by_side.digit_probe(cnn.trace, rnn.trace, probe, image, None if mlp is None else mlp.trace)
    if st.session_state.get("amount", 0) not in spec.settings:  # the previous probe's setting
        st.session_state.amount = 0
    setting = st.select_slider(spec.title, options=list(spec.settings), value=0, key="amount", bind="query-params")
    i = spec.settings.index(setting)
    digit = int(curves.p_cnn[spec.settings.index(0)].argmax())  # the CNN's answer on the untouched digit
    left, mid, right = st.columns([0.2, 0.4, 0.4])
    with left:
        ui.plot(
            digit_figures.preprocessing_strip([("what each model reads", curves.images[i, ..., 0])]),
            key="compare-probe-image",
        )
    with mid, st.container(key="compare-probe-curve"):
        ui.plot(
            figures.probe_curve_figure(
                spec.settings, curves.p_cnn, curves.p_rnn, digit, setting, spec.title, curves.p_mlp
            ),
            key="compare-probe-curve-figure",
        )
    with right:
        p_mlp = None if curves.p_mlp is None else curves.p_mlp[i]
        ui.plot(figures.probe_bars_figure(curves.p_cnn[i], curves.p_rnn[i], p_mlp), key="compare-probe-bars")
    st.caption(
        f"Curves: each model's probability for {digit} (the CNN's answer on the untouched digit) at every setting; "
        f"the RNN is the {CELL_TITLES[cell]} row reader. Shuffling rows keeps every pixel but changes the order the "
        "RNN reads them in."
    )
    shifts = resources.small_shifts(cell)
    if shifts is not None:
        with st.container(key="compare-small-shifts"):
            st.caption(probes.small_shift_sentence(shifts, _shift_titles(cell)))


def _shift_titles(cell: str) -> dict:
    return {"digit-cnn": "CNN", f"row-rnn-{cell}": f"{CELL_TITLES[cell]} row RNN", "digit-mlp": "MLP"}


def _text_probes() -> None:
    st.markdown("#### A text, edited")
    text, source = current_text()
    if len(text) < 2:
        st.info("The text is too short: type at least two characters on the Text page.", icon=":material/keyboard:")
        return
    cell = st.session_state.get("text_cell", "lstm")
    rnn, cnn = ui.reader(f"char-rnn-{cell}"), ui.reader("char-cnn")
    if rnn is None or cnn is None:
        return
    st.caption(source)
    p_rnn, p_cnn = side_by_side.final_probs(rnn.trace, text), side_by_side.final_probs(cnn.trace, text)
    target = int(p_rnn.argmax())
    label = query.literal(repr(vocab.display(vocab.CHARS[target])))  # a character such as * or _ shown as itself
    left, right = st.columns(2)
    with left, st.container(key="compare-insertion"):
        st.markdown(f"**Insert characters at the start.** How likely is {label} (the RNN's guess) to come next?")
        counts = [n for n in INSERT_COUNTS if len(text) + n <= compiled.MAX_TEXT]
        ins_rnn = side_by_side.insertion_curve(rnn.trace, text, counts, target)
        ins_cnn = side_by_side.insertion_curve(cnn.trace, text, counts, target)
        ui.plot(figures.insertion_figure(counts, ins_rnn, ins_cnn, label), key="compare-insertion-figure")
        rf = cnn.model.config.receptive_field
        st.caption(
            f"The CNN's prediction depends on the last {rf} characters only: "
            + (
                "inserting at the start cannot move it."
                if len(text) >= rf
                else f"this text is shorter than {rf}, so the first insertions still reach its window."
            )
        )
    with right, st.container(key="compare-shuffle"):
        st.markdown("**Shuffle the words.** The last word stays in the mix: what does each model now expect?")
        seed = st.number_input("Shuffle seed (0 = original order)", 0, 999, 1, key="shuffle_seed", bind="query-params")
        shuffled = probes.shuffle_words(text, int(seed))
        st.code(shuffled.replace("\n", "⏎"), language=None, wrap_lines=True)
        s_rnn, s_cnn = side_by_side.final_probs(rnn.trace, shuffled), side_by_side.final_probs(cnn.trace, shuffled)
        st.dataframe(
            [
                {
                    "model": f"char {CELL_TITLES[cell]}",
                    "original text": side_by_side.top_chars(p_rnn),
                    "shuffled": side_by_side.top_chars(s_rnn),
                },
                {
                    "model": "char CNN",
                    "original text": side_by_side.top_chars(p_cnn),
                    "shuffled": side_by_side.top_chars(s_cnn),
                },
            ],
            hide_index=True,
            width="stretch",
        )


def invariance_section() -> None:
    st.markdown(
        "The claim: a CNN is invariant to where a pattern sits, an RNN is sensitive to order. Move the input "
        "and watch both models' outputs."
    )
    _digit_probes()
    st.divider()
    _text_probes()


def variable_length_section() -> None:
    st.markdown(
        "The claim: an RNN takes sequences of any length, a CNN needs a fixed input size. The truth has two halves: "
        "the **digit CNN** ends in a dense layer sized for 28×28, so it needs exactly that; a **causal 1-D CNN** "
        "slides over any length and gives one output per position, just as the RNN does."
    )
    text, source = current_text()
    cell = st.session_state.get("text_cell", "lstm")
    folder = resources.weights_folder()
    fwd_rnn, fwd_cnn = _forward(f"char-rnn-{cell}", folder), _forward("char-cnn", folder)
    lengths = [n for n in LENGTHS if n <= len(text)] or [len(text)]
    if fwd_rnn is not None and fwd_cnn is not None and len(text) >= 1:
        st.caption(source + f" Read by the same weights at {', '.join(map(str, lengths))} characters.")
        ids = vocab.encode(text)
        left, right = st.columns(2)
        with left, st.container(key="compare-varlen-rnn"):
            st.markdown(f"**char {CELL_TITLES[cell]}**")
            st.dataframe(side_by_side.variable_length(fwd_rnn, ids, lengths), hide_index=True, width="stretch")
        with right, st.container(key="compare-varlen-cnn"):
            st.markdown("**char CNN**")
            st.dataframe(side_by_side.variable_length(fwd_cnn, ids, lengths), hide_index=True, width="stretch")
    cnn = ui.reader("digit-cnn")
    if cnn is not None:
        st.markdown("**The digit CNN on other image sizes** (shapes checked with `jax.eval_shape`):")
        st.dataframe(side_by_side.digit_size_check(cnn.model, [28, 32, 20]), hide_index=True, width="stretch")
        st.caption(
            "The row RNN, by contrast, gives an answer after any number of rows: see its guess after each row "
            "in the first tab."
        )
