"""Text page: type text and watch the trained char RNN read it, one character at a time."""

from __future__ import annotations

from dataclasses import dataclass

import jax
import numpy as np
import streamlit as st

from explorer.app import present, query, state, ui
from explorer.compute import recurrence, saliency, update_equation
from explorer.data import vocab
from explorer.figures import palette, text_grid
from explorer.figures import text as text_figures
from explorer.models import weights
from explorer.models.rnn import CELL_TITLES, CharRNNConfig

TEMPERATURE = 0.7  # the generation's default temperature
DEFAULT_TEXT = "Return the number of items in the list. If the list is empty, raise an error."
GATED_UPDATE = {
    "gru": "The update gate z decides how much of the old state to keep; the reset gate r how much of it feeds the candidate n.",
    "lstm": "The forget gate f keeps part of the old memory c, the input gate i adds the candidate g, the output gate o decides what of the memory shows in h.",
}


@dataclass(frozen=True)
class Reading:
    """What the models computed for one text, kept per process so a step never recomputes it."""

    trace: object  # the char RNN's RNNTrace, as NumPy arrays (batch 1)
    hidden: np.ndarray  # (T, H) the hidden state after each character
    probs: np.ndarray  # (T, V) the next-character distribution after each character
    cnn_probs: np.ndarray | None  # (T, V) the char CNN's, or None when its weights are missing


@st.cache_resource(show_spinner=False, max_entries=32, ttl=600)
def _reading(rnn_name: str, folder: str, text: str, _rnn, _cnn) -> Reading:
    """Both models over `text`, once per (model, weights folder, text) in this process (bounded: 32 texts, kept
    10 minutes)."""
    trace = jax.tree_util.tree_map(np.asarray, _rnn.trace(text))
    cnn_probs = None if _cnn is None else np.asarray(_cnn.trace(text).probs, np.float32)[0]
    return Reading(trace, trace.hidden[0].astype(np.float32), trace.probs[0].astype(np.float32), cnn_probs)


def _pick_unit(unit: int) -> None:
    st.session_state.unit = unit


def _step_control(length: int) -> int:
    """Previous / slider / next and play over positions 1..length (bound to `step`); returns the 0-based step t.
    A new text starts at its end; a text opened from the address starts at the address's step."""
    if st.session_state.get("text_last") != st.session_state.text_read:  # new text: jump to its end
        st.session_state.text_last = st.session_state.text_read
        st.session_state.step = length
    if length <= 1:
        st.caption("One character: nothing to step through.")
        return 0
    return present.stepper("step", 1, length, "Character being read", play_key="text_playing") - 1


PARAMS = ("text", "cell", "step", "unit", "temperature", "seed")  # the address parameters the page reads


def open_view(params, *, whole_view: bool = True) -> None:
    """Open the view an address or a lesson scene names: `text` read up to `step` by the `cell`, hidden `unit`,
    generation `temperature` and `seed`. A parameter it leaves out, or names badly (address_problems says so), takes
    the page's default: the example text read to its end, the LSTM, the unit that moves most, 0.7, seed 0."""
    sets = state.sets(params, whole_view)
    if sets("text"):
        typed = query.text(params, "text", recurrence.MAX_CHARS)[0]
        st.session_state.text_typed = st.session_state.text_input = DEFAULT_TEXT if typed is None else typed
    if sets("step"):
        read = recurrence.prepare_text(st.session_state.get("text_typed", DEFAULT_TEXT)).text
        st.session_state.text_last = st.session_state.text_read = read  # not a new text: keep the view's step
        st.session_state.step = query.whole(params, "step", 1, max(1, len(read)))[0] or len(read)
    if sets("cell"):
        cell = query.choice(params, "cell", list(query.CELL_BY_TITLE))[0]
        st.session_state.cell = query.CELL_BY_TITLE[cell] if cell else state.DEFAULT_CELL
    if sets("temperature"):
        temperature = query.number(params, "temperature", *recurrence.TEMPERATURE_RANGE)[0]
        st.session_state.temperature = TEMPERATURE if temperature is None else temperature
    if sets("seed"):
        st.session_state.seed = query.whole(params, "seed", 0, 2**31 - 1)[0] or 0
    st.session_state.text_playing = False
    if sets("unit"):
        unit = query.whole(params, "unit", 0, CharRNNConfig.hidden - 1)[0]
        if unit is None:
            st.session_state.unit_auto = True  # the page picks the unit that moves most over this text
        else:
            st.session_state.unit = unit


