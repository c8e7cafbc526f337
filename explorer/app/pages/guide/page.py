"""Guide page: which network for which data (an interactive guide), the two core formulas,
hybrid CNN→RNN models, and a Keras-style summary of every shipped model."""

from __future__ import annotations

import streamlit as st

from explorer import models
from explorer.app import pages, query, resources, state, ui
from explorer.compute import decision_guide
from explorer.figures import guide as guide_figures

PAGE_FILES = {name: pages.file(name) for name in ("digit", "text", "compare", "hybrid", "forecast", "sentiment")}
PAGE_TITLES = {
    "digit": "Digit page",
    "text": "Text page",
    "compare": "Compare page",
    "hybrid": "Hybrid page",
    "forecast": "Forecast page",
    "sentiment": "Sentiment page",
}


def _link(page: str, where: str) -> None:
    query = {"section": where} if page == "compare" else None
    st.page_link(
        PAGE_FILES[page],
        label=f"See it: {PAGE_TITLES[page]} → {where}",
        icon=":material/arrow_forward:",
        query_params=query,
    )


def address_problems(params) -> list[str]:
    """Warnings for answers in the address that are not among a question's options."""
    checks = [query.choice(params, f"guide_{q.key}", list(q.options)) for q in decision_guide.QUESTIONS.values()]
    return [bad for _, bad in checks if bad]


PARAMS = tuple(f"guide_{key}" for key in decision_guide.QUESTIONS)  # the address parameters the page reads


def open_view(params, *, whole_view: bool = True) -> None:
    """The answers an address or a lesson scene names (`guide_data=grid`, …: the options' short names); a
    question it leaves out, or answers badly (address_problems says so), is unanswered."""
    sets = state.sets(params, whole_view)
    for q in decision_guide.QUESTIONS.values():
        if sets(f"guide_{q.key}"):
            st.session_state[f"guide_{q.key}"] = query.choice(params, f"guide_{q.key}", list(q.options))[0]


def _write_answers(answers: dict) -> None:
    """The answers into the address, by the options' short names (the labels are whole sentences)."""
    for key, value in answers.items():
        name = f"guide_{key}"
        if value is None and name in st.query_params:
            del st.query_params[name]
        elif value is not None and st.query_params.get(name) != value:
            st.query_params[name] = value


def which_network() -> None:
    st.header("Which network for your data?")
    answers = {}
    for q in decision_guide.QUESTIONS.values():
        if f"guide_{q.key}" in st.session_state:
            answers[q.key] = st.session_state[f"guide_{q.key}"]
    for q in decision_guide.next_questions(answers):
        st.radio(q.prompt, list(q.options), format_func=q.options.get, index=None, key=f"guide_{q.key}")
    answers = {q.key: st.session_state.get(f"guide_{q.key}") for q in decision_guide.QUESTIONS.values()}
    _write_answers(answers)
    rec = decision_guide.recommend(answers)
    with st.container(key="guide-recommendation", border=True):
        if rec is None:
            st.info("Answer the questions above to get a recommendation.", icon=":material/quiz:")
            return
        st.markdown(f"### Recommendation: {rec.choice}")
        st.markdown(rec.summary)
        for i, reason in enumerate(rec.reasons):
            text = reason.text
            if reason is decision_guide.SHIFT:  # a claim the shipped models can contradict: measured, not asserted
                measured = resources.shift_measurement(resources.weights_folder())
                if measured is None:  # say which model is missing and how to rebuild it
                    ui.reader("digit-cnn"), ui.reader("row-rnn-lstm")
                text = text if measured is None else decision_guide.shift_sentence(measured)
            st.markdown(f"**{i + 1}.** {text}")
            if reason.page:
                _link(reason.page, reason.where)
            elif reason.where:
                st.caption(f"Shown below: {reason.where}.")


def formulas() -> None:
    st.header("The two core formulas")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Convolution** (one output value of a 2-D convolution layer)")
        st.latex(r"y_{i,j,k} \;=\; b_k \;+\; \sum_{u=0}^{2}\sum_{v=0}^{2}\sum_{c} W_{u,v,c,k}\; x_{i+u,\,j+v,\,c}")
        st.markdown(
            "- $x_{i+u,j+v,c}$: the 3×3 window of the input under the kernel, every input channel $c$\n"
            "- $W_{u,v,c,k}$: the kernel of filter $k$, **the same at every position** $(i, j)$\n"
            "- $b_k$: the filter's bias; $y_{i,j,k}$: one cell of feature map $k$, all cells computed independently"
        )
        _link("digit", "the convolution detail, with the real numbers")
    with right:
        st.markdown("**Recurrent update** (a simple RNN; GRU and LSTM add gates)")
        st.latex(r"h_t \;=\; \tanh\!\big(x_t W_x \;+\; h_{t-1} W_h \;+\; b\big)")
        st.markdown(
            "- $x_t$: the input at step $t$ (a pixel row, or a character's embedding)\n"
            "- $h_{t-1} W_h$: the previous state, the memory: **step t must wait for step t−1**\n"
            "- $W_x, W_h, b$: the same at every step; $h_t$: the new state, read out at every step"
        )
        _link("text", "the update equation at step t")
        _link("compare", "Vanishing gradients")
        _link("forecast", "a GRU and a causal 1-D CNN forecasting a real series")


def hybrids() -> None:
    st.header("Hybrids: a CNN for space, an RNN for time")
    st.markdown(
        "Many real systems use both. A CNN turns each grid into a vector of features, with the same weights for every "
        "grid; an RNN reads those vectors in order and carries what it saw from step to step.\n"
        "- **Video captioning / activity recognition**: a CNN per frame, an LSTM over the frames.\n"
        "- **Image captioning** (*Show and Tell*): a CNN encodes the image once, an LSTM writes the caption word by word.\n"
        "- **Weather maps / precipitation nowcasting** (ConvLSTM): the convolution is put inside the recurrent cell, so "
        "the state itself is a map."
    )
    with st.container(key="guide-hybrid"):
        ui.plot(
            guide_figures.hybrid_diagram(
                4, ("frame 1", "frame 2", "frame 3", "frame 4"), ("a", "dog", "runs", "(end)")
            ),
            key="guide-hybrid-figure",
        )
    _link("hybrid", "a digit moving across frames, read by a CNN per frame and a GRU")


def model_summaries() -> None:
    st.header("The shipped models, layer by layer")
    st.caption(
        "Generated from the real models: parameters counted from each submodule's nnx.Param leaves, output shapes "
        "from the model's own trace (B = batch, T = characters)."
    )
    name = st.selectbox("Model", models.DIGIT_AND_TEXT_MODELS, key="guide_model")
    rows, note = resources.model_summary(name, resources.weights_folder())
    with st.container(key="guide-summary"):
        st.dataframe(rows, hide_index=True, width="stretch", height=36 * (len(rows) + 1) + 4)  # every row, no scrolling
    st.caption(f"{name}: {note}.")


def render() -> None:
    st.title("Guide: when to use which")
    for problem in state.open_address_once("guide", st.query_params, address_problems, open_view):
        st.warning(problem, icon=":material/link_off:")
    st.caption(
        "A few questions about your data lead to a reasoned choice; each reason links to the page that shows it."
    )
    which_network()
    formulas()
    hybrids()
    model_summaries()


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.guide import page

    page.render()
