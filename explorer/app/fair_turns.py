"""Fair turns at the interpreter: a student who draws goes before tabs that take much of it.

All script runs of one process share one interpreter lock. Three hostile students who keep opening tabs and
sending bursts keep about three runs going at all times, and a drawing student's stroke (about 45 ms of script)
then got a quarter of the interpreter: its p95 went from 164 to 565 ms (`loadtest --mode hostile`).

Each run is *light* while its session is settled (open for `SETTLED_S`) and has used little of the interpreter
recently: its CPU seconds, this run's included, decayed with a half-life of `HALF_LIFE_S`, stay under `LIGHT_S`.
Every other run (a new tab's first run, a burst of reruns, a session that computes a lot) pauses at Streamlit's
own yield points (every element and session-state access, where Streamlit also checks for a rerun) while any
light run is going, for at most `MAX_WAIT_S` in all per run, so that it is always answered and shows what it
would have shown. Nothing is keyed by the client's address: a class behind one NAT address is many sessions.

EXPLORER_FAIR_TURNS=0 turns it off (the runs then share the interpreter as Streamlit schedules them).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SETTLED_S = 2.0  # a tab younger than this is still opening: its runs are not light
HALF_LIFE_S = 2.0  # of a session's recent CPU use
LIGHT_S = 0.3  # decayed CPU seconds under which a session's runs go first: ~10 % of the interpreter
MAX_WAIT_S = 1.0  # the most one run pauses for light runs, in all
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


@dataclass
class Run:
    """One script run in progress: whose it is, its CPU clock at the start, whether it counts as light now, and
    how long it has paused so far."""

    usage: Usage
    cpu_start: float
    settled: bool
    light: bool = False
    waited_s: float = 0.0


class Turns:
    """The process's light runs and the bookkeeping that says which runs are light. Holds no user data: only
    CPU seconds per Streamlit session id, forgotten `FORGET_S` after a session's last run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, cpu_clock: Callable[[], float] = time.thread_time):
        self._clock, self._cpu = clock, cpu_clock
        self.changed = threading.Condition()  # notified when a light run ends or a run pauses
        self._light_runs = 0
        self._paused_runs = 0
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
        """At a yield point of the run's thread: reclassify it by the CPU it has used, and if it is not light,
        pause while any light run is going (within what is left of its `MAX_WAIT_S`)."""
        self._classify(run)
        if run.light or run.waited_s >= MAX_WAIT_S:
            return
        with self.changed:
            if not self._light_runs:
                return
            start, self._paused_runs = time.monotonic(), self._paused_runs + 1  # real waiting, whatever the clock
            self.changed.notify_all()
            self.changed.wait_for(lambda: not self._light_runs, timeout=MAX_WAIT_S - run.waited_s)
            run.waited_s += time.monotonic() - start
            self._paused_runs -= 1

    def end(self, run: Run) -> None:
        """The run is over (finished, stopped or rerun): its CPU joins the session's use, and it stops counting."""
        now, used = self._clock(), self._cpu() - run.cpu_start
        with self.changed:
            run.usage.cpu_s, run.usage.at = run.usage.decayed(now) + used, now
            if run.light:
                run.light = False
                self._light_runs -= 1
                self.changed.notify_all()
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

    _run_script.takes_turns = True
    ScriptRunner._run_script = _run_script
    ScriptRunner._maybe_handle_execution_control_request = _maybe_handle_execution_control_request
