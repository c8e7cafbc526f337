"""The class room in one SQLite file (WAL): what a lecturer running the app on a laptop needs, nothing else.

Durability: every write is one IMMEDIATE transaction committed with synchronous=FULL before the call returns, so
an acknowledged submission survives the process and a power cut. Several processes and threads may share the
file; each thread of a process uses its own connection, so none crosses threads.
"""

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import RateLimited, RoomNotFound, RoomPaused, StoreUnavailable, SubmissionLimit, UnknownSubmission
from .records import Changes, Room, RoomLimits, Submission, decoded, encoded
from .store import ClassStore, Clock

BUSY_TIMEOUT_S = 10.0  # a writer waits this long for another writer's transaction before giving up

SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
  code TEXT PRIMARY KEY, key_digest TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,          -- the room's last change number
  cleared_seq INTEGER NOT NULL DEFAULT 0   -- the change number of the last clear
);
CREATE TABLE IF NOT EXISTS submissions (
  room TEXT NOT NULL, id TEXT NOT NULL, session TEXT NOT NULL,
  seq INTEGER NOT NULL,                    -- the change number of its arrival, or of its last hide/unhide
  hidden INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL,
  PRIMARY KEY (room, id)
);
CREATE INDEX IF NOT EXISTS submissions_by_seq ON submissions (room, seq);
CREATE TABLE IF NOT EXISTS senders (
  room TEXT NOT NULL, session TEXT NOT NULL, sent INTEGER NOT NULL, last REAL NOT NULL,
  PRIMARY KEY (room, session)
);
"""


class SQLiteStore(ClassStore):
    def __init__(self, path: str | Path, limits: RoomLimits | None = None, clock: Clock = time.time) -> None:
        super().__init__(limits, clock)
        self.path = Path(path)
        self._local = threading.local()  # one connection per thread: sqlite3 connections stay in their thread
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"The class room file cannot be made at {self.path.parent}: {error}") from None
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")  # kept in the file: readers never wait for the writer
            db.executescript(SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection to the file, opened on first use and kept: closing the last connection would
        checkpoint the WAL on every call. A connection that failed is dropped, so the next call starts afresh."""
        db = getattr(self._local, "db", None)
        try:
            if db is None:
                db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the call returns
                self._local.db = db
            yield db
        except sqlite3.OperationalError as error:  # locked past the timeout, disk full, file gone
            self._drop(db)
            raise StoreUnavailable(f"The class room file cannot be used just now: {error}") from None
        except sqlite3.Error as error:
            self._drop(db)
            raise StoreUnavailable(f"The class room file cannot be opened: {error}") from None

    def _drop(self, db: sqlite3.Connection | None) -> None:
        self._local.db = None
        if db is not None:
            db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction (the write lock from its start, so change numbers are handed out in commit
        order), committed on success, rolled back on any exception."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query in it sees the same snapshot."""
        with self._connection() as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")

    def _open_room(self, db: sqlite3.Connection, code: str) -> tuple:
        row = db.execute(
            "SELECT code, key_digest, created, expires, paused, seq, cleared_seq FROM rooms WHERE code = ?", (code,)
        ).fetchone()
        if row is None or row[3] <= self.clock():
            raise RoomNotFound()
        return row

    @staticmethod
    def _purge(db: sqlite3.Connection, where: str, args: tuple) -> None:
        codes = f"SELECT code FROM rooms WHERE {where}"
        db.execute(f"DELETE FROM submissions WHERE room IN ({codes})", args)
        db.execute(f"DELETE FROM senders WHERE room IN ({codes})", args)
        db.execute(f"DELETE FROM rooms WHERE {where}", args)

    def _insert_room(self, code: str, digest: str, now: float, expires: float) -> bool:
        with self._write() as db:
            self._purge(db, "expires <= ?", (now,))  # expired rooms' data goes when the next room opens
            cursor = db.execute(
                "INSERT OR IGNORE INTO rooms (code, key_digest, created, expires) VALUES (?, ?, ?, ?)",
                (code, digest, now, expires),
            )
            return cursor.rowcount == 1

    def _room(self, code: str) -> Room:
        with self._read() as db:
            row = self._open_room(db, code)
        return Room(row[0], row[2], row[3], bool(row[4]))

    def _key_digest(self, code: str) -> str:
        with self._read() as db:
            return self._open_room(db, code)[1]

    def _add(self, code: str, submission: Submission) -> Submission:
        with self._write() as db:
            room = self._open_room(db, code)
            kept = db.execute("SELECT record FROM submissions WHERE room = ? AND id = ?", (code, submission.id))
            kept = kept.fetchone()
            if kept is not None:
                return decoded(kept[0])
            if room[4]:
                raise RoomPaused()
            sender = db.execute(
                "SELECT sent, last FROM senders WHERE room = ? AND session = ?", (code, submission.session)
            ).fetchone()
            sent, last = sender if sender else (0, None)
            if last is not None and submission.time - last < self.limits.min_interval_s:
                raise RateLimited(last + self.limits.min_interval_s - submission.time)
            if sent >= self.limits.per_session:
                raise SubmissionLimit(self.limits.per_session)
            seq = room[5] + 1
            db.execute("UPDATE rooms SET seq = ? WHERE code = ?", (seq, code))
            db.execute(
                "INSERT INTO submissions (room, id, session, seq, record) VALUES (?, ?, ?, ?, ?)",
                (code, submission.id, submission.session, seq, encoded(submission)),
            )
            db.execute(
                "INSERT OR REPLACE INTO senders (room, session, sent, last) VALUES (?, ?, ?, ?)",
                (code, submission.session, sent + 1, submission.time),
            )
        return submission

    def _changes(self, code: str, cursor: int) -> Changes:
        with self._read() as db:
            room = self._open_room(db, code)
            seq, cleared = room[5], room[6]
            reset = cursor < cleared or cursor > seq
            if reset:
                rows = db.execute(
                    "SELECT id, hidden, record FROM submissions WHERE room = ? AND hidden = 0 ORDER BY seq", (code,)
                )
            else:
                rows = db.execute(
                    "SELECT id, hidden, record FROM submissions WHERE room = ? AND seq > ? ORDER BY seq",
                    (code, cursor),
                )
            rows = rows.fetchall()
        added = tuple(decoded(record) for _, hidden, record in rows if not hidden)
        removed = tuple(sid for sid, hidden, _ in rows if hidden)
        return Changes(added, removed, seq, reset)

    def _count(self, code: str) -> int:
        with self._read() as db:
            self._open_room(db, code)
            return db.execute("SELECT COUNT(*) FROM submissions WHERE room = ? AND hidden = 0", (code,)).fetchone()[0]

    def _set_paused(self, code: str, paused: bool) -> None:
        with self._write() as db:
            self._open_room(db, code)
            db.execute("UPDATE rooms SET paused = ? WHERE code = ?", (int(paused), code))

    def _set_hidden(self, code: str, submission_id: str, hidden: bool) -> None:
        with self._write() as db:
            seq = self._open_room(db, code)[5] + 1
            changed = db.execute(
                "UPDATE submissions SET hidden = ?, seq = ? WHERE room = ? AND id = ?",
                (int(hidden), seq, code, submission_id),
            )
            if changed.rowcount != 1:
                raise UnknownSubmission()
            db.execute("UPDATE rooms SET seq = ? WHERE code = ?", (seq, code))

    def _clear(self, code: str) -> None:
        with self._write() as db:
            seq = self._open_room(db, code)[5] + 1
            db.execute("DELETE FROM submissions WHERE room = ?", (code,))
            db.execute("DELETE FROM senders WHERE room = ?", (code,))
            db.execute("UPDATE rooms SET seq = ?, cleared_seq = ? WHERE code = ?", (seq, seq, code))

    def _delete(self, code: str) -> None:
        with self._write() as db:
            self._open_room(db, code)
            self._purge(db, "code = ?", (code,))
