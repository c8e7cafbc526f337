"""Fair turns at the interpreter: a student who draws goes before tabs that take much of it.

All script runs of one process share one interpreter lock. Three hostile students who keep opening tabs and
sending bursts keep about three runs going at all times, and a drawing student's stroke (about 45 ms of script)
then got a quarter of the interpreter: its p95 went from 164 to 565 ms (`loadtest --mode hostile`).

Each run is *light* while its session is settled (open for `SETTLED_S`) and has used little of the interpreter
recently: its CPU seconds, this run's included, decayed with a half-life of `HALF_LIFE_S`, stay under `LIGHT_S`
(about a tenth of the interpreter; a student drawing a stroke a second uses about half of that). Every other run
(a new tab's first run, a burst of reruns, a session that computes a lot) goes on only at Streamlit's own yield
points (every element and session-state access, where Streamlit also checks for a rerun), only while no light
run is going, and one at a time: the one holding the lane hands it on at each yield point to the next in line.
So a stroke shares the interpreter with at most one other run's stretch between two yield points, instead of
with every open tab. A run waits at most `STEP_WAIT_S` at one yield point (so two runs that wait on each other's
locks cannot stall) and `MAX_WAIT_S` in all, so that it is always answered and shows all it would have shown.
Nothing is keyed by the client's address: a class behind one NAT address is many sessions, each judged alone.

EXPLORER_FAIR_TURNS=0 turns it off (the runs then share the interpreter as Streamlit schedules them).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

SETTLED_S = 2.0  # a tab younger than this is still opening: its runs are not light
HALF_LIFE_S = 2.0  # of a session's recent CPU use
LIGHT_S = 0.3  # decayed CPU seconds under which a session's runs go first: ~10 % of the interpreter
MAX_WAIT_S = 2.0  # the most one run pauses, in all
STEP_WAIT_S = 0.5  # the most one run pauses at one yield point
CHECK_S = 0.005  # a light run is classified again at its first yield point this long after the last time
FORGET_S = 120.0  # a session idle this long is forgotten (its decayed use is ~0 by then)
ENV = "EXPLORER_FAIR_TURNS"


@dataclass
class Usage:
    """One session's recent CPU use: `cpu_s` decayed to time `at`, and when the session was first seen."""

    first_seen: float
    cpu_s: float = 0.0
    at: float = 0.0

    def decayed(self, now: float) -> float:
        return self.cpu_s * math.exp2(-(now - self.at) / HALF_LIFE_S)


@dataclass(eq=False)  # each run is itself: two runs with equal fields are still two
class Run:
    """One script run in progress: whose it is, its CPU clock at the start, whether it counts as light now, and
    how long it has paused so far."""

    usage: Usage
    cpu_start: float
    settled: bool
    light: bool = False
    waited_s: float = 0.0
    checked: float = -math.inf  # when it was last classified (a light run is looked at again after CHECK_S)


