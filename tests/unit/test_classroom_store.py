"""The class room store's contract, run against both backends: SQLite (a file in tmp_path) and Redis (a real
redis-server on a loopback port). Clocks are injected: nothing here waits on real time."""

import csv
import io
import sqlite3
import threading
import time

import numpy as np
import pytest
import redis

from explorer.classroom import (
    InvalidSubmission,
    NotLecturer,
    RateLimited,
    Review,
    RoomLimits,
    RoomNotFound,
    RoomPaused,
    Sketch,
    StoreUnavailable,
    SubmissionLimit,
    UnknownSubmission,
    codes,
    open_store,
)
from explorer.classroom.redis_store import RedisStore
from explorer.classroom.sqlite_store import SQLiteStore
from tests.support.redis_server import RedisServer


class Clock:
    """A clock the test moves by hand; starts at the real time so Redis's own TTLs stay sensible."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def opener(request, tmp_path):
    """A function (clock, limits) → a new store object on this test's one shared place; several calls give
    several store objects (as several processes would have) on the same data."""
    if request.param == "sqlite":
        path = tmp_path / "room.sqlite3"
        return lambda clock, limits=None: SQLiteStore(path, limits, clock)
    server = request.getfixturevalue("redis_server")
    redis.Redis.from_url(server.url).flushdb()
    return lambda clock, limits=None: RedisStore(server.url, limits, clock)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(opener, clock):
    return opener(clock)


def probabilities(top: int, rng: np.random.Generator) -> np.ndarray:
    """A softmax (float32, as the networks give it) whose largest entry is `top`."""
    logits = rng.normal(size=10).astype(np.float32)
    logits[top] += 5
    e = np.exp(logits - logits.max())
    return e / e.sum()


def sketch(seed: int = 0, meant: int = 3) -> Sketch:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(28, 28), dtype=np.uint8)
    return Sketch(pixels, meant, probabilities(meant, rng), probabilities((meant + 1) % 10, rng))


def review(text: str = "A fine film, not boring at all.") -> Review:
    return Review(text, True, 0.8125, 0.25, -0.5)


def sid(n: int, prefix: str = "sub") -> str:
    return f"{prefix}-{n:08d}"


SESSION = "session-aaaa"


# ---------------------------------------------------------------------------------------------- rooms


def test_a_room_opens_with_a_short_code_and_a_long_key_and_any_store_object_finds_it(opener, clock, store):
    keys = store.create_room()
    assert len(keys.code) == codes.CODE_LENGTH and set(keys.code) <= set(codes.CODE_ALPHABET)
    assert len(keys.lecturer_key) >= 32
    other = opener(clock)
    room = other.room(f"  {keys.code.lower()} ")  # as a student might type it
    assert room.code == keys.code and not room.paused
    assert room.expires == pytest.approx(clock() + RoomLimits().lifetime_s, abs=1e-6)
    assert store.create_room().code != keys.code  # a second room gets a code of its own


@pytest.mark.parametrize("typed", ["ZZZZZ", "ABCD", "ABCDEF", "AB0DE", "hello!", "A" * 10_000, "", None, 12345])
def test_a_wrong_code_is_refused_with_a_message(store, typed):
    store.create_room()
    with pytest.raises(RoomNotFound, match="No open class room has this code"):
        store.room(typed)
    with pytest.raises(RoomNotFound):
        store.add_submission(typed, SESSION, sid(1), sketch())
    with pytest.raises(RoomNotFound):
        store.submissions_since(typed, 0)


def test_a_room_expires_after_its_lifetime_and_everything_refuses_it(opener, clock):
    limits = RoomLimits(lifetime_s=600.0)
    store = opener(clock, limits)
    keys = store.create_room()
    store.add_submission(keys.code, SESSION, sid(1), sketch())
    clock.advance(599.0)
    assert store.count(keys.code) == 1
    clock.advance(1.0)
    for call in (
        lambda: store.room(keys.code),
        lambda: store.count(keys.code),
        lambda: store.submissions_since(keys.code, 0),
        lambda: store.add_submission(keys.code, SESSION, sid(2), sketch()),
        lambda: store.export_csv(keys.code, keys.lecturer_key),
        lambda: store.pause(keys.code, keys.lecturer_key),
    ):
        with pytest.raises(RoomNotFound):
            call()
    # a new room may take the code again: it starts empty, the old key does not open it
    fresh = store._insert_room(keys.code, codes.key_digest("new-key"), clock(), clock() + 600.0)
    assert fresh and store.count(keys.code) == 0
    with pytest.raises(NotLecturer):
        store.clear(keys.code, keys.lecturer_key)


def test_an_expired_rooms_data_goes(opener, clock):
    """SQLite deletes expired rooms' rows when the next room opens; Redis gives every key of a room the room's
    time to live, so the server drops them by itself."""
    store = opener(clock, RoomLimits(lifetime_s=600.0))
    keys = store.create_room()
    store.add_submission(keys.code, SESSION, sid(1), review())
    clock.advance(2)
    store.add_submission(keys.code, SESSION, sid(2), sketch())
    store.hide(keys.code, keys.lecturer_key, sid(1))
    if isinstance(store, RedisStore):
        ttls = [store.client.ttl(k) for k in store.client.scan_iter(match=f"*{{{keys.code}}}*")]
        assert len(ttls) == 6 and all(0 < t <= 600 for t in ttls)
    else:
        clock.advance(600)
        store.create_room()
        assert _leftovers(store, keys.code) == 0


def test_codes_are_drawn_at_random_from_the_unambiguous_alphabet():
    drawn = {codes.new_room_code() for _ in range(2000)}
    assert len(drawn) > 1990  # 31**5 codes: a repeat among 2,000 draws has probability ~7%, ten repeats ~0
    assert not set("".join(drawn)) & set("0O1IL")
    assert len({codes.new_lecturer_key() for _ in range(100)}) == 100


# ---------------------------------------------------------------------------------------------- lecturer


def test_only_the_lecturer_key_controls_the_room(store):
    keys = store.create_room()
    other = store.create_room()
    store.add_submission(keys.code, SESSION, sid(1), sketch())
    wrong = [codes.new_lecturer_key(), other.lecturer_key, "", keys.lecturer_key[:-1], "x" * 100_000, None, 7]
    wrong.append(keys.lecturer_key + "\ud800")  # a lone surrogate cannot even be hashed as UTF-8
    actions = [("pause", ()), ("resume", ()), ("hide", (sid(1),)), ("unhide", (sid(1),)), ("clear", ())]
    actions += [("close", ()), ("export_npz", ()), ("export_csv", ())]
    for key in wrong:
        for name, rest in actions:
            with pytest.raises(NotLecturer, match="does not open this room"):
                getattr(store, name)(keys.code, key, *rest)
    assert store.count(keys.code) == 1 and not store.room(keys.code).paused


def test_a_paused_room_refuses_submissions_but_still_reads(opener, clock, store):
    keys = store.create_room()
    store.add_submission(keys.code, SESSION, sid(1), sketch())
    store.pause(keys.code, keys.lecturer_key)
    student = opener(clock)  # another process sees the pause at once
    assert student.room(keys.code).paused
    clock.advance(10)
    with pytest.raises(RoomPaused, match="paused"):
        student.add_submission(keys.code, SESSION, sid(2), sketch())
    assert student.count(keys.code) == 1 and len(student.submissions_since(keys.code).added) == 1
    store.resume(keys.code, keys.lecturer_key)
    student.add_submission(keys.code, SESSION, sid(2), sketch())
    assert student.count(keys.code) == 2


# ---------------------------------------------------------------------------------------------- limits


def test_one_submission_per_session_every_two_seconds(store, clock):
    keys = store.create_room()
    store.add_submission(keys.code, SESSION, sid(1), sketch())
    clock.advance(0.5)
    with pytest.raises(RateLimited) as refused:
        store.add_submission(keys.code, SESSION, sid(2), sketch())
    assert refused.value.retry_after_s == pytest.approx(1.5, abs=1e-6)
    assert "1.5 s" in str(refused.value)
    store.add_submission(keys.code, "session-bbbb", sid(3), sketch())  # another session is not held up
    clock.advance(1.5)
    store.add_submission(keys.code, SESSION, sid(2), sketch())
    assert store.count(keys.code) == 3


def test_a_session_sends_at_most_fifty_to_a_room_until_it_is_cleared(store, clock):
    keys = store.create_room()
    limit = RoomLimits().per_session
    assert limit == 50
    for n in range(limit):
        store.add_submission(keys.code, SESSION, sid(n), sketch(n))
        clock.advance(2.0)
    with pytest.raises(SubmissionLimit, match="at most 50"):
        store.add_submission(keys.code, SESSION, sid(limit), sketch())
    assert store.count(keys.code) == limit
    store.add_submission(keys.code, "session-bbbb", sid(limit + 1), sketch())  # others still may
    store.clear(keys.code, keys.lecturer_key)
    store.add_submission(keys.code, SESSION, sid(limit + 2), sketch())
    assert store.count(keys.code) == 1


# ---------------------------------------------------------------------------------------------- bounds


def _with(base: Sketch, **changes) -> Sketch:
    fields = {"pixels": base.pixels, "meant": base.meant, "cnn": base.cnn, "rnn": base.rnn} | changes
    return Sketch(**fields)


GOOD = sketch()
NAN_CNN = GOOD.cnn.copy()
NAN_CNN[0] = np.nan
BAD_SKETCHES = {
    "float pixels": _with(GOOD, pixels=GOOD.pixels.astype(np.float32)),
    "int64 pixels": _with(GOOD, pixels=GOOD.pixels.astype(np.int64)),
    "28x27": _with(GOOD, pixels=GOOD.pixels[:, :27]),
    "flat 784": _with(GOOD, pixels=GOOD.pixels.ravel()),
    "canvas size": _with(GOOD, pixels=np.zeros((280, 280), np.uint8)),
    "nested list": _with(GOOD, pixels=GOOD.pixels.tolist()),
    "meant 10": _with(GOOD, meant=10),
    "meant -1": _with(GOOD, meant=-1),
    "meant True": _with(GOOD, meant=True),
    "meant 3.0": _with(GOOD, meant=3.0),
    "meant '3'": _with(GOOD, meant="3"),
    "NaN probability": _with(GOOD, cnn=NAN_CNN),
    "inf probability": _with(GOOD, rnn=np.r_[np.inf, np.zeros(9)]),
    "negative probability": _with(GOOD, cnn=np.r_[-0.5, 1.5, np.zeros(8)]),
    "not summing to 1": _with(GOOD, rnn=np.full(10, 0.5)),
    "nine classes": _with(GOOD, cnn=np.full(9, 1 / 9)),
    "text probabilities": _with(GOOD, cnn="0.1 " * 10),
}
BAD_REVIEWS = {
    "100 kB": review("x" * 100_000),
    "2,001 characters": review("y" * 2001),
    "lone surrogate": review("good \ud800 film"),
    "bytes text": review(b"good film"),
    "NaN reader": Review("ok", True, float("nan"), 0.5, 0.0),
    "reader above 1": Review("ok", True, 0.5, 1.5, 0.0),
    "VADER below -1": Review("ok", True, 0.5, 0.5, -1.5),
    "thumbs as text": Review("ok", "yes", 0.5, 0.5, 0.0),
    "reader as text": Review("ok", True, "0.5", 0.5, 0.0),
}


@pytest.mark.parametrize("content", [*BAD_SKETCHES.values(), *BAD_REVIEWS.values(), "a sketch", None])
def test_out_of_bounds_input_is_refused_and_nothing_is_kept_or_counted(store, content):
    keys = store.create_room()
    with pytest.raises(InvalidSubmission) as refused:
        store.add_submission(keys.code, SESSION, sid(1), content)
    assert str(refused.value)  # a sentence the page can show
    assert store.count(keys.code) == 0
    store.add_submission(keys.code, SESSION, sid(1), sketch())  # no rate-limit slot was spent on the refusal
    assert store.count(keys.code) == 1


@pytest.mark.parametrize("bad", ["short", "has space 123", "x" * 65, "a/b/c/d/e/f", "", None, 123456789])
def test_session_and_submission_ids_are_bounded(store, bad):
    keys = store.create_room()
    with pytest.raises(InvalidSubmission, match="session id"):
        store.add_submission(keys.code, bad, sid(1), sketch())
    with pytest.raises(InvalidSubmission, match="submission id"):
        store.add_submission(keys.code, SESSION, bad, sketch())


HOSTILE_TEXTS = [
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) $x^2$ :smile: ```code```",
    "👩‍👩‍👧‍👦 🏳️‍🌈 e\u0301 ﷽",
    "\u202eevil\u202c مرحبا بالعالم שלום",
    "nul\x00 bell\x07 esc\x1b[31m cr\r tab\t del\x7f",
    '=HYPERLINK("http://x")',
    "z" * 2000,  # exactly the longest kept
]


def test_any_text_within_the_bound_is_kept_and_returned_exactly(opener, clock, store):
    keys = store.create_room()
    sent = {}
    for n, text in enumerate(HOSTILE_TEXTS):
        store.add_submission(keys.code, f"session-{n:04d}", sid(n), review(text))
        sent[sid(n)] = text
    back = {s.id: s.content.text for s in opener(clock).submissions_since(keys.code).added}
    assert back == sent
    rows = list(csv.DictReader(io.StringIO(store.export_csv(keys.code, keys.lecturer_key).decode("utf-8"), newline="")))
    exported = {r["id"]: r["text"] for r in rows}
    # the export is the one place text changes: a leading "'" keeps a spreadsheet from running it as a formula
    assert exported == {k: ("'" + t if t.startswith("=") else t) for k, t in sent.items()}


# ---------------------------------------------------------------------------------------------- retries


def test_a_retried_submission_is_kept_once(opener, clock, store):
    keys = store.create_room()
    first = store.add_submission(keys.code, SESSION, sid(1), sketch(1))
    again = opener(clock).add_submission(keys.code, SESSION, sid(1), sketch(1))  # at once: no rate limit
    assert again.id == first.id and again.time == first.time
    clock.advance(5)
    changed = store.add_submission(keys.code, SESSION, sid(1), sketch(2))  # a retry is never a second entry
    np.testing.assert_array_equal(changed.content.pixels, sketch(1).pixels)
    store.pause(keys.code, keys.lecturer_key)
    assert store.add_submission(keys.code, SESSION, sid(1), sketch(1)).id == sid(1)  # kept before the pause
    assert store.count(keys.code) == 1
    assert [s.id for s in store.submissions_since(keys.code).added] == [sid(1)]


def test_a_submission_reads_back_exactly_as_sent(store):
    keys = store.create_room()
    sent = sketch(7, meant=9)
    kept = store.add_submission(keys.code, SESSION, sid(1), sent)
    (back,) = store.submissions_since(keys.code).added
    assert (back.id, back.session, back.time) == (sid(1), SESSION, kept.time)
    np.testing.assert_array_equal(back.content.pixels, sent.pixels)
    assert back.content.pixels.dtype == np.uint8 and back.content.meant == 9
    # float32 softmax values widen to float64 exactly, and JSON keeps float64 bit for bit
    np.testing.assert_array_equal(back.content.cnn, sent.cnn.astype(np.float64))
    np.testing.assert_array_equal(back.content.rnn, sent.rnn.astype(np.float64))


# ---------------------------------------------------------------------------------------------- lecturer actions


def test_hiding_takes_a_submission_off_every_reader_at_once(opener, clock, store):
    keys = store.create_room()
    for n in range(3):
        store.add_submission(keys.code, f"session-{n:04d}", sid(n), sketch(n))
    projector = opener(clock)  # another process
    first = projector.submissions_since(keys.code, 0)
    assert [s.id for s in first.added] == [sid(0), sid(1), sid(2)] and not first.removed
    store.hide(keys.code, keys.lecturer_key, sid(1))
    after = projector.submissions_since(keys.code, first.cursor)
    assert after.added == () and after.removed == (sid(1),) and not after.reset
    assert projector.count(keys.code) == 2
    assert [s.id for s in projector.submissions_since(keys.code, 0).added] == [sid(0), sid(2)]
    assert b"sub-00000001" not in projector.export_csv(keys.code, keys.lecturer_key)
    store.unhide(keys.code, keys.lecturer_key, sid(1))
    back = projector.submissions_since(keys.code, after.cursor)
    assert [s.id for s in back.added] == [sid(1)] and back.removed == ()
    assert projector.count(keys.code) == 3
    with pytest.raises(UnknownSubmission):
        store.hide(keys.code, keys.lecturer_key, sid(99))


def test_clearing_empties_the_room_and_tells_readers_to_start_over(store, clock):
    keys = store.create_room()
    for n in range(4):
        store.add_submission(keys.code, f"session-{n:04d}", sid(n), sketch(n))
    seen = store.submissions_since(keys.code, 0)
    store.clear(keys.code, keys.lecturer_key)
    assert store.count(keys.code) == 0
    stale = store.submissions_since(keys.code, seen.cursor)
    assert stale.reset and stale.added == () and stale.removed == ()
    store.add_submission(keys.code, SESSION, sid(10), sketch())
    nxt = store.submissions_since(keys.code, stale.cursor)
    assert not nxt.reset and [s.id for s in nxt.added] == [sid(10)]
    assert store.room(keys.code).code == keys.code  # still open


def _leftovers(store, code: str) -> int:
    """How many rows (SQLite) or keys (Redis) still name the room, read from the store's own storage."""
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as db:
            return sum(
                db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (code,)).fetchone()[0]
                for table, column in (("rooms", "code"), ("submissions", "room"), ("senders", "room"))
            )
    return len(list(store.client.scan_iter(match=f"*{code}*")))


