"""Fair turns at live training: a few slots per process, a first-come-first-served queue, and a turn limit.

Pure Python (no Streamlit, no JAX), driven by the clock a caller passes in, so a test can run a whole class on a
fake clock. A session asks (`take_turn`) before each slice of training. Nothing tells the server when a tab
closes, so a slot or queue place is held only while its session keeps asking: silent for longer than `ttl_s`, it
is given up. A slot is held for at most `turn_s` seconds while others wait; then its session goes to the back of
the queue (its run keeps its weights and goes on at its next turn). With nobody waiting, a turn simply goes on.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    """Where one session stands, for the page to show."""

    place: int  # 0: training now (holds a slot); k > 0: k-th in the queue
    seconds_left: float  # training: seconds left in this turn (inf while nobody waits); waiting: 0
    expected_wait_s: float  # waiting: seconds until a slot frees for it if every turn ahead runs to its end; else 0
    training: int  # sessions training in this process now
    waiting: int  # sessions waiting in this process now

    @property
    def is_training(self) -> bool:
        return self.place == 0


@dataclass
class _Holder:
    seen: float  # when it last asked
    started: float  # when its turn began


class Slots:
    """How many sessions may train at once in this process, for how long each, and who waits, in order."""

    def __init__(self, capacity: int, ttl_s: float = 10.0, turn_s: float = 30.0):
        if capacity < 1:
            raise ValueError(f"Slots need a capacity of at least 1, not {capacity!r}.")
        if not 0 < turn_s < float("inf"):
            raise ValueError(f"A turn must last a finite number of seconds above 0, not {turn_s!r}.")
        self.capacity = capacity
        self.ttl_s = ttl_s
        self.turn_s = turn_s
        self._lock = threading.Lock()
        self._holding: dict[str, _Holder] = {}
        self._waiting: OrderedDict[str, float] = OrderedDict()  # session → when it last asked, in order of arrival

    def take_turn(self, session_id: str, now: float | None = None) -> Turn:
        """Ask to train now; the answer says whether this session holds a slot, else its place and expected wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            if session_id in self._holding:
                self._holding[session_id].seen = now
            else:
                self._waiting[session_id] = now  # a session already waiting keeps its place: the order is not touched
            self._rotate(now)
            return self._standing(session_id, now)

    def request(self, session_id: str, now: float | None = None) -> int:
        """0: train now (the session holds a slot); k > 0: the session is k-th in the queue."""
        return self.take_turn(session_id, now).place

    def release(self, session_id: str, now: float | None = None) -> None:
        """Give up the slot or queue place at once (Pause, Reset, or a finished run)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._holding.pop(session_id, None)
            self._waiting.pop(session_id, None)
            self._promote(now)  # the next in the queue starts its turn; turns that are over end at the next ask

    def counts(self, now: float | None = None) -> tuple[int, int]:
        """(training, waiting): how busy the server is, for the page to say."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            self._rotate(now)
            return len(self._holding), len(self._waiting)

    def _expire(self, now: float) -> None:
        """Forget sessions silent for longer than ttl_s (their tab closed, or they pressed nothing)."""
        for session_id in [s for s, h in self._holding.items() if now - h.seen > self.ttl_s]:
            del self._holding[session_id]
        for session_id in [s for s, seen in self._waiting.items() if now - seen > self.ttl_s]:
            del self._waiting[session_id]

    def _rotate(self, now: float) -> None:
        """Fill free slots; while others wait, send holders whose turn is over to the back of the queue. With nobody
        waiting a turn goes on; the first to arrive then takes over from a holder already past its turn at once."""
        self._promote(now)
        if self._waiting:
            over = [s for s, h in self._holding.items() if now - h.started >= self.turn_s]
            over.sort(key=lambda s: self._holding[s].started)  # the longest-held first, one per session waiting
            for session_id in over[: len(self._waiting)]:
                self._waiting[session_id] = self._holding.pop(session_id).seen
            self._promote(now)

    def _promote(self, now: float) -> None:
        while self._waiting and len(self._holding) < self.capacity:
            session_id, seen = self._waiting.popitem(last=False)
            self._holding[session_id] = _Holder(seen=seen, started=now)

    def _standing(self, session_id: str, now: float) -> Turn:
        training, waiting = len(self._holding), len(self._waiting)
        if session_id in self._holding:
            left = self.turn_s - (now - self._holding[session_id].started) if waiting else float("inf")
            return Turn(0, max(0.0, left), 0.0, training, waiting)
        # Each slot frees when its holder's turn ends; the waiters ahead take the slots in order, a full turn each.
        free_at = [max(0.0, self.turn_s - (now - h.started)) for h in self._holding.values()]
        free_at += [0.0] * (self.capacity - training)
        heapq.heapify(free_at)
        for place, waiter in enumerate(self._waiting, start=1):
            start = heapq.heappop(free_at)
            if waiter == session_id:
                return Turn(place, 0.0, start, training, waiting)
            heapq.heappush(free_at, start + self.turn_s)
        raise KeyError(session_id)  # unreachable: take_turn has just queued it
