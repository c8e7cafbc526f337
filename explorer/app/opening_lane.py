"""Opening a page waits its turn: a session's first script run goes through a lane of its own.

Every tab that opens the app runs its page from the top once (models read, figures built and sent), and a
student who reloads, or a script that opens tab after tab, asks for one such run after another. All runs share
one Python interpreter lock, so without a lane a few clients opening pages as fast as they can take the lock
from the students who are drawing: with 3 such clients among 30 drawing students, the drawers' stroke p95 rose
4.5–8.5× (`loadtest --mode hostile`). Through the lane, at most `EXPLORER_OPENING_LANES` first runs go at once
(default 1) and the rest wait in turn; a stroke, a step or any later rerun of a session never waits for it.
For one tab this changes nothing; for a hall opening the page at once, the first tabs finish sooner than if all
ran together, and the last no later (the work is the same and the lock serialises it anyway).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager

LANES_VARIABLE = "EXPLORER_OPENING_LANES"
OPENED_KEY = "_explorer_session_opened"


def lanes_from_environment() -> int:
    """How many first runs may go at once: $EXPLORER_OPENING_LANES (a whole number ≥ 1), else 1."""
    try:
        return max(1, int(os.environ.get(LANES_VARIABLE, "1")))
    except ValueError:
        return 1


class OpeningLane:
    """A process-wide lane for sessions' first runs (shared by every session; it holds no per-user state)."""

    def __init__(self, lanes: int) -> None:
        self.lanes = lanes
        self._slots = threading.BoundedSemaphore(lanes)

    @contextmanager
    def first_run(self, session: MutableMapping) -> Iterator[None]:
        """Run the body in the lane if this is the session's first run (by `session`, its state); once a first
        run has ended, whether it finished, was stopped or was rerun, the session's later runs go straight in."""
        if session.get(OPENED_KEY):
            yield
            return
        with self._slots:
            try:
                yield
            finally:
                session[OPENED_KEY] = True


LANE = OpeningLane(lanes_from_environment())