def test_closing_deletes_the_room_and_its_data(store):
    keys = store.create_room()
    kept = store.create_room()
    for n in range(3):
        store.add_submission(keys.code, f"session-{n:04d}", sid(n), review(f"review {n}"))
    store.add_submission(kept.code, SESSION, sid(9), sketch())
    store.hide(keys.code, keys.lecturer_key, sid(0))
    assert _leftovers(store, keys.code) > 0
    store.close(keys.code, keys.lecturer_key)
    assert _leftovers(store, keys.code) == 0
    with pytest.raises(RoomNotFound):
        store.room(keys.code)
    with pytest.raises(RoomNotFound):
        store.close(keys.code, keys.lecturer_key)
    assert store.count(kept.code) == 1  # other rooms are untouched


# ---------------------------------------------------------------------------------------------- export


def test_export_round_trips_through_npz_and_csv(store, clock):
    keys = store.create_room()
    sent = {sid(n): sketch(n, meant=n % 10) for n in range(4)}
    for n, (i, s) in enumerate(sent.items()):
        store.add_submission(keys.code, f"session-{n:04d}", i, s)
    store.add_submission(keys.code, "session-rev0", sid(50), review('Loved it, "truly", a, b\nnew line'))
    store.hide(keys.code, keys.lecturer_key, sid(2))
    del sent[sid(2)]

    with np.load(io.BytesIO(store.export_npz(keys.code, keys.lecturer_key)), allow_pickle=False) as npz:
        assert list(npz["ids"]) == list(sent)
        np.testing.assert_array_equal(npz["pixels"], np.stack([s.pixels for s in sent.values()]))
        assert npz["pixels"].dtype == np.uint8
        np.testing.assert_array_equal(npz["meant"], [s.meant for s in sent.values()])
        np.testing.assert_array_equal(npz["cnn"], np.stack([s.cnn for s in sent.values()]).astype(np.float64))
        np.testing.assert_array_equal(npz["rnn"], np.stack([s.rnn for s in sent.values()]).astype(np.float64))
        np.testing.assert_array_equal(npz["times"], [clock()] * len(sent))

    text = store.export_csv(keys.code, keys.lecturer_key).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == [*sent, sid(50)]
    for row, s in zip(rows, sent.values(), strict=False):
        assert row["kind"] == "sketch" and int(row["meant"]) == s.meant
        assert int(row["cnn_answer"]) == int(np.argmax(s.cnn)) and int(row["rnn_answer"]) == int(np.argmax(s.rnn))
        assert [float(row[f"cnn_p{d}"]) for d in range(10)] == [float(p) for p in s.cnn]
        assert [float(row[f"rnn_p{d}"]) for d in range(10)] == [float(p) for p in s.rnn]
    last = rows[-1]
    assert last["kind"] == "review" and last["text"] == 'Loved it, "truly", a, b\nnew line'
    assert (last["liked"], float(last["rnn_positive"]), float(last["vader_compound"])) == ("1", 0.8125, -0.5)
    assert last["meant"] == "" and last["cnn_p0"] == ""


