"""The lecturer's view (/class?room=CODE&key=…): the join link and its QR code, the controls, and the projector,
a fragment that reruns every second and reads only what changed since its last read."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import segno
import streamlit as st

from explorer.app import query, resources, ui
from explorer.app.pages.class_room import gallery
from explorer.classroom import (
    ClassroomError,
    ClassStore,
    Review,
    Room,
    RoomNotFound,
    Sketch,
    StoreUnavailable,
    Submission,
    answers,
    export,
)
from explorer.classroom.summary import RoomView
from explorer.compute import printing
from explorer.figures import classroom as figures
from explorer.figures import palette
from explorer.models.rnn import CELL_TITLES

GALLERY = 24  # the latest sketches on the wall: 4 rows of 6 at 1280 px, readable however many the room has
HARDEST = 6
HIDE_OFFERED = 60  # the latest submissions the hide control offers (the hardest sketches are offered too)
SPLITS_SHOWN = 20  # reviews where the readers split, latest first
REVIEW_CHARS_SHOWN = 200
RNN_TITLE = f"Row RNN ({CELL_TITLES[answers.CLASS_RNN.removeprefix('row-rnn-')]})"
QR_SCALE = 12  # px per module at the SVG's own size; it is drawn to fill its column (about 40 % of the screen)


def join_link(code: str) -> str:
    """The app's own address (as this browser reached it) + /class?room=CODE; relative if the address is unknown."""
    url = st.context.url or ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return f"class?room={code}"
    path = parts.path.rstrip("/")
    base = path[: -len("/class")] if path.endswith("/class") else path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/class", f"room={code}", ""))


def qr_image(link: str) -> str:
    """The join link as a QR code (segno, error correction M): an <img> of its SVG as a data: URL (Streamlit's
    HTML sanitiser keeps images, not inline SVG), drawn to fill its column, square modules kept sharp."""
    svg = segno.make(link, error="m", micro=False).svg_data_uri(scale=QR_SCALE, border=2)
    return (
        f'<img src="{svg}" alt="QR code of the join link" '
        'style="display:block;width:100%;height:auto;image-rendering:pixelated;background:#fff">'
    )


def _act(store: ClassStore, call: str, code: str, key: str, done: str) -> None:
    """A lecturer control's callback: the store call, then one plain message for the next run."""
    try:
        getattr(store, call)(code, key)
    except ClassroomError as e:
        st.session_state.class_notice = ("warning", str(e))
        return
    st.session_state.class_notice = ("success", done)
    if call == "close":
        st.session_state.pop("class_view", None)
        for name in ("room", "key"):  # the rest of the address (a lesson's, presenter mode) stays
            if name in st.query_params:
                del st.query_params[name]


def _hide(store: ClassStore, code: str, key: str) -> None:
    picked = st.session_state.get("class_hide_pick")
    if not picked:
        return
    try:
        store.hide(code, key, picked)
    except ClassroomError as e:
        st.session_state.class_hide_notice = str(e)
    else:
        st.session_state.class_hide_notice = ""


def _csv(store: ClassStore, code: str, key: str, kind: type) -> bytes:
    if not store.is_lecturer(code, key):
        raise RoomNotFound()
    return export.submissions_csv(
        tuple(s for s in store.submissions_since(code, 0).added if isinstance(s.content, kind))
    )


def render(store: ClassStore, room: Room, key: str) -> None:
    code = room.code
    link = join_link(code)
    intro, qr = st.columns([0.6, 0.4], gap="large")
    with intro:
        st.markdown(f"## Room **{code}**")
        st.markdown("Students open this link, or type the code on the Class page:")
        st.code(link, language=None)
        st.caption(
            "Your own address holds the lecturer key, which alone changes this room: keep it to yourself (do not "
            "share this tab's link). The room and everything in it are deleted when you close it, or "
            f"{time.strftime('%H:%M', time.localtime(room.expires))} (server time) at the latest."
        )
        _controls(store, room, key)
    with qr, st.container(key="class-qr"):
        st.html(f'<div style="width:100%;max-width:70vh;margin:auto">{qr_image(link)}</div>')
    _live(store, code, key)