class Turns:
    """The process's light runs and the bookkeeping that says which runs are light. Holds no user data: only
    CPU seconds per Streamlit session id, forgotten `FORGET_S` after a session's last run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, cpu_clock: Callable[[], float] = time.thread_time):
        self._clock, self._cpu = clock, cpu_clock
        self.changed = threading.Condition()  # notified when a light run ends or a run pauses
        self._light_runs = 0
        self._paused_runs = 0
        self._holder: Run | None = None  # the one run that is not light and goes on now
        self._queue: deque[Run] = deque()  # runs that are not light, in line for the lane
        self._usage: dict[str, Usage] = {}

    @property
    def light_runs(self) -> int:
        return self._light_runs

    @property
    def paused_runs(self) -> int:
        return self._paused_runs

    def begin(self, session_id: str) -> Run:
        """A run of `session_id` starts (in its script thread): light at once if the session is."""
        now = self._clock()
        with self.changed:
            usage = self._usage.setdefault(session_id, Usage(first_seen=now, at=now))
        run = Run(usage, self._cpu(), settled=now - usage.first_seen >= SETTLED_S)
        self._classify(run)
        return run

    def checkpoint(self, run: Run) -> None:
        """At a yield point of the run's thread: reclassify it by the CPU it has used. A run that is not light
        goes on only while no light run is going, and holding the lane: it hands the lane on here to the next
        run in line and waits for its turn again. Each wait ends after `STEP_WAIT_S` (a run never waits on
        another that waits on it), and all of them after `MAX_WAIT_S` per run."""
        now = self._clock()
        if run.light and now - run.checked < CHECK_S:
            return  # light when last looked at, a moment ago: a stroke's many yield points cost no lock
        run.checked = now
        self._classify(run)
        with self.changed:
            if run.light or run.waited_s >= MAX_WAIT_S:
                self._leave_lane(run)
                return
            if self._holder is run and self._queue:
                self._leave_lane(run)  # the next in line goes; this run queues behind it
            if self._turn(run):
                return
            self._queue.append(run)
            start, self._paused_runs = time.monotonic(), self._paused_runs + 1  # real waiting, whatever the clock
            self.changed.notify_all()
            self.changed.wait_for(lambda: self._turn(run), timeout=min(STEP_WAIT_S, MAX_WAIT_S - run.waited_s))
            run.waited_s += time.monotonic() - start
            self._paused_runs -= 1
            if run in self._queue:  # it waited long enough: it goes on beside the others
                self._queue.remove(run)

    def step_aside(self, run: Run) -> None:
        """The run is about to wait on something else (a timer): the next in line takes the lane meanwhile,
        and the run queues again at its next yield point."""
        with self.changed:
            self._leave_lane(run)

    def _turn(self, run: Run) -> bool:
        """Whether `run` may go on now (taking the free lane if so); called holding `changed`."""
        if self._light_runs or (self._holder is not None and self._holder is not run):
            return False
        self._holder = run
        if run in self._queue:
            self._queue.remove(run)
        return True

    def _leave_lane(self, run: Run) -> None:
        """`run` gives the lane (if it holds it) to the first run in line; called holding `changed`."""
        if self._holder is run:
            self._holder = self._queue[0] if self._queue else None
            self.changed.notify_all()

    def end(self, run: Run) -> None:
        """The run is over (finished, stopped or rerun): its CPU joins the session's use, and it stops counting."""
        now, used = self._clock(), self._cpu() - run.cpu_start
        with self.changed:
            run.usage.cpu_s, run.usage.at = run.usage.decayed(now) + used, now
            if run.light:
                run.light = False
                self._light_runs -= 1
                self.changed.notify_all()
            self._leave_lane(run)
            for session_id, usage in list(self._usage.items()):
                if now - usage.at > FORGET_S:
                    del self._usage[session_id]

    def _classify(self, run: Run) -> None:
        light = run.settled and run.usage.decayed(self._clock()) + self._cpu() - run.cpu_start < LIGHT_S
        if light == run.light:
            return
        with self.changed:
            run.light = light
            self._light_runs += 1 if light else -1
            if not light:
                self.changed.notify_all()


_TURNS = Turns()  # the process's scheduler (one interpreter lock per process, so one scheduler)
_RUN = threading.local()  # the run going on in this script thread, if any


def step_aside() -> None:
    """Called by a script run before it sleeps (a playing animation's pause): it does not hold the lane
    while it uses no interpreter."""
    run = getattr(_RUN, "current", None)
    if run is not None:
        _TURNS.step_aside(run)


def install() -> None:
    """Once per process: every script run takes its turn through `_TURNS`. Streamlit's ScriptRunner gives a
    run's whole life (`_run_script`, which also serves the reruns handed to it) and its yield points
    (`_maybe_handle_execution_control_request`, called at every element and session-state access of the script
    thread) no public hook, so these two are wrapped."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    if os.environ.get(ENV) == "0" or getattr(ScriptRunner._run_script, "takes_turns", False):
        return
    run_script, yield_point = ScriptRunner._run_script, ScriptRunner._maybe_handle_execution_control_request

    def _run_script(self, rerun_data):
        _RUN.current = _TURNS.begin(self._session_id)
        try:
            return run_script(self, rerun_data)
        finally:
            _TURNS.end(_RUN.current)
            _RUN.current = None

    def _maybe_handle_execution_control_request(self):
        run = getattr(_RUN, "current", None)
        if run is not None and self._is_in_script_thread():
            _TURNS.checkpoint(run)
        return yield_point(self)

    _run_script.takes_turns, _run_script.__wrapped__ = True, run_script
    ScriptRunner._run_script = _run_script
    ScriptRunner._maybe_handle_execution_control_request = _maybe_handle_execution_control_request
