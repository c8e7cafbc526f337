"""Training page: watch the networks learn. Scrub through checkpoints of the shipped training runs, train one
yourself from random weights, and see one training step of the MLP unrolled with every number."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import query, resources, state, ui
from explorer.app.pages.training import live as training_live
from explorer.compute import backprop, printing, recurrence
from explorer.data import digits, vocab
from explorer.figures import digits as digit_figures
from explorer.figures import palette
from explorer.figures import training as figures
from explorer.models import checkpoints

PROMPT = "The "  # what the char LSTM continues at every checkpoint (seed 0, temperature 0.7)
DIGIT_RUNS = ("digit-cnn", "row-rnn-lstm", "digit-mlp")
SECTIONS = ("Scrub the shipped training", "Train one yourself", "One step, unrolled")


@st.cache_resource(show_spinner=False, max_entries=16)
def _generated(index: int) -> str:
    """The char LSTM's continuation of PROMPT with its weights at checkpoint `index`."""
    _, _, models_at = resources.checkpoint_traces("char-rnn-lstm")
    gen = recurrence.generate(models_at[index], vocab.encode(PROMPT), 160, 0.7, 0)
    return PROMPT + vocab.decode(gen.ids)


def _the_digit() -> tuple[np.ndarray, str]:
    """The digit the Digit page shows (a sketch or a held-out one), else held-out digit #0."""
    shared = state.digit_input()
    if shared is not None:
        return np.asarray(shared, np.float32), "the digit from the Digit page"
    held = resources.heldout_digits()
    return held.images[0].astype(np.float32) / 255.0, f"held-out digit #0 (labelled {held.labels[0]})"


def scrub_section() -> None:
    st.markdown(
        "The shipped models were trained here, and their weights were saved at a dozen moments of that run, spaced "
        "evenly on a log scale (early training changes most). Move through them: the curves, the first layer's "
        "weights, and what each model says about your digit, all from the saved weights at that moment."
    )
    runs = resources.training_runs(str(checkpoints.DEFAULT_DIR))
    missing = [message for message in runs.values() if isinstance(message, str)]
    for message in missing:
        st.error(message, icon=":material/error:")
    if missing:
        return
    n = len(runs["digit-cnn"].steps)
    k = st.slider("Checkpoint (0 = untrained, then log-spaced to the end)", 0, n - 1, 6, key="checkpoint")
    st.markdown(
        f"**Checkpoint {k}:** optimiser step {int(runs['digit-cnn'].steps[k]):,} of "
        f"{int(runs['digit-cnn'].steps[-1]):,} for each digit model (the same batches, in the same order)."
    )
    against = st.segmented_control(
        "Against", ["steps", "seconds"], default="steps", key="curves_against", required=True
    )
    digit_runs = {m: runs[m] for m in DIGIT_RUNS}
    with st.container(key="training-curves"):
        ui.plot(figures.learning_curves(digit_runs, k, against or "steps"), key="training-curves-figure")
    st.caption(
        "Each model trained 60 passes over the same 4,000 digits with the same optimiser and schedule; the seconds "
        "are the training time measured during that run on the machine that trained them (evaluation excluded; the "
        "first step includes compiling it, about a second)."
    )

    image, where = _the_digit()
    x = digits.to_model_input(image)
    cols = st.columns(3, gap="medium")
    for col, name in zip(cols, DIGIT_RUNS):
        fn, states, _ = resources.checkpoint_traces(name)
        trace = fn(states[k], x)
        probs = np.asarray(trace.probs)
        probs = probs[0, -1] if probs.ndim == 3 else probs[0]
        with col, st.container(key=f"training-{name}"):
            colour = figures.COLOURS[name]
            ui.plot(
                digit_figures.probability_bars(
                    probs, f"{figures.TITLES[name]} at step {int(runs[name].steps[k]):,}", colour
                ),
                key=f"training-probs-{name}",
            )
            st.caption(f"Held-out accuracy at this checkpoint: {runs[name].heldout_score[k]:.1%}.")
    st.caption(f"The digit: {where}.")

    fn, states, models_at = resources.checkpoint_traces("digit-cnn")
    cnn_trace = fn(states[k], x)
    kernels = np.asarray(models_at[k].conv1.kernel[...])[:, :, 0, :].transpose(2, 0, 1)
    st.markdown(
        "**The CNN's first layer at this checkpoint**: its eight 3 × 3 kernels, and the maps they make of your digit"
    )
    ui.plot(figures.tiles(kernels, [f"kernel {i}" for i in range(len(kernels))], height=150), key="training-kernels")
    maps = np.asarray(cnn_trace.relu1[0]).transpose(2, 0, 1)
    ui.plot(figures.tiles(maps, [f"map {i}" for i in range(len(maps))], signed=False), key="training-maps")
    mlp = resources.checkpoint_traces("digit-mlp")[2][k]
    w1 = np.asarray(mlp.hidden.kernel[...])  # (784, H)
    st.markdown(
        "**The MLP's first layer at this checkpoint**: each hidden unit has one weight per pixel; shown as a 28 × 28 "
        "picture they are the patterns it looks for (the first 12 units; red adds, blue subtracts)"
    )
    units = w1[:, :12].T.reshape(-1, 28, 28)
    ui.plot(figures.tiles(units, [f"unit {i}" for i in range(len(units))], height=150), key="training-mlp-weights")

    text_run = runs["char-rnn-lstm"]
    kt = min(k, len(text_run.steps) - 1)
    st.markdown(
        f"**The char LSTM at step {int(text_run.steps[kt]):,}** ({text_run.heldout_score[kt]:.2f} bits per character on the "
        f"held-out text) continues “{PROMPT}”:"
    )
    with st.container(key="training-generated"):
        st.code(_generated(kt), language=None, wrap_lines=True)


