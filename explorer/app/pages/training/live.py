"""Training page, second tab: train a network from random weights in this browser session.

Each tick of the `_progress` fragment (once a second while playing) does a bounded number of optimiser steps,
and only while this session holds one of the process's few training slots (`live_training.SLOTS`), for a turn of
limited length while others wait; the others wait in a queue and see their place and expected wait. A session that
leaves stops ticking, and its slot frees itself.
"""

from __future__ import annotations

import uuid

import numpy as np
import streamlit as st

from explorer.app import query, ui
from explorer.app.state import digit_input
from explorer.compute import live_training as live
from explorer.data import digits
from explorer.figures import digits as digit_figures
from explorer.figures import palette
from explorer.figures import training as figures

STEPS_PER_TICK = 20  # optimiser steps per tick of the fragment: a bounded slice of the CPU, once a second
TICK_S = 1.0
LEARNING_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0)
DEFAULT_LR, DEFAULT_BATCH = 0.05, 64


def _session_id() -> str:
    if "live_session" not in st.session_state:
        st.session_state.live_session = uuid.uuid4().hex
    return st.session_state.live_session


def _reset() -> None:
    st.session_state.live_playing = False
    st.session_state.pop("live_run", None)
    live.SLOTS.release(_session_id())


def _play() -> None:
    st.session_state.live_playing = not st.session_state.get("live_playing", False)
    if not st.session_state.live_playing:
        live.SLOTS.release(_session_id())


def _step_once() -> None:
    st.session_state.live_playing = False
    live.SLOTS.release(_session_id())
    st.session_state.live_single = True


def _current_run():
    """This session's run, made afresh when the settings changed (a new model starts from random weights)."""
    state = st.session_state  # the widgets' values, or their defaults before they were first drawn
    settings = (
        state.get("live_model", next(iter(live.KINDS))),
        float(state.get("live_lr", DEFAULT_LR)),
        int(state.get("live_batch", DEFAULT_BATCH)),
        int(state.get("live_seed", 0)),
    )
    run = st.session_state.get("live_run")
    if run is None or st.session_state.get("live_settings") != settings:
        run = live.new_run(*settings)
        st.session_state.live_run, st.session_state.live_settings = run, settings
    return run


def _refuse_tampered_settings() -> None:
    """A value no widget here can take (sent by a tampered client over the websocket: a batch index out of range,
    a number for a label) is replaced by the default before the widgets are drawn, with a warning."""
    allowed = {
        "live_model": (list(live.KINDS), next(iter(live.KINDS))),
        "live_lr": (list(LEARNING_RATES), DEFAULT_LR),
        "live_batch": (list(live.BATCHES), DEFAULT_BATCH),
        "live_seed": (range(1000), 0),
    }
    for key, (values, default) in allowed.items():
        try:
            value = st.session_state.get(key, default)
        except (TypeError, ValueError, IndexError):  # a value of another type than the widget's: Streamlit fails
            value = None
        if isinstance(value, bool) or not any(type(value) is type(v) and value == v for v in values):
            if key in st.session_state:
                del st.session_state[key]  # the value as it arrived, not only as read: Streamlit re-reads it
            st.session_state[key] = default
            st.warning(
                f"A setting that reached the server is not one this page offers, so it was reset to "
                f"{query.literal(default)}.",
                icon=":material/restart_alt:",
            )


