"""The Class page through AppTest: a lecturer starts a room, students join and send sketches (and reviews from the
Sentiment page), the projector shows them, the lecturer's controls change the room; and every bad input gets a
plain message. Each test has its own SQLite store (EXPLORER_DATA_DIR in tmp_path); several AppTests on one store
are several browser sessions on one app."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import time

import numpy as np
import pytest
from PIL import Image
from streamlit.util import calc_hash

from explorer import classroom
from explorer.app import query
from explorer.classroom import RoomLimits, answers, codes
from explorer.classroom.sqlite_store import SQLiteStore
from explorer.compute import measured_table
from explorer.data import digits
from explorer.models import weights
from tests.support.apptest import assert_clean, assert_no_exception, chart_spec, new_app

TOLERANCE = 1e-5  # the page's compiled forward against the nnx model called here: float32, compiled two ways


@pytest.fixture
def store(monkeypatch, tmp_path):
    """The store the app opens in this test (the SQLite file under a fresh EXPLORER_DATA_DIR), as a second handle."""
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    return classroom.open_store()


@pytest.fixture(scope="module")
def heldout():
    return digits.load_heldout()


@pytest.fixture(scope="module")
def forward():
    return {n: measured_table.compiled_forward(weights.load(n)[0]) for n in (answers.CLASS_CNN, answers.CLASS_RNN)}


def class_app(**params: str):
    """A browser session opening /class?<params> (the page is keyed by the hash of its address, `class`)."""
    at = new_app()
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page("explorer/app/pages/class_room/page.py")
    return at.run()


def canvas_of(digit: np.ndarray) -> np.ndarray:
    """A 28×28 digit blown up to the 280×280 canvas, as if drawn there: grey 0..1."""
    return np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BILINEAR), np.float32) / 255.0


def html_text(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def warnings(at) -> list[str]:
    """The warnings' text as shown (their markdown's backslash escapes read back)."""
    return [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]


def add_sketches(store, code: str, heldout, forward, n: int, start: int = 0) -> list:
    """n held-out digits sent by n sessions, each meaning its label (digit 7 meant as 1 on purpose: a wrong
    reading for the confusion matrix)."""
    kept = []
    for i in range(start, start + n):
        meant = int(heldout.labels[i]) if heldout.labels[i] != 7 else 1
        made = answers.sketch(forward[answers.CLASS_CNN], forward[answers.CLASS_RNN], heldout.images[i], meant)
        kept.append(store.add_submission(code, f"session-{i:06d}", f"sketch-{i:06d}", made))
    return kept


# ---------------------------------------------------------------------------------------------- lecturer


def test_a_lecturer_starts_a_room_and_gets_its_code_join_link_qr_and_a_key_in_the_address(store):
    at = class_app()
    assert_clean(at)
    at.button(key="class_start").click().run()
    assert_clean(at)
    code, key = at.query_params["room"], at.query_params["key"]
    assert codes.normalized_code(code) == code and len(key) >= 32
    assert store.is_lecturer(code, key) and not store.is_lecturer(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert any(f"Room **{code}**" in m.value for m in at.markdown)
    assert any(c.value.endswith(f"class?room={code}") for c in at.code)  # the students' link has no key
    assert not any(key in c.value for c in at.code)
    qr = next(h.proto.body for h in at.get("html") if "QR code of the join link" in h.proto.body)
    from explorer.app.pages.class_room import projector

    link = next(c.value for c in at.code if c.value.endswith(f"class?room={code}"))
    assert projector.qr_image(link) in qr  # the QR code shown is the one of the link shown
    for control in ("class_pause", "class_resume", "class_clear", "class_close"):
        assert at.button(key=control)


def test_the_join_link_is_the_apps_own_address(monkeypatch):
    from explorer.app.pages.class_room import projector

    class Context:
        url = "https://lecture.example.org/explorer/class"

    monkeypatch.setattr(projector.st, "context", Context())
    assert projector.join_link("K7MPQ") == "https://lecture.example.org/explorer/class?room=K7MPQ"
    Context.url = "http://localhost:8501/"
    assert projector.join_link("K7MPQ") == "http://localhost:8501/class?room=K7MPQ"
    Context.url = None
    assert projector.join_link("K7MPQ") == "class?room=K7MPQ"


def test_the_qr_image_is_segnos_svg_of_the_join_link_large_enough_for_a_hall():
    from urllib.parse import unquote

    import segno

    from explorer.app.pages.class_room import projector

    link = "http://192.168.1.20:8501/class?room=K7MPQ"
    html = projector.qr_image(link)
    made = segno.make(link, error="m", micro=False)
    assert made.designator.endswith("M")  # error correction M: a smudged projector still scans
    src = html.split('src="', 1)[1].split('"', 1)[0]
    assert src == made.svg_data_uri(scale=projector.QR_SCALE, border=2)
    svg = unquote(src.split(",", 1)[1])
    side = made.symbol_size(scale=projector.QR_SCALE, border=2)[0]
    assert f"width='{side}'" in svg and side >= 300  # and CSS draws it to fill its column
    assert "width:100%" in html


# ---------------------------------------------------------------------------------------------- students


def test_a_student_joins_by_typing_the_code_in_any_case(store):
    keys = store.create_room()
    at = class_app()
    at.text_input(key="class_code").input(f"  {keys.code.lower()} ").run()
    at.button(key="class_join").click().run()
    assert_clean(at)
    assert at.query_params["room"] == keys.code and "key" not in at.query_params
    assert at.button(key="class_send") and at.radio(key="class_meant").value is None
    with pytest.raises(KeyError):
        at.button(key="class_pause")


@pytest.mark.parametrize("typed", ["ZZZZZ", "hello", "<b>X</b>", "A" * 5000])
def test_a_wrong_code_typed_or_in_the_address_is_refused_with_a_plain_message(store, typed):
    store.create_room()
    at = class_app()
    at.text_input(key="class_code").input(typed[:20]).run()
    at.button(key="class_join").click().run()
    assert_clean(at)
    assert "room" not in at.query_params
    assert any("No open class room has this code" in w for w in warnings(at))
    at = class_app(room=typed)
    assert_clean(at)
    shown = " ".join(warnings(at))
    assert "No open class room has this code" in shown or "Ignored the address parameter room" in shown
    assert all("<b>" not in w.value for w in at.warning if "<b>" in typed)  # quoted back escaped, not markup
    with pytest.raises(KeyError):
        at.button(key="class_send")


def test_an_expired_room_is_refused(store, tmp_path):
    past = SQLiteStore(tmp_path / classroom.opening.SQLITE_NAME, RoomLimits(lifetime_s=60), lambda: time.time() - 120)
    keys = past.create_room()
    for params in ({"room": keys.code}, {"room": keys.code, "key": keys.lecturer_key}):
        at = class_app(**params)
        assert_clean(at)
        assert any("No open class room has this code" in w for w in warnings(at))
        with pytest.raises(KeyError):
            at.button(key="class_pause")


def test_a_student_sends_a_sketch_only_on_send_and_sees_it_with_both_answers(store, canvas_image, heldout, forward):
    keys = store.create_room()
    at = class_app(room=keys.code)
    canvas_image(canvas_of(heldout.images[0]))
    at.run()
    assert_clean(at)
    live = " ".join(m.value for m in at.markdown)
    assert "The CNN reads" in live and "row RNN (LSTM) reads" in live
    at.radio(key="class_meant").set_value(int(heldout.labels[0])).run()
    assert store.count(keys.code) == 0  # drawn and chosen, not sent
    at.button(key="class_send").click().run()
    assert_clean(at)
    assert any(s.value.startswith("Sent") for s in at.success)
    (kept,) = store.submissions_since(keys.code, 0).added
    sketch = kept.content
    assert sketch.meant == int(heldout.labels[0])
    # the answers kept are the networks' own on the 28×28 input kept (the nnx models called here)
    x = sketch.pixels.astype(np.float32)[None, :, :, None] / 255.0
    for name, probs in ((answers.CLASS_CNN, sketch.cnn), (answers.CLASS_RNN, sketch.rnn)):
        logits = np.asarray(weights.load(name)[0](x), np.float64)[0]
        np.testing.assert_allclose(probs, np.exp(logits) / np.exp(logits).sum(), atol=TOLERANCE)
    assert int(sketch.cnn.argmax()) == heldout.labels[0]  # a clean held-out digit, read right
    link = "digit?sketch=" + query.encode_sketch(sketch.pixels.astype(np.float32) / 255.0)
    sent_text = " ".join(m.value for m in at.get_by_key("class-sent").markdown)
    assert link in sent_text and f"You meant **{sketch.meant}**" in sent_text
    np.testing.assert_array_equal(np.round(query.decode_sketch(link.split("=", 1)[1]) * 255), sketch.pixels)
    at.button(key="class_send").click().run()  # the same sketch again: not sent twice
    assert any("already sent" in i.value for i in at.info) and store.count(keys.code) == 1


def test_send_asks_for_a_drawing_and_a_meant_digit_first(store, canvas_image, heldout):
    keys = store.create_room()
    at = class_app(room=keys.code)
    at.button(key="class_send").click().run()
    assert_clean(at)
    assert any("Nothing to send yet" in i.value for i in at.info)
    canvas_image(canvas_of(heldout.images[1]))
    at.button(key="class_send").click().run()
    assert any("Choose which digit you meant" in i.value for i in at.info)
    assert store.count(keys.code) == 0


def test_a_second_send_within_the_interval_says_to_wait(store, canvas_image, heldout):
    keys = store.create_room()
    at = class_app(room=keys.code)
    at.radio(key="class_meant").set_value(5).run()
    for i in (0, 1):
        canvas_image(canvas_of(heldout.images[i]))
        at.button(key="class_send").click().run()
        assert_clean(at)
    assert any(w.startswith("Please wait") and w.endswith("s before sending again.") for w in warnings(at))
    assert store.count(keys.code) == 1


def test_100_sends_from_one_session_stop_at_the_rooms_limit_said_on_screen(
    monkeypatch, tmp_path, canvas_image, heldout
):
    """A flood: 100 different sketches from one session, no interval (so the per-session cap is what stops it)."""
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    path = tmp_path / classroom.opening.SQLITE_NAME
    limits = RoomLimits(min_interval_s=0.0, per_session=50)
    monkeypatch.setattr(classroom, "open_store", lambda: SQLiteStore(path, limits))
    store = SQLiteStore(path, limits)
    keys = store.create_room()
    at = class_app(room=keys.code)
    at.radio(key="class_meant").set_value(3).run()
    refused = 0
    for i in range(100):
        canvas_image(canvas_of(heldout.images[i]))
        at.button(key="class_send").click().run()
        assert_no_exception(at)
        refused += any("at most 50 submissions from one session" in w for w in warnings(at))
    assert store.count(keys.code) == 50 and refused == 50


def test_a_forged_canvas_payload_gets_a_message_and_nothing_is_sent(store):
    keys = store.create_room()
    at = new_app()
    at.query_params["room"] = keys.code
    at._page_hash = calc_hash("class")
    huge = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + (13_000).to_bytes(4, "big") * 2 + bytes(5)
    import base64

    at.session_state["class_canvas"] = {"png": "data:image/png;base64," + base64.b64encode(huge).decode(), "strokes": 1}
    at.run()
    assert_clean(at)
    assert any("could not be read" in w and "13,000 × 13,000" in w for w in warnings(at))
    at.radio(key="class_meant").set_value(1).run()
    at.button(key="class_send").click().run()
    assert any("Nothing to send yet" in i.value for i in at.info) and store.count(keys.code) == 0


# ---------------------------------------------------------------------------------------------- address abuse


@pytest.mark.parametrize("guess", ["guess", "x" * 32, "k" * 10_000, "%00", ""])
def test_a_student_editing_the_address_gets_no_lecturer_controls(store, guess):
    keys = store.create_room()
    at = class_app(room=keys.code, key=guess)
    assert_clean(at)
    for control in ("class_pause", "class_resume", "class_clear", "class_close", "class_hide"):
        with pytest.raises(KeyError):
            at.button(key=control)
    assert any("does not open this room" in w for w in warnings(at))
    assert at.button(key="class_send")
    assert store.room(keys.code) and not store.room(keys.code).paused


# ---------------------------------------------------------------------------------------------- projector


def test_the_projector_shows_every_sketch_the_scoreboard_and_confusion_from_the_store(store, heldout, forward):
    keys = store.create_room()
    kept = add_sketches(store, keys.code, heldout, forward, 10)
    at = class_app(room=keys.code, key=keys.lecturer_key)
    assert_clean(at)
    wall = "\n".join(h.proto.body for h in at.get_by_key("class-wall").get("html"))
    for s in kept:  # each tile links to its own sketch on the Digit page
        assert "digit?sketch=" + query.encode_sketch(s.content.pixels.astype(np.float32) / 255.0) in wall
    assert wall.count("<img") == 10
    # the scoreboard, recomputed here from the stored answers by a plain loop
    cnn_right = sum(int(np.argmax(s.content.cnn)) == s.content.meant for s in kept)
    rnn_right = sum(int(np.argmax(s.content.rnn)) == s.content.meant for s in kept)
    cnn_metric = at.get_by_key("class-score-cnn").metric[0]
    assert cnn_metric.value == f"{100 * cnn_right / 10:.1f} %"  # a tenth: never rounds to 0 or 100 falsely
    assert at.get_by_key("class-score-rnn").metric[0].value == f"{100 * rnn_right / 10:.1f} %"
    heldout_accuracy = weights.load(answers.CLASS_CNN)[1]["metrics"]["accuracy"]  # what training measured
    assert (
        cnn_metric.proto.delta == f"{cnn_right} of 10 sketches · held-out: {heldout_accuracy:.1%} of 1,000 MNIST digits"
    )
    from tests.support.plotly_arrays import plain

    z = np.asarray(plain(chart_spec(at, "class-confusion-rnn")["data"][0]["z"]))
    expected = np.zeros((10, 10), int)
    for s in kept:
        expected[s.content.meant, int(np.argmax(s.content.rnn))] += 1
    np.testing.assert_array_equal(z, expected)
    # a submission sent after the first read appears on the next refresh (the fragment reads only what is new)
    cursor = at.session_state["class_view"].cursor
    add_sketches(store, keys.code, heldout, forward, 1, start=10)
    at.run()
    assert_clean(at)
    assert at.session_state["class_view"].cursor > cursor
    assert "\n".join(h.proto.body for h in at.get_by_key("class-wall").get("html")).count("<img") == 11


def test_the_wall_keeps_the_latest_24_and_the_hardest_come_first(store, heldout, forward):
    from explorer.app.pages.class_room import projector

    keys = store.create_room()
    kept = add_sketches(store, keys.code, heldout, forward, 30)
    at = class_app(room=keys.code, key=keys.lecturer_key)
    assert_clean(at)
    wall = "\n".join(h.proto.body for h in at.get_by_key("class-wall").get("html"))
    assert wall.count("<img") == projector.GALLERY == 24
    first_link = "digit?sketch=" + query.encode_sketch(kept[0].content.pixels.astype(np.float32) / 255.0)
    newest = "digit?sketch=" + query.encode_sketch(kept[-1].content.pixels.astype(np.float32) / 255.0)
    assert first_link not in wall and wall.index(newest) < 400  # the oldest left out, the newest first
    hardest = "\n".join(h.proto.body for h in at.get_by_key("class-hardest").get("html"))
    p_meant = [(s.content.cnn[s.content.meant] + s.content.rnn[s.content.meant]) / 2 for s in kept]
    worst = kept[int(np.argmin(p_meant))]
    assert hardest.index(query.encode_sketch(worst.content.pixels.astype(np.float32) / 255.0)) < 400


# ---------------------------------------------------------------------------------------------- controls


def test_pause_resume_hide_clear_and_close(store, canvas_image, heldout, forward):
    keys = store.create_room()
    add_sketches(store, keys.code, heldout, forward, 3)
    lecturer = class_app(room=keys.code, key=keys.lecturer_key)
    other_screen = class_app(room=keys.code, key=keys.lecturer_key)  # a second projector session
    student = class_app(room=keys.code)
    student.radio(key="class_meant").set_value(4).run()

    lecturer.button(key="class_pause").click().run()
    assert_clean(lecturer)
    assert store.room(keys.code).paused and lecturer.button(key="class_resume").disabled is False
    canvas_image(canvas_of(heldout.images[5]))
    student.button(key="class_send").click().run()
    assert any("paused" in w for w in warnings(student)) and store.count(keys.code) == 3
    lecturer.button(key="class_resume").click().run()
    assert not store.room(keys.code).paused

    hidden = "sketch-000001"
    labels = lecturer.selectbox(key="class_hide_pick").options
    assert len(labels) == 3
    lecturer.selectbox(key="class_hide_pick").set_value(hidden).run()
    lecturer.button(key="class_hide").click().run()
    assert_clean(lecturer)
    assert [s.id for s in store.submissions_since(keys.code, 0).added] == ["sketch-000000", "sketch-000002"]
    for screen in (lecturer, other_screen.run()):
        assert_clean(screen)
        assert "\n".join(h.proto.body for h in screen.get_by_key("class-wall").get("html")).count("<img") == 2
        assert hidden not in screen.session_state["class_view"].shown

    lecturer.button(key="class_clear").click().run()
    assert_clean(lecturer)
    assert store.count(keys.code) == 0 and not lecturer.session_state["class_view"].shown
    assert any("No sketch yet" in i.value for i in lecturer.info)

    lecturer.button(key="class_close").click().run()
    assert_clean(lecturer)
    assert "room" not in lecturer.query_params and "key" not in lecturer.query_params
    assert any(f"Room {keys.code} is closed" in s.value for s in lecturer.success)
    with pytest.raises(classroom.RoomNotFound):
        store.room(keys.code)
    student.run()
    assert_clean(student)
    assert any("No open class room has this code" in w for w in warnings(student))


def test_downloads_give_the_rooms_sketches_as_npz_and_csv_and_its_reviews_as_csv(store, heldout, forward, downloads):
    keys = store.create_room()
    kept = add_sketches(store, keys.code, heldout, forward, 4)
    store.add_submission(
        keys.code, "session-review", "review-000001", classroom.Review("=SUM(A1)", False, 0.2, 0.4, -0.3)
    )
    at = class_app(room=keys.code, key=keys.lecturer_key)
    assert_clean(at)
    npz = np.load(io.BytesIO(downloads.press(at, "class_download_npz").content), allow_pickle=False)
    np.testing.assert_array_equal(npz["pixels"], [s.content.pixels for s in kept])
    np.testing.assert_array_equal(npz["meant"], [s.content.meant for s in kept])
    rows = list(csv.DictReader(io.StringIO(downloads.press(at, "class_download_sketches_csv").content.decode())))
    assert [r["id"] for r in rows] == [s.id for s in kept] and {r["kind"] for r in rows} == {"sketch"}
    assert [int(r["cnn_answer"]) for r in rows] == [int(np.argmax(s.content.cnn)) for s in kept]
    reviews = list(csv.DictReader(io.StringIO(downloads.press(at, "class_download_reviews_csv").content.decode())))
    assert [(r["kind"], r["text"], r["liked"]) for r in reviews] == [("review", "'=SUM(A1)", "0")]


# ---------------------------------------------------------------------------------------------- reviews


HOSTILE_REVIEW = (
    "\u202eevil\x07 <script>alert(1)</script> **bold** [link](http://x) :red[red] $x$ 😀🎉 مرحبا \u202ebackwards\u202c "
    "\x07bell\x1b[31m great film!\n"
)


def sentiment_app(**params: str):
    at = new_app()
    for name, value in params.items():
        at.query_params[name] = value
    at._page_hash = calc_hash("sentiment")
    return at.run()


def test_a_100_kB_hostile_review_is_sent_bounded_and_shown_only_as_literal_text(store):
    keys = store.create_room()
    at = sentiment_app(room=keys.code)
    assert_clean(at)
    review = (HOSTILE_REVIEW * 2000)[:100_000]
    at.text_area(key="review_input").input(review).run()
    assert_clean(at)
    at.button_group(key="class_review_label").set_value(True).run()
    assert store.count(keys.code) == 0  # nothing sent before the press
    at.button(key="class_review_send").click().run()
    assert_clean(at)
    assert any(s.value.startswith(f"Sent to room {keys.code}: 2,000 characters") for s in at.success)
    (kept,) = store.submissions_since(keys.code, 0).added
    assert kept.content.text == review[:2000] and kept.content.liked is True
    lecturer = class_app(room=keys.code, key=keys.lecturer_key)
    assert_clean(lecturer)
    assert lecturer.get_by_key("class-reviews").metric  # the readers' scoreboard on the class's reviews
    shown = (
        " ".join(m.value for m in lecturer.markdown) + html_text(lecturer) + " ".join(c.value for c in lecturer.caption)
    )
    assert "<script>alert" not in shown and "alert(1)" not in shown and "**bold**" not in shown
    option = next(o for o in lecturer.selectbox(key="class_hide_pick").options if "review" in o)
    assert "\\u202e" in option and "\\x07" in option  # the right-to-left override and the bell, as escapes
    assert "\u202e" not in option and "\x07" not in option


def test_the_sentiment_page_has_no_class_block_without_a_room_and_a_plain_message_for_a_bad_one(store):
    at = sentiment_app()
    assert_clean(at)
    with pytest.raises(KeyError):
        at.button(key="class_review_send")
    at = sentiment_app(room="[x](javascript:alert(1))")
    assert_clean(at)
    assert any("is not a room code" in w.value and "\\]\\(" in w.value for w in at.warning)  # escaped
    at = sentiment_app(room="ZZZZZ")
    at.button_group(key="class_review_label").set_value(False).run()
    at.button(key="class_review_send").click().run()
    assert_clean(at)
    assert any("No open class room has this code" in w for w in warnings(at))


# ---------------------------------------------------------------------------------------------- store down


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_an_unreachable_store_is_said_on_the_class_page_and_the_digit_page_keeps_working(monkeypatch, closed_port):
    monkeypatch.setenv("EXPLORER_CLASS_STORE", f"redis://127.0.0.1:{closed_port}/0")
    at = class_app(room="K7MPQ")
    assert_clean(at)
    assert any("unreachable" in w for w in warnings(at))
    at.button(key="class_send").click().run()  # the student keeps the join view; Send says why nothing went
    assert_clean(at)
    assert any("Nothing to send yet" in i.value for i in at.info)
    lecturer = class_app(room="K7MPQ", key="k" * 32)
    assert_clean(lecturer)
    assert any("unreachable" in w for w in warnings(lecturer))
    with pytest.raises(KeyError):
        lecturer.button(key="class_pause")
    at = class_app()
    at.button(key="class_start").click().run()
    assert_clean(at)
    assert any("unreachable" in w for w in warnings(at)) and "room" not in at.query_params
    digit = new_app()
    digit.query_params["sample"] = "3"
    digit.run()
    assert_clean(digit)
    assert any(m.value.startswith("### Prediction:") for m in digit.get_by_key("cnn-prediction").markdown)


def test_a_students_session_holds_no_lecturer_key(store):
    """The student's session holds no lecturer key anywhere (its address has none, and nothing copies one)."""
    keys = store.create_room()
    at = class_app(room=keys.code)
    state = at.session_state._state.filtered_state
    dumped = json.dumps({k: repr(v) for k, v in state.items()})
    assert keys.lecturer_key not in dumped


