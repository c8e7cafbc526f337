"""Hybrid page: a digit moving across a frame. The same small CNN reads every frame; a GRU reads the CNN's
feature vectors in order. Beside it, three controls trained the same way: one frame only, the frames stacked as
channels, a GRU over raw pixels."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import resources, state, ui
from explorer.compute import clip_reading, printing
from explorer.data import clips
from explorer.figures import hybrid as figures

TITLES = {
    "hybrid-clip": "hybrid: CNN per frame → GRU",
    "hybrid-oneframe": "CNN on one frame",
    "hybrid-earlyfusion": "CNN, frames stacked as channels",
    "hybrid-pixelrnn": "GRU over raw pixels",
}


def _input() -> tuple[np.ndarray, str]:
    shared = state.digit_input()
    held = resources.heldout_digits()
    sources = ["held-out digit"] + (["the Digit page's digit"] if shared is not None else [])
    source = st.segmented_control("Digit", sources, default=sources[-1], key="hy_source", required=True)
    if source == "the Digit page's digit" and shared is not None:
        return np.asarray(shared, np.float32), "the digit from the Digit page"
    i = int(st.number_input("Held-out digit", 0, len(held.labels) - 1, 3, key="hy_digit"))
    return held.images[i].astype(np.float32) / 255.0, f"held-out digit #{i} (labelled {held.labels[i]})"


def render() -> None:
    st.title("Hybrid: a CNN for each frame, an RNN across frames")
    st.caption(
        "Video, weather maps, a digit on the move: grids that change over time. A CNN turns each frame into a vector "
        "of features (the same weights for every frame); a GRU reads those vectors in order and carries what it saw. "
        f"Here a 28 × 28 digit moves one pixel per frame across a {clips.SIZE} × {clips.SIZE} frame for "
        f"{clips.FRAMES} frames; the task is to say which digit and which way it moves."
    )
    found, message = resources.clip_models(resources.weights_folder())
    if message:
        st.error(message, icon=":material/error:")
        return
    left, right = st.columns([0.4, 0.6], gap="large")
    with left:
        image, where = _input()
        direction = st.segmented_control(
            "Motion", list(clips.DIRECTIONS), default="right", key="hy_direction", required=True
        )
    try:
        clip = clips.clip_from_sketch(image, direction)
    except ValueError as e:
        st.info(str(e), icon=":material/draw:")
        return
    x = clips.to_model_input(clip)
    with right, st.container(key="hybrid-clip"):
        ui.plot(figures.clip_animation(clip, f"The clip: {where}, moving {direction}"), key="hybrid-clip-figure")
        ui.download_html(
            figures.clip_animation(clip, "A moving digit"), "moving-digit", "A moving digit", key="hybrid-clip-html"
        )
    model, _ = found["hybrid-clip"]
    trace = model.trace(x)
    digit_p = np.asarray(trace.digit_probs[0])
    direction_p = np.asarray(trace.direction_probs[0])
    st.subheader("Inside the hybrid, frame by frame")
    a, b = st.columns(2)
    with a, st.container(key="hybrid-features"):
        ui.plot(
            figures.over_frames(
                np.asarray(trace.features[0]),
                "the CNN's feature vector of each frame",
                [f"feature {i}" for i in range(trace.features.shape[-1])],
            ),
            key="hybrid-features-figure",
        )
    with b, st.container(key="hybrid-state"):
        ui.plot(
            figures.over_frames(
                np.asarray(trace.hidden[0]),
                "the GRU's state after each frame",
                [f"unit {i}" for i in range(trace.hidden.shape[-1])],
            ),
            key="hybrid-state-figure",
        )
    c, d = st.columns(2)
    with c, st.container(key="hybrid-digit-guess"):
        ui.plot(
            figures.over_frames(
                digit_p, "its digit guess, after each frame", [str(i) for i in range(10)], probabilities=True
            ),
            key="hybrid-digit-figure",
        )
    with d, st.container(key="hybrid-direction-guess"):
        ui.plot(
            figures.over_frames(
                direction_p, "its direction guess, after each frame", list(clips.DIRECTIONS), probabilities=True
            ),
            key="hybrid-direction-figure",
        )
    first, last = (clips.DIRECTIONS[int(direction_p[k].argmax())] for k in (0, -1))
    share = printing.share
    with st.container(key="hybrid-first-frame"):
        st.markdown(
            f"After frame 1 it says {int(digit_p[0].argmax())} ({share(digit_p[0].max())}), moving {first} "
            f"({share(direction_p[0].max())}); after all {clips.FRAMES} frames, **{int(digit_p[-1].argmax())}**, "
            f"moving **{last}** ({share(direction_p[-1].max())}). The clip moves {direction}. "
            + _first_frame_sentence_if_measured()
        )
    _table(found, x, {"hybrid-clip": (trace.digit_logits, trace.direction_logits)})


def _first_frame_sentence_if_measured() -> str:
    motion = resources.first_frame_motion(resources.weights_folder())
    return "" if motion is None else first_frame_sentence(motion)


def first_frame_sentence(m: clip_reading.FirstFrameMotion) -> str:
    """What the hybrid does after frame 1, and why, with the measured counts."""
    px = max(clip_reading.start_to_opposite_end_px(d) for d in clips.DIRECTIONS)
    return (
        "It was trained on its answer after the last frame only. After frame 1 the digit sits where its clip starts, "
        f"{px} px from where a clip moving the opposite way ends, and the read-out answers as if such a clip had "
        f"ended there. Measured on {m.clips:,} held-out clips (each held-out digit moving one way), it names the "
        f"right direction after frame 1 {printing.count_share(m.first_right, m.clips)} times and the opposite one "
        f"{printing.count_share(m.first_opposite, m.clips)}, at a mean confidence of "
        f"{printing.share(m.first_confidence, 1)}: the first frame's position gives the direction away, read backwards."
    )


def _table(found: dict, x: np.ndarray, known: dict) -> None:
    """`known`: the answers already computed for this clip, by model name (the hybrid's, from its trace)."""
    st.subheader("Four ways to read a clip")
    rows = []
    for name, (model, meta) in found.items():
        digit_logits, direction_logits = known[name] if name in known else model(x)
        m = meta["metrics"]
        rows.append(
            {
                "model": TITLES[name],
                "this clip: digit": int(np.argmax(digit_logits[0])),
                "this clip: motion": clips.DIRECTIONS[int(np.argmax(direction_logits[0]))],
                "held-out digit": m["digit_accuracy"],
                "held-out motion": m["direction_accuracy"],
                "held-out both": m["joint_accuracy"],
                "parameters": m["params"],
            }
        )
    with st.container(key="hybrid-table"):
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                k: st.column_config.NumberColumn(format="percent")
                for k in ("held-out digit", "held-out motion", "held-out both")
            },
        )
        metrics = {name: meta["metrics"] for name, (_, meta) in found.items()}
        one = metrics["hybrid-oneframe"]
        moving = [
            TITLES[n] for n in ("hybrid-earlyfusion", "hybrid-pixelrnn") if metrics[n]["direction_accuracy"] >= 0.9
        ]
        st.markdown(
            f"The CNN that sees one frame reads the digit ({printing.share(one['digit_accuracy'], 1)}) but the "
            f"motion only {printing.share(one['direction_accuracy'], 1)} of the time (chance is 25 %): one picture "
            "holds no motion. "
            + (f"{_sentence_start(' and the '.join(moving))} recover it. " if moving else "")
            + "The hybrid, one CNN shared by every frame, gets both right "
            f"{printing.share(metrics['hybrid-clip']['joint_accuracy'], 1)} of the time."
        )
    st.caption(
        "Held-out figures: clips of the 1,000 held-out digits (one direction each, seeded), measured when the models "
        "were trained; `python -m explorer evaluate` measures them again."
    )


def _sentence_start(text: str) -> str:
    """The first letter capitalised, the rest as written ("CNN, … and the GRU …", not "Cnn, … the gru …")."""
    return text[:1].upper() + text[1:]


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.hybrid import page

    page.render()