def render() -> None:
    st.markdown(
        "Start from random weights and train on the 4,000 training digits, a batch at a time: plain SGD with "
        "momentum 0.9. Watch the loss fall, the held-out accuracy rise, the first layer's weights take shape, and "
        "the prediction for your digit change. Too large a learning rate makes the loss explode: try it."
    )
    if not live.ENABLED:
        st.info(
            "Live training is turned off on this server (EXPLORER_LIVE_TRAINING=0). The other two tabs work.",
            icon=":material/block:",
        )
        return
    _refuse_tampered_settings()
    c1, c2, c3, c4 = st.columns([0.34, 0.26, 0.2, 0.2])
    c1.selectbox("Model", list(live.KINDS), format_func=live.KINDS.get, key="live_model", on_change=_reset)
    c2.select_slider("Learning rate", LEARNING_RATES, DEFAULT_LR, key="live_lr", on_change=_reset)
    c3.selectbox(
        "Batch size", live.BATCHES, index=live.BATCHES.index(DEFAULT_BATCH), key="live_batch", on_change=_reset
    )
    c4.number_input("Seed", 0, 999, 0, key="live_seed", on_change=_reset)
    playing = bool(st.session_state.get("live_playing", False))
    b1, b2, b3, _ = st.columns([0.15, 0.15, 0.15, 0.55])
    b1.button("❚❚ Pause" if playing else "▶ Play", key="live-play", on_click=_play, width="stretch")
    b2.button("Step", key="live-step", on_click=_step_once, width="stretch", help=f"{STEPS_PER_TICK} optimiser steps")
    b3.button("Reset", key="live-reset", on_click=_reset, width="stretch", help="Back to random weights")
    st.fragment(_progress, run_every=TICK_S if playing else None)()


def _progress() -> None:
    """One tick: train a bounded slice if this session holds a slot, then draw where the run stands."""
    try:
        run = _current_run()
    except ValueError as e:
        st.warning(str(e), icon=":material/error:")
        return
    single = st.session_state.pop("live_single", False)
    if single or st.session_state.get("live_playing"):
        turn = live.SLOTS.take_turn(_session_id())
        if turn.is_training:
            live.advance(run, STEPS_PER_TICK)
            if single:
                live.SLOTS.release(_session_id())
            elif turn.waiting:  # a shared server: the turn is limited while others wait
                st.caption(
                    f"Your turn: {turn.seconds_left:.0f} s left ({turn.waiting} waiting); then you go to the back "
                    "of the queue, and your run keeps its weights.",
                )
        else:
            st.info(
                f"Other students are training right now: you are number {turn.place} in the queue, your turn "
                f"starts in about {turn.expected_wait_s:.0f} s (turns last {live.SLOTS.turn_s:.0f} s each). "
                "Your training starts by itself when a place frees up.",
                icon=":material/hourglass_top:",
            )
    if run.diverged:
        st.session_state.live_playing = False
        live.SLOTS.release(_session_id())
        st.error(
            f"Diverged after step {run.step:,}: the next step's loss exploded (infinite, not a number, or above "
            f"{live.DIVERGED_LOSS:g}, where guessing at random scores ln 10 ≈ 2.3), so training stopped and kept the "
            "last good weights. The learning rate is too large for this model: press Reset and choose a smaller one.",
            icon=":material/warning:",
        )
    last = run.history[-1] if run.history else None
    accuracy = next((h[2] for h in reversed(run.history) if h[2] is not None), None)
    with st.container(key="live-status"):
        st.markdown(
            f"**Step {run.step:,}**"
            + (f" · training loss {last[1]:.3f}" if last else " · untrained")
            + (f" · held-out accuracy {accuracy:.1%}" if accuracy is not None else "")
        )
    if run.history:
        ui.plot(figures.live_curves(run.history), key="live-curves")
    image = digit_input()
    if image is None:
        held = digits.load_heldout()
        image = held.images[0].astype(np.float32) / 255.0
    left, right = st.columns([0.4, 0.6])
    with left:
        probs = live.predict(run, digits.to_model_input(image))[0]
        ui.plot(digit_figures.probability_bars(probs, "Its answer for your digit now", palette.MLP), key="live-probs")
    with right:
        layer = live.first_layer(run)
        if layer is not None and layer.ndim == 2:  # the MLP: one 28 × 28 picture per hidden unit
            pictures = layer[:, :6].T.reshape(-1, 28, 28)
            st.markdown("**First-layer weights** (six hidden units)")
            ui.plot(figures.tiles(pictures, [f"unit {i}" for i in range(6)], height=160), key="live-weights")
        elif layer is not None:  # the CNN's conv1 kernels (3, 3, 1, C)
            kernels = layer[:, :, 0, :].transpose(2, 0, 1)
            st.markdown("**conv1 kernels**")
            ui.plot(figures.tiles(kernels, [f"{i}" for i in range(len(kernels))], height=140), key="live-weights")
