"""Sending one submission from a student's session: "sent" only once the store has acknowledged it, and a press
repeated after a failure (the store unreachable) retried under the same id, so the store keeps it once."""

from __future__ import annotations

import hashlib
import uuid

import streamlit as st

from explorer.app import query, state
from explorer.classroom import ClassroomError, ClassStore, Review, Sketch, Submission

_PENDING = "class_pending"  # (fingerprint of what is being sent, its submission id) until the store has it


def _fingerprint(code: str, content: Sketch | Review) -> str:
    digest = hashlib.sha256(code.encode())
    if isinstance(content, Sketch):
        digest.update(content.pixels.tobytes() + bytes([content.meant]))
    else:
        digest.update(content.text.encode("utf-8", "surrogatepass") + bytes([content.liked]))
    return digest.hexdigest()


def send(store: ClassStore, code: str, content: Sketch | Review) -> Submission | None:
    """Add `content` to room `code` from this session; the kept submission, or None after showing why not (a plain
    message: rate limit, paused, closed, unreachable)."""
    fingerprint = _fingerprint(code, content)
    pending = st.session_state.get(_PENDING)
    if pending is None or pending[0] != fingerprint:
        pending = (fingerprint, uuid.uuid4().hex)
        st.session_state[_PENDING] = pending
    try:
        kept = store.add_submission(code, state.class_session_id(), pending[1], content)
    except ClassroomError as e:
        st.warning(query.literal(str(e), None), icon=":material/schedule_send:")
        return None
    st.session_state.pop(_PENDING, None)
    return kept