def address_problems(params) -> list[str]:
    """Warnings for the Text page's address parameters that cannot be shown (each names the valid range)."""
    typed, _ = query.text(params, "text", recurrence.MAX_CHARS)
    length = max(1, len(recurrence.prepare_text(DEFAULT_TEXT if typed is None else typed).text))
    checks = (
        query.text(params, "text", recurrence.MAX_CHARS),
        query.choice(params, "cell", list(query.CELL_BY_TITLE)),
        query.whole(params, "step", 1, length),
        query.whole(params, "unit", 0, CharRNNConfig.hidden - 1),
        query.number(params, "temperature", *recurrence.TEMPERATURE_RANGE),
        query.whole(params, "seed", 0, 2**31 - 1),
    )
    return [bad for _, bad in checks if bad]


def _equation_panel(reader, trace, hidden: np.ndarray, t: int, kind: str) -> None:
    n_units = hidden.shape[1]
    unit_col, button_col = st.columns([0.5, 0.5], vertical_alignment="bottom")
    unit_col.number_input("Hidden unit", 0, n_units - 1, key="unit", step=1, bind="query-params")
    most_active = int(np.argmax(np.abs(hidden[t])))
    button_col.button(
        f"Most active unit now ({most_active})",
        key="text-most-active",
        on_click=_pick_unit,
        args=(most_active,),
        width="stretch",
    )
    unit = int(st.session_state.unit)
    w = reader.model.weights()
    terms = recurrence.terms_at(w, trace, t)
    eq_col, gate_col = st.columns([0.55, 0.45], gap="large")
    with eq_col, st.container(key="equation"):
        st.markdown(f"**The update of unit {unit} at this step, with the model's numbers**")
        for line in update_equation.lines(terms, unit):
            st.latex(line)
        st.caption(
            "$x_t$ is the embedding of the character read at this step, $h_{t-1}$ the state after the previous one "
            f"(zero before the first); σ is the logistic sigmoid. The result equals the traced h_t[{unit}] = {hidden[t, unit]:.3f}."
        )
        block = {"simple": "h", "gru": "n", "lstm": "g"}[kind]
        top, rest = recurrence.recurrent_contributions(w, terms.h_prev, block, unit, k=5)
        st.markdown(
            f"Largest terms of the recurrent part $h_{{t-1}} W_h$ for {recurrence.GATE_TITLES[block]}, unit {unit}:"
        )
        rows = "\n".join(f"| {j} | {a:.4f} | {b:.4f} | {c:.4f} |" for j, a, b, c in top)
        st.markdown(f"| from unit | $h_{{t-1}}$ | weight | product |\n|---:|---:|---:|---:|\n{rows}")
        st.caption(
            f"The other {n_units - len(top)} units add {rest:.3f}; in all {float(terms.h_part[block][unit]):.3f}."
        )
    if kind != "simple":
        with gate_col, st.container(key="gates"):
            values = {k: v[unit] for k, v in terms.value.items()}
            means = {k: float(np.mean(v)) for k, v in terms.value.items()}
            ui.plot(text_figures.gate_bars(kind, values, means, unit), key="gate-bars")
            st.caption(GATED_UPDATE[kind])


