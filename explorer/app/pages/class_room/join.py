"""The student's join view (/class?room=CODE): light on purpose. A canvas, the digit they meant, one line of
both networks' answers, and "Send to the class"; nothing leaves the page before that press."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from explorer.app import query, resources, ui
from explorer.app.pages.class_room import sending
from explorer.classroom import ClassStore, Room, Sketch, answers
from explorer.compute import printing
from explorer.data import digits
from explorer.models.rnn import CELL_TITLES

CANVAS_SIZE = 280  # as the Digit page's: the same stroke becomes the same 28 × 28 input
STROKE_WIDTH = 20
SHOWN_PX = 112  # the sent sketch, 4 screen pixels per input pixel
RNN_TITLE = f"row RNN ({CELL_TITLES[answers.CLASS_RNN.removeprefix('row-rnn-')]})"


@dataclass(frozen=True)
class Sent:
    """What this session last sent, as the store acknowledged it."""

    room: str
    id: str
    sketch: Sketch


def _sketch_input() -> tuple[np.ndarray | None, str]:
    """(the canvas's 28 × 28 uint8 input, "") or (None, why there is none)."""
    rgba = ui.sketch_canvas("class_canvas", CANVAS_SIZE, STROKE_WIDTH, label="Drawing canvas: draw a digit")
    if rgba is None:
        return None, "Draw a digit on the canvas (white on black)."
    result = digits.preprocess(digits.canvas_to_grey(rgba))
    if isinstance(result, digits.NothingToClassify):
        return None, result.message
    return answers.sketch_pixels(result.centred), ""


def _answer_line(sketch: Sketch) -> str:
    cnn, rnn = int(sketch.cnn.argmax()), int(sketch.rnn.argmax())
    return (
        f"The CNN reads **{cnn}** ({printing.share(sketch.cnn[cnn])}) · the {RNN_TITLE} reads **{rnn}** "
        f"({printing.share(sketch.rnn[rnn])})"
    )


def _last_sent(code: str) -> None:
    sent = st.session_state.get("class_sent")
    if sent is None or sent.room != code:
        return
    with st.container(key="class-sent", border=True):
        st.success("Sent: the class sees it.", icon=":material/check_circle:")
        image_col, text_col = st.columns([0.3, 0.7], vertical_alignment="center")
        image_col.image(np.kron(sent.sketch.pixels, np.ones((4, 4), np.uint8)), width=SHOWN_PX)
        text_col.markdown(f"You meant **{sent.sketch.meant}**. " + _answer_line(sent.sketch) + ".")
        link = "digit?sketch=" + query.encode_sketch(sent.sketch.pixels.astype(np.float32) / 255.0)
        text_col.markdown(f"[Open it on the Digit page]({link}): see inside both networks.")


def render(store: ClassStore, room: Room) -> None:
    st.caption(
        "Draw a digit, say which one you meant, and send it: the lecturer's screen shows it with what the CNN and "
        "the row-by-row RNN read. Nothing is sent before you press Send; no name is asked."
    )
    if room.paused:
        st.info("The lecturer has paused this room: you can draw, sending is off for now.", icon=":material/pause:")
    forwards, message = resources.class_forwards(resources.weights_folder())
    if forwards is None:
        st.error(message, icon=":material/error:")
        return
    draw_col, send_col = st.columns([0.45, 0.55], gap="medium")
    with draw_col:
        pixels, why = _sketch_input()
    with send_col:
        meant = st.radio(  # a radio group wraps on a phone, and ← / → move between its digits
            "Which digit did you mean?", list(range(10)), index=None, key="class_meant", horizontal=True
        )
        sketch = None
        if pixels is None:
            st.caption(why)
        else:
            sketch = answers.sketch(*forwards, pixels, 0 if meant is None else int(meant))
            st.markdown(_answer_line(sketch))
        pressed = st.button("Send to the class", key="class_send", type="primary", icon=":material/send:")
    if pressed:
        sent = st.session_state.get("class_sent")
        if sketch is None:
            st.info(f"Nothing to send yet: {why}", icon=":material/draw:")
        elif meant is None:
            st.info("Choose which digit you meant (0–9), then send.", icon=":material/pin:")
        elif sent is not None and sent.room == room.code and _same(sent.sketch, sketch):
            st.info("This sketch is already sent. Draw another one.", icon=":material/done_all:")
        else:
            kept = sending.send(store, room.code, Sketch(sketch.pixels, int(meant), sketch.cnn, sketch.rnn))
            if kept is not None:
                st.session_state.class_sent = Sent(room.code, kept.id, kept.content)
    _last_sent(room.code)
    st.markdown(f"[Write a review for the class]({'sentiment?room=' + room.code}) on the Sentiment page.")


def _same(a: Sketch, b: Sketch) -> bool:
    return a.meant == b.meant and np.array_equal(a.pixels, b.pixels)
