"""Single flight: ten callers at once start one computation; everyone gets its result; a failure can be retried."""

from __future__ import annotations

import threading

from explorer.app.shared_work import SharedWork


def test_ten_callers_at_once_run_one_computation():
    work, calls, gate = SharedWork(), [], threading.Event()

    def measure(report):
        calls.append(1)
        report(0.5, "half way")
        gate.wait(10)
        return 42

    jobs = []
    threads = [threading.Thread(target=lambda: jobs.append(work.start("table", measure))) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(j) for j in jobs}) == 1 and jobs[0].running  # one job, still running: callers did not wait
    gate.set()
    assert jobs[0].done.wait(10)
    assert calls == [1] and jobs[0].result == 42 and jobs[0].error is None and jobs[0].fraction == 1.0
    assert work.start("table", measure) is jobs[0] and calls == [1]  # a finished result is kept


def test_a_failure_is_reported_and_can_be_retried():
    work = SharedWork()

    def broken(report):
        raise RuntimeError("no weights")

    job = work.start("scaling", broken)
    assert job.done.wait(10) and job.error == "RuntimeError: no weights"
    again = work.start("scaling", lambda report: "ok")
    assert again is not job and again.done.wait(10) and again.result == "ok"
