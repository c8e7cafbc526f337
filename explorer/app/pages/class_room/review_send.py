"""The Sentiment page's "Send to the class" block, shown only when its address names a room (`room=CODE`): the
review as the three readers read it, with the student's own thumbs up or down."""

from __future__ import annotations

import streamlit as st

from explorer.app import query, resources
from explorer.app.pages.class_room import sending
from explorer.classroom import answers, codes
from explorer.compute import sentiment


def render(reading: sentiment.Reading) -> None:
    raw = query.first(st.query_params, "room")
    if raw is None:
        return
    with st.container(key="class-review", border=True):
        st.markdown("**Send to the class**")
        code = codes.normalized_code(raw)
        if code is None:
            st.warning(
                f"The address's room={query.literal(raw)} is not a room code, so nothing can be sent.",
                icon=":material/link_off:",
            )
            return
        store, message = resources.class_store()
        if store is None:
            st.warning(query.literal(message, None), icon=":material/cloud_off:")
            return
        chars = store.limits.review_chars
        liked = st.segmented_control(
            "What do you say about it?",
            [True, False],
            format_func=lambda up: "👍 positive" if up else "👎 negative",
            key="class_review_label",
        )
        pressed = st.button("Send to the class", key="class_review_send", icon=":material/send:")
        st.caption(
            f"Sends the review above (its first {chars:,} characters), your verdict and the three readers' answers "
            f"to room {code}. Nothing is sent before you press Send; no name is asked."
        )
        if not pressed:
            return
        if liked is None:
            st.info(
                "Choose 👍 or 👎 first: the class compares the readers with your own verdict.", icon=":material/pin:"
            )
            return
        kept = sending.send(store, code, answers.review(reading, bool(liked), chars))
        if kept is not None:
            st.success(
                f"Sent to room {code}: {len(kept.content.text):,} characters, your verdict "
                f"{'positive' if kept.content.liked else 'negative'}.",
                icon=":material/check_circle:",
            )
