"""Expensive measurements shared by every session of a process, computed once, never twice at a time.

When ten students press "measure" together, one background thread computes and the others are shown its
progress; nobody's page waits on it (a page only reads the job's state), and the result is then everyone's.
A job that failed can be started again; one that succeeded is kept until the server restarts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Job:
    name: str
    started: float = field(default_factory=time.monotonic)
    fraction: float = 0.0  # progress, 0..1
    message: str = "starting…"
    result: object = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def report(self, fraction: float, message: str) -> None:
        """The work's progress callback: (fraction done, what it is doing now)."""
        self.fraction, self.message = float(fraction), message


class SharedWork:
    """Single flight per name: `start` runs `work(job.report)` in one daemon thread unless it already ran or runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def get(self, name: str) -> Job | None:
        with self._lock:
            return self._jobs.get(name)

    def start(self, name: str, work: Callable[[Callable[[float, str], None]], object]) -> Job:
        """The job called `name`: the running or finished one, or a new one if there is none or it failed."""
        with self._lock:
            job = self._jobs.get(name)
            if job is not None and job.error is None:
                return job
            job = self._jobs[name] = Job(name)

        def run() -> None:
            try:
                job.result = work(job.report)
                job.report(1.0, "done")
            except Exception as e:  # shown to whoever looks at the job; it can be started again
                job.error = f"{type(e).__name__}: {e}"
            finally:
                job.done.set()

        threading.Thread(target=run, name=f"shared-{name}", daemon=True).start()
        return job
