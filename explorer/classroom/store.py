"""The one interface every page uses for a class room. A backend (SQLite, Redis) supplies the atomic steps; the
checks every input passes, and the lecturer-key rule, live here once."""

import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from . import codes, export
from .errors import InvalidSubmission, NotLecturer, RoomNotFound
from .records import (
    Changes,
    Review,
    Room,
    RoomKeys,
    RoomLimits,
    Sketch,
    Submission,
    checked_id,
    checked_review,
    checked_sketch,
)

Clock = Callable[[], float]  # seconds since the epoch; tests inject their own


class ClassStore(ABC):
    """A class room store shared by every session and process that opens the same place.

    Student calls: room, add_submission, submissions_since, count. Lecturer calls (key needed): pause, resume,
    hide, unhide, clear, close, export_npz, export_csv. Every refusal is a ClassroomError; a store that cannot be
    reached raises StoreUnavailable and works again, with nothing acknowledged lost, once it is back.
    """

    def __init__(self, limits: RoomLimits | None = None, clock: Clock = time.time) -> None:
        self.limits = limits or RoomLimits()
        self.clock = clock

    # ------------------------------------------------------------------ rooms

    def create_room(self) -> RoomKeys:
        """Open a new room; the key is returned once and kept only as its digest."""
        key = codes.new_lecturer_key()
        now = self.clock()
        expires = now + self.limits.lifetime_s
        while True:  # a code still in use is drawn again
            code = codes.new_room_code()
            if self._insert_room(code, codes.key_digest(key), now, expires):
                return RoomKeys(code, key, expires)

    def room(self, code: str) -> Room:
        """The open room with this code (as typed: case and spaces do not matter), or RoomNotFound."""
        return self._room(self._code(code))

    def _code(self, code: object) -> str:
        found = codes.normalized_code(code)
        if found is None:
            raise RoomNotFound()
        return found

    def _lecturer(self, code: str, key: str) -> str:
        code = self._code(code)
        if not codes.key_matches(key, self._key_digest(code)):
            raise NotLecturer()
        return code

    # ------------------------------------------------------------------ students

    def add_submission(self, code: str, session: str, submission_id: str, content: Sketch | Review) -> Submission:
        """Keep one sketch or review and return it once the store has it for good (acknowledged = durable).
        Sending the same `submission_id` again returns the kept one and adds nothing (a client's retry).
        Raises RoomNotFound, RoomPaused, RateLimited, SubmissionLimit, InvalidSubmission, StoreUnavailable."""
        code = self._code(code)
        session = checked_id(session, "session id")
        submission_id = checked_id(submission_id, "submission id")
        if isinstance(content, Sketch):
            content = checked_sketch(content)
        elif isinstance(content, Review):
            content = checked_review(content, self.limits.review_chars)
        else:
            raise InvalidSubmission("A submission is a sketch or a review.")
        return self._add(code, Submission(submission_id, session, self.clock(), content))

    def submissions_since(self, code: str, cursor: int = 0) -> Changes:
        """What changed since `cursor` (0 on the first read; then the cursor the last read returned)."""
        if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0:
            cursor = 0
        return self._changes(self._code(code), cursor)

    def count(self, code: str) -> int:
        """How many submissions the room shows (hidden ones not counted)."""
        return self._count(self._code(code))

    # ------------------------------------------------------------------ lecturer

    def is_lecturer(self, code: str, key: object) -> bool:
        """Whether `key` opens this open room (constant-time compare); RoomNotFound when no open room has the code.
        A page asks this before it shows the lecturer's controls; every lecturer call checks the key again."""
        return codes.key_matches(key, self._key_digest(self._code(code)))

    def pause(self, code: str, key: str) -> None:
        self._set_paused(self._lecturer(code, key), True)

    def resume(self, code: str, key: str) -> None:
        self._set_paused(self._lecturer(code, key), False)

    def hide(self, code: str, key: str, submission_id: str) -> None:
        """Take one submission off every reader's view at once (it stays in the store until the room goes)."""
        self._set_hidden(self._lecturer(code, key), checked_id(submission_id, "submission id"), True)

    def unhide(self, code: str, key: str, submission_id: str) -> None:
        self._set_hidden(self._lecturer(code, key), checked_id(submission_id, "submission id"), False)

    def clear(self, code: str, key: str) -> None:
        """Delete every submission; the room stays open and every session may send again."""
        self._clear(self._lecturer(code, key))

    def close(self, code: str, key: str) -> None:
        """Delete the room and everything in it; its code no longer opens anything."""
        self._delete(self._lecturer(code, key))

    def export_npz(self, code: str, key: str) -> bytes:
        """The shown sketches as .npz bytes (see export.sketches_npz)."""
        return export.sketches_npz(self._visible(self._lecturer(code, key)))

    def export_csv(self, code: str, key: str) -> bytes:
        """Every shown submission as CSV bytes, one row each (see export.submissions_csv)."""
        return export.submissions_csv(self._visible(self._lecturer(code, key)))

    def _visible(self, code: str) -> tuple[Submission, ...]:
        return self._changes(code, 0).added

    # ------------------------------------------------------------------ what a backend supplies

    @abstractmethod
    def _insert_room(self, code: str, digest: str, now: float, expires: float) -> bool:
        """Create the room unless an unexpired one has this code; True when created."""

    @abstractmethod
    def _room(self, code: str) -> Room: ...

    @abstractmethod
    def _key_digest(self, code: str) -> str:
        """The room's key digest, or RoomNotFound."""

    @abstractmethod
    def _add(self, code: str, submission: Submission) -> Submission:
        """Atomically: the kept submission with this id if there is one; else check room, pause, interval and
        count, keep it with the next change number, and return it after the store has acknowledged it."""

    @abstractmethod
    def _changes(self, code: str, cursor: int) -> Changes: ...

    @abstractmethod
    def _count(self, code: str) -> int: ...

    @abstractmethod
    def _set_paused(self, code: str, paused: bool) -> None: ...

    @abstractmethod
    def _set_hidden(self, code: str, submission_id: str, hidden: bool) -> None: ...

    @abstractmethod
    def _clear(self, code: str) -> None: ...

    @abstractmethod
    def _delete(self, code: str) -> None: ...