def _digit_for_step() -> tuple[np.ndarray, int, str]:
    held = resources.heldout_digits()
    i = int(
        st.number_input(
            "Held-out digit",
            0,
            len(held.labels) - 1,
            resources.unsure_digit(resources.weights_folder()),
            key="unroll_digit",
        )
    )
    return (
        held.images[i].astype(np.float32) / 255.0,
        int(held.labels[i]),
        f"held-out digit #{i}, labelled {held.labels[i]}",
    )


def unrolled_section() -> None:
    st.markdown(
        "One step of training, for the MLP (784 → 64 → 10) on one digit, with the numbers JAX computed: the forward "
        "pass, the loss, the backward pass (`jax.grad`: the gradient of the loss with respect to every layer), and "
        "the update W ← W − η ∂L/∂W (plain SGD). The CNN and the RNN compute their gradients the same way, through "
        "their own layers; what is done with the gradient differs. The shipped weights were trained with AdamW and "
        "a learning rate that warms up, then decays along a cosine; the digit models also with weight decay and on "
        "batches randomly shifted, turned and scaled, the text models with gradient-norm clipping. “Train one "
        "yourself” uses SGD with momentum."
    )
    left, right = st.columns(2)
    with left:
        image, label, where = _digit_for_step()
    with right:
        lr = st.select_slider("Learning rate η", [0.0, 0.001, 0.01, 0.1, 0.5, 1.0, 10.0], 0.1, key="unroll_lr")
    start = st.radio(
        "Weights",
        ["trained", "untrained"],
        horizontal=True,
        key="unroll_weights",
        help="The shipped MLP, or the same network with fresh random weights (seed 0).",
    )
    found = ui.reader("digit-mlp")
    if found is None:
        return
    model = found.model if start == "trained" else resources.untrained_mlp()
    step = backprop.mlp_step(model, image, label, float(lr))
    with st.container(key="unroll-forward"):
        st.subheader("1. Forward")
        st.latex(
            r"z_1 = x W_1 + b_1,\quad h = \max(0, z_1),\quad z_2 = h W_2 + b_2,\quad p = \operatorname{softmax}(z_2)"
        )
        active = backprop.active_units(step)
        st.markdown(
            f"The input x is {where}: 784 numbers. {active} of the 64 hidden units are active (z₁ > 0). "
            f"p({label}) = {_p_label(step.log_before)}."
        )
        c1, c2 = st.columns(2)
        with c1:
            ui.plot(figures.vector_bars(step.h, "h: the 64 hidden units after ReLU"), key="unroll-h")
        with c2:
            ui.plot(digit_figures.probability_bars(step.p, "p: the output probabilities", palette.MLP), key="unroll-p")
        st.latex(loss_latex(step.log_before, label))
    with st.container(key="unroll-backward"):
        st.subheader("2. Backward")
        st.latex(r"\frac{\partial L}{\partial z_2} = p - \text{onehot}(y)")
        ui.plot(figures.vector_bars(step.d_z2, "∂L/∂z₂ (one per digit)", [str(d) for d in range(10)]), key="unroll-dz2")
        st.latex(
            r"\frac{\partial L}{\partial W_2} = h^\top \frac{\partial L}{\partial z_2},\quad"
            r"\frac{\partial L}{\partial h} = \frac{\partial L}{\partial z_2} W_2^\top,\quad"
            r"\frac{\partial L}{\partial z_1} = \frac{\partial L}{\partial h} \odot [z_1 > 0],\quad"
            r"\frac{\partial L}{\partial W_1} = x^\top \frac{\partial L}{\partial z_1}"
        )
        ui.plot(
            figures.vector_bars(step.d_z1, "∂L/∂z₁: zero wherever the unit was off (ReLU passes no gradient there)"),
            key="unroll-dz1",
        )
        top = backprop.steepest_units(step, 4)
        pictures = step.d_w1[:, top].T.reshape(-1, 28, 28)
        st.markdown(
            "∂L/∂W₁ for the four hidden units with the largest gradient, as 28 × 28 pictures: each is the input "
            "digit times that unit's ∂L/∂z₁, so only the digit's ink pixels move."
        )
        ui.plot(figures.tiles(pictures, [f"unit {u}" for u in top], height=180), key="unroll-dw1")
    with st.container(key="unroll-update"):
        st.subheader("3. Update")
        change = backprop.largest_weight_change(step, _w1(model))
        if not np.isfinite(step.loss_after) or step.loss_after > step.loss:
            st.error(
                f"With η = {lr:g} the step overshoots: the loss on this very digit grows instead of shrinking. The "
                "learning rate is far too large; repeated, such steps make training diverge.",
                icon=":material/warning:",
            )
        st.markdown(
            f"With η = {lr:g}, the largest change of any weight in W₁ is {change:.3g}. On the same digit the loss goes "
            f"from **{_loss(step.log_before, step.loss)}** to **{_loss(step.log_after, step.loss_after)}**, and "
            f"p({label}) from {_p_label(step.log_before)} to {_p_label(step.log_after)}."
        )


