"""Class page: a live class room. A lecturer starts a room and shows its code, join link and QR code; students
join on their phones, draw a digit, say which one they meant and send it; the lecturer's projector shows every
sketch with both networks' answers, live, and how each network does on this room's own handwriting.

Who sees what is decided by the address: `room=CODE` is the student's join view; `room=CODE&key=…` is the
lecturer's view only when the key opens that room (the store checks it in constant time); any other key gets the
student's view and a message."""

from __future__ import annotations

import streamlit as st

from explorer.app import query, resources
from explorer.app.pages.class_room import join, projector
from explorer.classroom import ClassroomError, Room, RoomNotFound, codes

PARAMS = ("room", "key")  # the address parameters the page reads


def address_problems(params) -> list[str]:
    """A `room` that cannot be a room code (whether a room has it is the store's to say, when the page opens)."""
    raw = query.first(params, "room")
    if raw is not None and codes.normalized_code(raw) is None:
        return [query.problem("room", raw, f"a room code of {codes.CODE_LENGTH} letters and digits")]
    return []


def open_view(params, *, whole_view: bool = True) -> None:
    """Nothing to open: the room and the key are read from the address on every run."""


def _notice() -> None:
    notice = st.session_state.pop("class_notice", None)
    if notice:
        (st.success if notice[0] == "success" else st.warning)(query.literal(notice[1], None))


def _start(store) -> None:
    try:
        keys = store.create_room()
    except ClassroomError as e:
        st.session_state.class_notice = ("warning", str(e))
        return
    # added to the address, not replacing it: in a lesson's Class scene the lesson and scene stay in it
    st.query_params.update({"room": keys.code, "key": keys.lecturer_key})


def _join(store) -> None:
    typed = st.session_state.get("class_code", "")
    try:
        room = store.room(typed)
    except ClassroomError as e:
        st.session_state.class_notice = ("warning", str(e))
        return
    st.query_params.update({"room": room.code})
    if "key" in st.query_params:
        del st.query_params["key"]


def landing(store) -> None:
    """No room in the address: join one by its code, or start one."""
    _notice()
    forwards, message = resources.class_forwards(resources.weights_folder())
    if forwards is None:
        st.error(message, icon=":material/error:")
    join_col, start_col = st.columns(2, gap="large")
    with join_col, st.container(key="class-join", border=True):
        st.subheader("Join a class room")
        st.text_input("Room code", key="class_code", max_chars=4 * codes.CODE_LENGTH, placeholder="e.g. K7MPQ")
        st.button(
            "Join", key="class_join", icon=":material/login:", on_click=_join, args=(store,), disabled=store is None
        )
    with start_col, st.container(key="class-start", border=True):
        st.subheader("Teach: start a class room")
        st.caption(
            "You get a short code, a join link and a QR code to put on the projector. Students need no account and "
            "give no name; the room and its data are deleted when you close it, or after "
            f"{(store.limits.lifetime_s if store is not None else 12 * 3600) / 3600:g} hours."
        )
        st.button(
            "Start a class room",
            key="class_start",
            type="primary",
            icon=":material/co_present:",
            on_click=_start,
            args=(store,),
            disabled=store is None or forwards is None,
        )


TITLE = "Class: the room's own handwriting"


def _verified(code: str, key: str) -> Room | None:
    """The room as last read when this session's store checked that `key` opens it, or None."""
    known = st.session_state.get("class_lecturer")
    return known[2] if known is not None and known[:2] == (code, key) else None


def render() -> None:
    store, message = resources.class_store()
    raw = query.first(st.query_params, "room")
    code = None if raw is None else codes.normalized_code(raw)
    key = query.first(st.query_params, "key")
    room, lecturer, problem = None, False, None
    if code is not None and store is not None:
        try:
            room = store.room(code)
            lecturer = key is not None and store.is_lecturer(code, key)
        except ClassroomError as e:  # no open room has the code, or the store is unreachable
            problem = e
    student = store is not None and code is not None and not lecturer and not isinstance(problem, RoomNotFound)
    # a phone's first screen: the room's code (its own alphabet only) and then the canvas
    st.title(f"Room {code}: draw a digit for the class" if student and (room or key is None) else TITLE)
    if store is None:
        st.warning(query.literal(message, None), icon=":material/cloud_off:")
        if code is None:
            landing(store)
        return
    if raw is None:
        landing(store)
        return
    if code is None:
        for bad in address_problems(st.query_params):
            st.warning(bad, icon=":material/link_off:")
        landing(store)
        return
    if room is None:
        st.warning(query.literal(str(problem), None), icon=":material/door_front:")
        if isinstance(problem, RoomNotFound):  # mistyped, expired or closed: another code may be typed here
            landing(store)
        elif key is None:  # the store is down: the student keeps the canvas; Send says so until it is back
            join.render(store, Room(code, 0.0, 0.0, False))
        elif _verified(code, key) is not None:  # this session's lecturer: the projector keeps refreshing itself
            projector.render(store, _verified(code, key), key)
        return
    if lecturer:
        st.session_state.class_lecturer = (code, key, room)
        projector.render(store, room, key)
        return
    if key is not None:
        st.warning(
            "This lecturer key does not open this room, so this is the student's view.", icon=":material/key_off:"
        )
    join.render(store, room)


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's. Render through the imported module, so they are the same.
    from explorer.app.pages.class_room import page

    page.render()