def _cnn_panel(cnn, cnn_probs: np.ndarray, text: str, t: int, window: tuple[int, int], actual: str | None) -> None:
    with st.container(key="char-cnn"):
        st.subheader("The causal CNN at the same step")
        st.caption(
            f"The char CNN stacks dilated 1-D convolutions (kernel {cnn.model.config.kernel}, dilations "
            f"{', '.join(map(str, cnn.model.config.dilations))}). Its prediction at one step reads exactly the last "
            f"{cnn.model.config.receptive_field} characters, all at once; anything earlier cannot reach it. "
            "The RNN's memory has no such edge, but it fades."
        )
        top_col, grid_col = st.columns([0.35, 0.65])
        probs = cnn_probs[t]
        with top_col:
            ui.plot(
                text_figures.top5_bars(recurrence.top_k(probs), "Char CNN: next character", palette.CNN, actual),
                key="cnn-top5",
            )
        with grid_col:
            ui.plot(text_grid.cnn_window_grid(text, t, window), key="cnn-window")


@st.fragment
def _generation_panel(rnn_name: str, ids: np.ndarray, text: str, cell_title: str) -> None:
    """Its own fragment: moving the temperature or the seed reruns only this panel."""
    reader = ui.reader(rnn_name)
    if reader is None:
        return
    with st.container(key="generation"):
        st.subheader("Continue your text")
        st.caption(
            f"The {cell_title} reads your text, then writes: at each step it draws the next character from its "
            "predicted probabilities (divided by the temperature before the softmax: low = safe, high = adventurous), "
            "and reads it back in. The same seed always gives the same continuation."
        )
        a, b, c = st.columns(3)
        lo, hi = recurrence.TEMPERATURE_RANGE
        temperature = a.slider("Temperature", lo, hi, TEMPERATURE, 0.1, key="temperature", bind="query-params")
        length = b.slider(
            f"Characters (at most {recurrence.MAX_GENERATE})", 1, recurrence.MAX_GENERATE, 80, key="text_gen_length"
        )
        seed = c.number_input("Seed", 0, 2**31 - 1, 0, key="seed", bind="query-params")
        gen = recurrence.generate(reader.model, ids, int(length), float(temperature), int(seed))
        st.code(text + gen.text, language=None, wrap_lines=True)
        ui.plot(text_grid.generation_grid(text, gen.text, gen.p_sampled), key="generation-grid")


def render() -> None:
    st.title("Text: watch an RNN read, one character at a time")
    st.caption(
        "Type any text. A recurrent network trained on English (the Python standard library's documentation) "
        "reads it character by character, carrying a hidden state from one character to the next, and predicts "
        "the character that comes next. Step through it and see every number."
    )
    for problem in state.open_address_once(
        "text", st.query_params, address_problems, open_view, {"cell": query.CELL_BY_TITLE}
    ):
        st.warning(problem, icon=":material/link_off:")
    # The text survives a visit to another page (Streamlit forgets a widget's own state there).
    keep_text = ui.lasting("text_input", "text_typed", DEFAULT_TEXT)
    in_col, cell_col = st.columns([0.7, 0.3], gap="large")
    raw = in_col.text_area(
        f"Your text (the models read the first {recurrence.MAX_CHARS} characters)",
        key="text_input",
        height=100,
        on_change=keep_text,
    )
    kind = ui.rnn_cell_control("cell", "Which trained recurrent cell reads the text.", where=cell_col)
    state.set_text_rnn_cell(kind)  # Compare opens with the same cell
    prepared = recurrence.prepare_text(raw)
    if prepared.cut:
        st.warning(
            f"Your text has {prepared.original_length:,} characters; the models read only the first "
            f"{recurrence.MAX_CHARS}.",
            icon=":material/content_cut:",
        )
    if prepared.blank:
        st.info(
            "Type a sentence in the box above (letters, not only spaces) and the RNN will read it.",
            icon=":material/keyboard:",
        )
        return
    if prepared.unknown:
        st.info(
            f"{prepared.unknown} character(s) are outside the models' vocabulary (printable ASCII and newline); "
            f"they are read as the unknown symbol {vocab.UNKNOWN}.",
            icon=":material/help:",
        )
    text, ids = prepared.text, prepared.ids
    st.session_state.text_read = text
    ui.write_typed_text("text", text, DEFAULT_TEXT)
    with st.expander("What the models read", expanded=False):
        st.code(text, language=None, wrap_lines=True)

    rnn_name = f"char-rnn-{kind}"
    if ui.reader(rnn_name) is None:
        return
    _step_section(rnn_name, kind, text, ids)
    _generation_panel(rnn_name, ids, text, CELL_TITLES[kind])