def _controls(store: ClassStore, room: Room, key: str) -> None:
    code = room.code
    notice = st.session_state.pop("class_notice", None)
    if notice:
        (st.success if notice[0] == "success" else st.warning)(query.literal(notice[1], None))
    with st.container(key="class-controls", horizontal=True):
        st.button(
            "Pause sending",
            key="class_pause",
            icon=":material/pause:",
            disabled=room.paused,
            on_click=_act,
            args=(store, "pause", code, key, "Paused: students can draw, not send."),
        )
        st.button(
            "Resume sending",
            key="class_resume",
            icon=":material/play_arrow:",
            disabled=not room.paused,
            on_click=_act,
            args=(store, "resume", code, key, "Sending is on again."),
        )
        st.button(
            "Clear the room",
            key="class_clear",
            icon=":material/delete_sweep:",
            on_click=_act,
            args=(store, "clear", code, key, "Cleared: every submission is deleted; students may send again."),
        )
        st.button(
            "Close the room",
            key="class_close",
            icon=":material/door_front:",
            on_click=_act,
            args=(store, "close", code, key, f"Room {code} is closed and everything in it deleted."),
        )
    st.caption("Paused: students can still draw, not send." if room.paused else "Sending is on.")
    downloads = (  # label, what it builds when pressed, file name's end, type, key
        ("Sketches (.npz)", lambda: store.export_npz(code, key), "sketches.npz", "application/octet-stream", "npz"),
        ("Sketches (CSV)", lambda: _csv(store, code, key, Sketch), "sketches.csv", "text/csv", "sketches_csv"),
        ("Reviews (CSV)", lambda: _csv(store, code, key, Review), "reviews.csv", "text/csv", "reviews_csv"),
    )
    with st.container(key="class-downloads", horizontal=True):
        for label, data, ending, mime, name in downloads:
            st.download_button(
                label,
                data=data,
                file_name=f"class-{code}-{ending}",
                mime=mime,
                icon=":material/download:",
                key=f"class_download_{name}",
            )


def _tiles(view: RoomView, shown: list[Submission], numbers: dict[str, int], notes: dict[str, str]) -> list[str]:
    """Each shown sketch's tile, built once per submission and note (kept in this session)."""
    cache = st.session_state.setdefault("class_tiles", {})
    out = []
    for s in shown:
        token = (s.id, numbers[s.id], notes.get(s.id, ""))
        if token not in cache:
            cache[token] = gallery.tile(s, numbers[s.id], notes.get(s.id, ""))
        out.append(cache[token])
    if len(cache) > 4 * (GALLERY + HARDEST):  # drop the tiles of submissions long gone from the screen
        live = {t for t in cache if t[0] in view.shown}
        for token in [t for t in cache if t not in live]:
            del cache[token]
    return out


@st.fragment(run_every=1)
def _live(store: ClassStore, code: str, key: str) -> None:
    started = time.perf_counter()
    view = st.session_state.get("class_view")
    if view is None or view.code != code:
        view = st.session_state.class_view = RoomView(code)
    try:
        view.apply(store.submissions_since(code, view.cursor))
    except RoomNotFound as e:
        st.warning(query.literal(str(e), None), icon=":material/door_front:")
        return
    except StoreUnavailable as e:
        st.warning(
            query.literal(str(e), None) + " Showing what was read last; it updates by itself once the store is back.",
            icon=":material/cloud_off:",
        )
    with st.container(key="class-live"):
        _wall(view)
        _scoreboard(view)
        _reviews(view)
        _hide_control(store, view, code, key)
    st.session_state.class_refresh_ms = (time.perf_counter() - started) * 1000
    st.caption(f"Updates every second; this refresh took {st.session_state.class_refresh_ms:.1f} ms of server time.")


def _wall(view: RoomView) -> None:
    table = view.sketches()
    n = len(table.ids)
    st.subheader(f"The class's sketches: {n}" + (f", the latest {GALLERY} shown" if n > GALLERY else ""))
    if not n:
        st.info("No sketch yet. Students draw on the join view and press Send.", icon=":material/draw:")
        return
    numbers = {sid: i + 1 for i, sid in enumerate(table.ids)}
    latest = [view.shown[sid] for sid in reversed(table.ids[-GALLERY:])]
    with st.container(key="class-wall"):
        st.html(gallery.wall(_tiles(view, latest, numbers, {})))
        st.html(
            f'<div style="font-size:0.9rem">{gallery.LEGEND}. Newest first; click one to open it on the Digit '
            "page.</div>"
        )


def _heldout(name: str) -> str:
    found = resources.model(name)[0]
    accuracy = (found.meta.get("metrics") or {}).get("accuracy") if found is not None else None
    return "" if accuracy is None else f"held-out: {accuracy:.1%} of 1,000 MNIST digits"


def _scoreboard(view: RoomView) -> None:
    summary = view.sketch_summary()
    if not summary.count:
        return
    table = view.sketches()
    st.subheader("On this room's handwriting")
    cnn_col, rnn_col = st.columns(2, gap="large")
    for col, name, title, right, counts, colour, key in (
        (cnn_col, answers.CLASS_CNN, "CNN", summary.cnn_right, summary.cnn_confusion, palette.CNN, "cnn"),
        (rnn_col, answers.CLASS_RNN, RNN_TITLE, summary.rnn_right, summary.rnn_confusion, palette.RNN, "rnn"),
    ):
        with col, st.container(key=f"class-score-{key}"):
            # the counts ride in the metric's delta line: captions are hidden in presenter mode
            st.metric(
                f"{title}: right on this room's sketches",
                printing.share(right / summary.count, 1),
                f"{right} of {summary.count} sketches · {_heldout(name)}",
                delta_color="off",
                delta_arrow="off",
            )
            ui.plot(_confusion(summary, key, counts, title, colour), key=f"class-confusion-{key}")
    st.markdown(
        f"The two networks disagree on {summary.disagree} of {summary.count} sketches; both are wrong on "
        f"{summary.both_wrong}."
    )
    hardest = summary.hardest
    numbers = {sid: i + 1 for i, sid in enumerate(table.ids)}
    shown = [view.shown[table.ids[h.index]] for h in hardest]
    notes = {table.ids[h.index]: f"p {printing.share(h.cnn_p)} · {printing.share(h.rnn_p)}" for h in hardest}
    st.markdown(
        "**The hardest sketches**: the lowest mean probability the two networks give the digit meant "
        "(p: the CNN's, then the row RNN's)."
    )
    with st.container(key="class-hardest"):
        st.html(gallery.wall(_tiles(view, shown, numbers, notes)))