# ---------------------------------------------------------------------------------------------- the projector's reads


def test_every_submission_is_read_exactly_once_while_writers_run(opener):
    """Eight writer threads on two store objects (two processes' worth) send 30 each; halfway they wait for the
    projector to read once (it must see exactly the first halves), then write on while it reads changes in a
    loop. The projector ends with every acknowledged submission exactly once."""
    clock = time.time  # the real clock; the rate limit is off for this test, expiry is 12 hours away
    limits = RoomLimits(min_interval_s=0.0, per_session=1000)
    stores = [opener(clock, limits), opener(clock, limits)]
    keys = stores[0].create_room()
    writers, each = 8, 30
    acknowledged, lock = [], threading.Lock()
    halfway, go_on = threading.Barrier(writers + 1), threading.Barrier(writers + 1)

    def write(w: int) -> None:
        for n in range(each):
            if n == each // 2:
                halfway.wait()
                go_on.wait()
            kept = stores[w % 2].add_submission(keys.code, f"session-{w:04d}", f"w{w}-{n:06d}", sketch(n % 7))
            with lock:
                acknowledged.append(kept.id)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    projector = opener(clock, limits)
    halfway.wait()
    first = projector.submissions_since(keys.code, 0)
    assert sorted(s.id for s in first.added) == sorted(acknowledged) and len(first.added) == writers * each // 2
    seen, cursor = [s.id for s in first.added], first.cursor
    go_on.wait()
    while True:
        finished = not any(t.is_alive() for t in threads)  # read once more after every writer has returned
        changes = projector.submissions_since(keys.code, cursor)
        assert not changes.reset and changes.removed == ()
        seen += [s.id for s in changes.added]
        cursor = changes.cursor
        if finished:
            break
    assert len(acknowledged) == writers * each
    assert sorted(seen) == sorted(acknowledged)  # nothing lost, nothing twice
    assert projector.count(keys.code) == writers * each
    assert projector.submissions_since(keys.code, cursor).added == ()  # a refresh with nothing new is empty
    assert len(projector.submissions_since(keys.code, cursor - 1).added) == 1  # one change since: one row