@st.fragment
def _step_section(rnn_name: str, kind: str, text: str, ids: np.ndarray) -> None:
    """Everything that depends on the step: a step (buttons, slider, keys) reruns only this fragment, from
    the text's cached reading."""
    reader = ui.reader(rnn_name)
    cnn = ui.reader("char-cnn")
    reading = _reading(rnn_name, str(weights.weights_dir()), text, reader, cnn)
    trace, hidden, probs = reading.trace, reading.hidden, reading.probs
    if "unit" not in st.session_state or st.session_state.pop("unit_auto", False):  # the unit moving most
        st.session_state.unit = int(np.argmax(hidden.std(axis=0)))
    t = _step_control(len(text))
    actual = text[t + 1] if t + 1 < len(text) else None

    with st.container(key="text-step"):
        st.text(
            f"Step {t + 1} of {len(text)}: the {CELL_TITLES[kind]} reads character {t + 1}, "
            f"“{vocab.display(text[t])}”"
            + (f"; the next character is “{vocab.display(actual)}”." if actual else ", the last one.")
        )
    heat_col, side_col = st.columns([0.64, 0.36], gap="medium")
    with heat_col:
        animate = st.toggle("Animate the heatmap in the browser (▶ Play)", key="text_animate")
        unit = int(st.session_state.unit)
        # stepped by the page's own step control, as the browser animation is
        ui.plot(text_figures.hidden_heatmap(hidden, text, t, unit, animate=animate), key="hidden-heatmap", stepped=True)
        ui.download_html(
            lambda: text_figures.hidden_heatmap(hidden, text, t, unit, animate=True),
            f"rnn-hidden-state-{kind}",
            f"{CELL_TITLES[kind]} hidden state, character by character",
            key="hidden-heatmap-html",
        )
    with side_col, st.container(key="top5"):
        top = recurrence.top_k(probs[t])
        ui.plot(
            text_figures.top5_bars(top, f"{CELL_TITLES[kind]}: next character", palette.RNN, actual), key="rnn-top5"
        )
        st.caption("After reading the highlighted character, the model's five most likely next characters.")

    _equation_panel(reader, trace, hidden, t, kind)
    with st.container(key="unit-text"):
        unit = int(st.session_state.unit)
        ui.plot(text_grid.unit_over_text(text, hidden[:, unit], unit, t), key="unit-grid")
        st.caption(
            "Each character is coloured by the unit's value right after the RNN read it (the outlined one is "
            "the current step). Some units track quotes, spaces or word starts. Characters are counted from 1; "
            "hidden units are numbered from 0 (they are names, not positions)."
        )

    window = None if cnn is None else recurrence.cnn_window(cnn.model.config, t)
    with st.container(key="saliency"):
        st.subheader("Memory: which earlier characters move this prediction")
        sal = saliency.saliency(reader.model, ids, t)
        target = recurrence.top_k(probs[t], 1)[0][0]
        ui.plot(text_figures.saliency_bars(text, sal, t, window), key="saliency-bars")
        st.caption(
            f"For the most likely next character (“{vocab.display(target)}”) we take log p of it after character "
            f"{t + 1} and, with one backward pass through the whole recurrence (jax.vjp), its gradient with respect "
            "to the embedding of every character read so far; each bar is that gradient's length (computed so that "
            "tiny gradients cannot underflow to 0). Characters after the current one get exactly zero: the "
            "prediction cannot depend on them. The shaded band is what the char CNN can see."
        )
    if cnn is not None and reading.cnn_probs is not None:
        _cnn_panel(cnn, reading.cnn_probs, text, t, window, actual)
    present.advance_if_playing("step", "text_playing", 1, len(text), scope="fragment")


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.text import page

    page.render()