def _p_label(logs: backprop.LogTerms) -> str:
    """p[label] from its logarithms: "0.9731", or "1 − 3.7e-9" where four decimals would print 1."""
    if np.isnan(logs.ln_p):
        return "undefined (the weights overflowed)"
    return printing.probability_from_logs(logs.ln_p, logs.ln_q, 4)


def _loss(logs: backprop.LogTerms, loss: float) -> str:
    """The loss from its logarithm ("0.023651", "1.2e-6484": never "0" for a loss that is not 0)."""
    return "∞ (the weights overflowed)" if np.isinf(loss) else printing.positive_from_log(logs.ln_loss)


def loss_latex(logs: backprop.LogTerms, label: int) -> str:
    """L = −log p_label = −log(p) = L, every number printed from the logarithms (no underflow to 0 or 1)."""
    p = printing.latex(printing.probability_from_logs(logs.ln_p, logs.ln_q, 6))
    p = f"({p})" if "-" in p or "times" in p else p
    return rf"L = -\log p_{{{label}}} = -\log {p} = {printing.latex(printing.positive_from_log(logs.ln_loss))}"


def _w1(model) -> np.ndarray:
    return np.asarray(model.hidden.kernel[...], np.float64)


def render() -> None:
    st.title("Training: watch the networks learn")
    st.caption(
        "A network learns by repeating one step: read a batch of examples, measure how wrong it is (the loss), "
        "compute how each weight should move to be less wrong (the gradient), move it a little. Here you can scrub "
        "through the shipped models' own training, run it yourself, and see one step with every number."
    )
    if "training_query_problems" not in st.session_state:  # once: the address's section, in any case
        bad = query.choice(st.query_params, "training_section", SECTIONS)[1]
        st.session_state.training_query_problems = [bad] if bad else []
        query.settle(st.query_params, st.session_state.training_query_problems, {"training_section": SECTIONS})
    for problem in st.session_state.training_query_problems:
        st.warning(problem, icon=":material/link_off:")
    tabs = st.tabs(list(SECTIONS), key="training_section", bind="query-params")
    for tab, section in zip(tabs, (scrub_section, training_live.render, unrolled_section)):
        with tab:
            if tab.open:
                section()


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.training import page

    page.render()