# ---------------------------------------------------------------------------------------------- the store down


def test_redis_down_raises_store_unavailable_and_back_up_loses_nothing_acknowledged(tmp_path, clock):
    server = RedisServer(tmp_path / "aof", appendonly=True).start()
    try:
        store = RedisStore(server.url, clock=clock)
        keys = store.create_room()
        for n in range(20):
            store.add_submission(keys.code, f"session-{n:04d}", sid(n), sketch(n))
        server.kill()  # SIGKILL: no save on the way out; only what is in the append-only file survives
        for call in (
            lambda: store.add_submission(keys.code, SESSION, sid(100), sketch()),
            lambda: store.room(keys.code),
            lambda: store.submissions_since(keys.code, 0),
            lambda: store.count(keys.code),
            lambda: store.create_room(),
        ):
            with pytest.raises(StoreUnavailable, match="unreachable"):
                call()
        server.start()  # same port, same directory: the append-only file is read back
        assert sorted(s.id for s in store.submissions_since(keys.code, 0).added) == [sid(n) for n in range(20)]
        store.add_submission(keys.code, SESSION, sid(100), sketch())  # the refused one, retried, now goes in
        assert store.count(keys.code) == 21
    finally:
        server.stop()


def test_sqlite_commits_to_disk_in_wal_mode(tmp_path):
    """What acknowledged = durable rests on for SQLite: WAL (readers never block the writer) and
    synchronous=FULL (the WAL is fsynced at every commit, so a power cut keeps each acknowledged submission)."""
    store = SQLiteStore(tmp_path / "room.sqlite3")
    with store._connection() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_sqlite_that_cannot_be_written_raises_store_unavailable(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreUnavailable):
        SQLiteStore(blocker / "room.sqlite3")


def test_the_environment_chooses_the_store(tmp_path, monkeypatch, redis_server):
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(tmp_path / "data"))
    local = open_store()
    assert isinstance(local, SQLiteStore) and local.path == tmp_path / "data" / "classroom.sqlite3"
    assert local.path.exists()
    monkeypatch.setenv("EXPLORER_CLASS_STORE", redis_server.url)
    shared = open_store()
    assert isinstance(shared, RedisStore)
    keys = shared.create_room()
    assert RedisStore(redis_server.url).room(keys.code).code == keys.code
    monkeypatch.setenv("EXPLORER_CLASS_STORE", "postgres://nope")
    with pytest.raises(ValueError, match="EXPLORER_CLASS_STORE"):
        open_store()