def _confusion(summary, key: str, counts, title: str, colour: str):
    """The network's confusion figure, built once per summary (the refreshes between two changes reuse it)."""
    kept = st.session_state.get(f"class_confusion_{key}")
    if kept is None or kept[0] is not summary:
        kept = (summary, figures.confusion_heatmap(counts, f"{title}: what it read, per digit meant", colour))
        st.session_state[f"class_confusion_{key}"] = kept
    return kept[1]


def _reviews(view: RoomView) -> None:
    reviews = view.review_summary()
    if not reviews.count:
        return
    st.subheader(f"The class's reviews: {reviews.count}")
    st.markdown("How often each reader's answer is the student's own thumbs up or down:")
    with st.container(key="class-reviews"):
        cols = st.columns(3)
        for col, title, right in (
            (cols[0], "GRU (RNN)", reviews.rnn_right),
            (cols[1], "n-gram CNN", reviews.cnn_right),
            (cols[2], "VADER (word list)", reviews.vader_right),
        ):
            col.metric(
                title,
                printing.share(right / reviews.count),
                f"{right} of {reviews.count} as the student's thumbs",
                delta_color="off",
                delta_arrow="off",
            )
        splits = reviews.splits[::-1][:SPLITS_SHOWN]
        if not splits:
            st.caption("All three readers agree on every review so far.")
            return
        many = len(reviews.splits)
        st.markdown(
            f"**Where they split**: {many} review{'s' if many != 1 else ''}"
            + (f", the latest {len(splits)} below." if many > len(splits) else ", below.")
        )
        side = lambda positive: "positive" if positive else "negative"  # noqa: E731
        st.dataframe(
            [
                {
                    "review": r.text[:REVIEW_CHARS_SHOWN] + ("…" if len(r.text) > REVIEW_CHARS_SHOWN else ""),
                    "student": side(r.liked),
                    "GRU": side(r.rnn),
                    "CNN": side(r.cnn),
                    "VADER": side(r.vader),
                }
                for r in splits
            ],
            hide_index=True,
            width="stretch",
        )


def _hide_control(store: ClassStore, view: RoomView, code: str, key: str) -> None:
    shown = view.submissions
    if not shown:
        return
    # the latest ones (the wall shows 24) and the hardest: what a lecturer sees and may want gone; a long list
    # of every submission would cost each refresh its labels
    table = view.sketches()
    hardest = {table.ids[h.index] for h in view.sketch_summary().hardest}
    numbers = {s.id: i + 1 for i, s in enumerate(shown)}
    splits = {r.id for r in view.review_summary().splits[-SPLITS_SHOWN:]}  # the reviews in the table below
    older = len(shown) - HIDE_OFFERED
    offered = list(shown[-HIDE_OFFERED:]) + [view.shown[i] for i in hardest | splits if numbers[i] <= older]
    labels = {s.id: _label(s, numbers[s.id]) for s in sorted(offered, key=lambda s: numbers[s.id])}
    with st.container(key="class-hide", horizontal=True, vertical_alignment="bottom"):
        st.selectbox(
            "Hide one submission (it disappears from every screen)",
            list(reversed(labels)),
            index=None,
            format_func=labels.get,
            key="class_hide_pick",
            placeholder=f"Pick one of the latest {HIDE_OFFERED} or the hardest, newest first",
        )
        st.button(
            "Hide it", key="class_hide", icon=":material/visibility_off:", on_click=_hide, args=(store, code, key)
        )
    problem = st.session_state.get("class_hide_notice")
    if problem:
        st.warning(query.literal(problem, None))


def _label(s: Submission, number: int) -> str:
    """A plain-text option label (a select box shows it as text, not markdown); control characters escaped."""
    c = s.content
    if isinstance(c, Sketch):
        return f"#{number} sketch: meant {c.meant}, CNN {int(c.cnn.argmax())}, RNN {int(c.rnn.argmax())}"
    text = c.text if len(c.text) <= 40 else c.text[:40] + "…"
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return f"#{number} review: {text}"