def test_a_lesson_scene_opens_the_class_page_and_a_room_started_there_keeps_the_lesson(store, tmp_path, monkeypatch):
    from explorer.app import lessons

    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "live.toml").write_text(
        'title = "Live"\n[[scene]]\ntitle = "Your handwriting"\npage = "class"\nnote = "Scan the code."\n'
    )
    monkeypatch.setattr(lessons, "LESSONS", folder)
    at = new_app()
    at.query_params["lesson"] = "live"
    at.switch_page("explorer/app/pages/lesson/page.py")
    at.run()
    assert_clean(at)
    assert any("Scene 1 of 1: Your handwriting" in m.value for m in at.markdown)
    at.button(key="class_start").click().run()
    assert_clean(at)
    assert at.query_params["lesson"] == "live" and store.is_lecturer(at.query_params["room"], at.query_params["key"])
    assert at.button(key="class_close")


def test_redis_stopped_mid_class_is_said_and_sending_recovers_without_a_duplicate(
    monkeypatch, tmp_path, canvas_image, heldout, forward
):
    from tests.support.redis_server import RedisServer

    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    try:
        monkeypatch.setenv("EXPLORER_CLASS_STORE", server.url)
        store = classroom.open_store()
        keys = store.create_room()
        add_sketches(store, keys.code, heldout, forward, 2)
        projector = class_app(room=keys.code, key=keys.lecturer_key)
        assert_clean(projector)
        student = class_app(room=keys.code)
        student.radio(key="class_meant").set_value(int(heldout.labels[5])).run()
        canvas_image(canvas_of(heldout.images[5]))
        server.stop()
        student.button(key="class_send").click().run()
        assert_clean(student)
        assert any("unreachable" in w for w in warnings(student)) and not student.success
        projector.run()  # the projector's refresh: the message, and what it read last stays on screen
        assert_clean(projector)
        assert any("unreachable" in w for w in warnings(projector))
        assert "\n".join(h.proto.body for h in projector.get_by_key("class-wall").get("html")).count("<img") == 2
        server.start()
        student.button(key="class_send").click().run()
        assert_clean(student)
        assert any(s.value.startswith("Sent") for s in student.success)
        projector.run()
        assert_clean(projector) and not warnings(projector)
        assert "\n".join(h.proto.body for h in projector.get_by_key("class-wall").get("html")).count("<img") == 3
        assert store.count(keys.code) == 3
    finally:
        server.stop()
