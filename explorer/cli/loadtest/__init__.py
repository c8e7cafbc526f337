"""A class of students on the app at once, through Streamlit's own websocket protocol.

    python -m explorer loadtest --students 30 --mode draw            # starts one app process itself
    python -m explorer loadtest --students 30 --mode text --json
    python -m explorer loadtest --students 30 --mode review          # new reviews and word steps on Sentiment
    python -m explorer loadtest --students 30 --mode open --ramp 10  # everyone opens the page within 10 s
    python -m explorer loadtest --students 30 --mode open --cold     # … on a server nobody has opened yet
    python -m explorer loadtest --replicas 2 --students 60           # 2 processes behind HAProxy (sticky)
    python -m explorer loadtest --url http://127.0.0.1:8501 …        # a server that is already running
    python -m explorer loadtest --students 30 --trainers 2           # … while 2 sessions train a network live
    python -m explorer loadtest --students 30 --mode train           # 30 students press Play on live training
    python -m explorer loadtest --students 30 --mode hostile --hostile 3  # drawing, alone then with 3 hostile tabs
    python -m explorer loadtest --mode class --students 60               # a class room, one process, SQLite
    python -m explorer loadtest --mode class --students 200 --replicas 2 # … two replicas, HAProxy, one Redis

Each student opens the page, then acts --actions times with a pause of about --think seconds between actions:
draw = a new stroke on the canvas (a held-out digit drawn stroke by stroke: a fresh image every time);
text = type a new text, then step through it; review = type a new review on the Sentiment page, then step
its words; train = press Play on the Training page's live training, then
tick once a second (as the browser's fragment does) --actions times. Reports p50/p95/max per kind of action (from sending the
interaction to the server finishing its run), errors, and the app processes' memory (RSS). A server it starts
is first opened once per page and replica, as a teacher would before class (--cold skips that).
--mode class: see explorer/cli/loadtest/classroom.py (students send sketches to a room; the projector shows them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from explorer.cli import appserver
from explorer.cli.loadtest import protocol, servers, students


def summarise(log: list[students.Action]) -> dict:
    """Per kind of action: count, p50/p95/max in ms; then every problem seen."""
    out: dict = {}
    for kind in sorted({a.kind for a in log if a.kind != "error"}):
        ms = np.array([a.seconds * 1000 for a in log if a.kind == kind])
        out[kind] = {
            "count": int(ms.size),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "max_ms": round(float(ms.max()), 1),
        }
    problems = [f"{a.kind}: {a.problem}" for a in log if not a.ok]
    out["errors"] = len(problems)
    out["problems"] = problems[:20]
    return out


def run(
    url: str | None = None,
    replicas: int = 1,
    students_n: int = 30,
    mode: str = "draw",
    actions: int = 5,
    think: float = 4.0,
    ramp: float = 10.0,
    after: float = 0.0,
    progress: bool = False,
    cold: bool = False,
    trainers: int = 0,
) -> dict:
    """Run one class and return the report (the same dict `--json` prints). `trainers` more sessions train a
    network live on the Training page at the same time, ticking once a second for as long as the class runs."""
    with contextlib.ExitStack() as stack:
        pids: list[int] = []
        if url is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            apps = stack.enter_context(servers.app_processes(replicas, logs))
            pids = [a.pid for a in apps]
            if replicas == 1:
                url = apps[0].url
            else:
                url = stack.enter_context(servers.haproxy([a.url.removeprefix("http://") for a in apps]))
        if pids and not cold:  # as a teacher does before class: open each page once (models load and compile)
            protocol.run_async(_warm_up(url, replicas))
            for i in range(replicas):  # and the server has finished its own background warm-up
                appserver.warmed_up(logs / f"app{i + 1}.log")
        # Behind a proxy each student gets its cookie from a first page visit, as a browser does.
        report: dict = {"url": url, "replicas": replicas, "students": students_n, "mode": mode, "actions": actions}
        jars = [servers.first_visit(url)[0] if replicas > 1 else "" for _ in range(students_n)]
        plan = students.Plan(url, mode, actions, think)
        start = time.perf_counter()
        ticks = int(ramp + actions * think * 1.5 + 5)  # the trainers keep going for the whole class
        train = students.Plan(url, "train", ticks, think, log=plan.log)
        memory = protocol.run_async(_run_class(plan, jars, ramp, pids, progress, train, trainers))
        report["wall_s"] = round(time.perf_counter() - start, 1)
        report.update(summarise(plan.log))
        by_replica: dict[str, int] = {}
        for a in plan.log:
            if a.replica:
                by_replica[a.replica] = by_replica.get(a.replica, 0) + 1
        if by_replica:
            report["actions_by_replica"] = by_replica
        if after > 0:
            time.sleep(after)  # sessions have left; Streamlit frees them after server.disconnectedSessionTTL
            for pid in pids:
                memory[f"pid {pid}"]["rss_after_mb"] = round(servers.rss_mb(pid), 1)
        report["memory"] = memory
        return report


async def _warm_up(url: str, replicas: int) -> None:
    """Open the Digit and Text pages once on every replica (not timed)."""
    for _ in range(replicas):
        jar = servers.first_visit(url)[0] if replicas > 1 else ""
        for page in ("digit", "text"):
            async with protocol.Session(url, page, cookies=jar) as session:
                await session.open()


async def _run_class(
    plan, cookies: list[str], ramp: float, pids: list[int], progress: bool, train=None, trainers: int = 0
) -> dict:
    """Every student at once (each with its own cookie jar: its own sticky replica behind a proxy), and any
    live trainers, sampling the app processes' memory every half second; returns the memory readings."""
    rss: dict[int, list[float]] = {pid: [servers.rss_mb(pid)] for pid in pids}
    n = len(cookies)
    tasks = [asyncio.create_task(students.student(train, 10_000 + i, 0.0)) for i in range(trainers)]
    for i, jar in enumerate(cookies):
        own = students.Plan(plan.base_url, plan.mode, plan.actions, plan.think, jar, plan.log)
        tasks.append(asyncio.create_task(students.student(own, i, ramp * i / max(1, n))))
    expected = n * (1 + (plan.actions if plan.mode != "open" else 0)) + trainers * (3 + (train.actions if train else 0))
    while not all(t.done() for t in tasks):
        for pid in pids:
            rss[pid].append(servers.rss_mb(pid))
        if progress:
            done = len(plan.log)
            print(f"\r[{'#' * int(30 * done / expected):<30}] {done}/{expected} actions", end="", file=sys.stderr)
        await asyncio.sleep(0.5)
    if progress:
        print(file=sys.stderr)
    return {f"pid {pid}": {"rss_before_mb": round(v[0], 1), "rss_peak_mb": round(max(v), 1)} for pid, v in rss.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="drive a running app at this address instead of starting one")
    where.add_argument("--replicas", type=int, default=1, help="app processes to start (2+ run behind HAProxy)")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument(
        "--mode", choices=("draw", "text", "review", "open", "train", "hostile", "class"), default="draw"
    )
    parser.add_argument("--hostile", type=int, default=3, help="--mode hostile: hostile students (see hostile.py)")
    parser.add_argument(
        "--trainers", type=int, default=0, help="more sessions training a network live (Training page) meanwhile"
    )
    parser.add_argument("--actions", type=int, default=5, help="actions per student after opening the page")
    parser.add_argument("--think", type=float, default=4.0, help="mean seconds between a student's actions")
    parser.add_argument("--ramp", type=float, default=10.0, help="students start spread over this many seconds")
    parser.add_argument("--after", type=float, default=0.0, help="seconds to wait after the class, then read RSS")
    parser.add_argument("--cold", action="store_true", help="no warm-up visit: the class finds a fresh server")
    parser.add_argument("--sketches", type=int, default=3, help="--mode class: sketches each student sends")
    parser.add_argument("--duration", type=float, default=120.0, help="--mode class: seconds the sends spread over")
    parser.add_argument(
        "--store", help="--mode class with --url: the store that server uses (redis://… or the SQLite file)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 500 or not 0 <= args.actions <= 1000 or not 1 <= args.replicas <= 8:
        parser.error("students must be 1..500, actions 0..1000, replicas 1..8")
    if not 0 <= args.trainers <= 100:
        parser.error("trainers must be 0..100")
    if args.mode == "class":
        from explorer.cli.loadtest import classroom

        if not 1 <= args.sketches <= 50 or not 1.0 <= args.duration <= 3600.0:
            parser.error("--sketches must be 1..50 (a room takes 50 from one session), --duration 1..3600 s")
        try:
            report = classroom.run(
                args.url, args.replicas, args.students, args.sketches, args.duration, args.ramp, True, args.store
            )
        except ValueError as e:
            parser.error(str(e))
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            classroom.print_report(report)
        return
    if args.mode == "hostile":
        from explorer.cli.loadtest import hostile

        if args.replicas != 1 or not 1 <= args.hostile <= 50:
            parser.error("--mode hostile runs on one process (--url or --replicas 1) with 1..50 hostile students")
        report = hostile.run(
            args.url, None, args.students, args.hostile, args.actions, args.think, args.ramp
        )  # fmt: skip
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            hostile.print_report(report)
        return
    report = run(
        args.url,
        args.replicas,
        args.students,
        args.mode,
        args.actions,
        args.think,
        args.ramp,
        args.after,
        True,
        args.cold,
        args.trainers,
    )
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{report['students']} students, mode {report['mode']}, {report['replicas']} replica(s), {report['wall_s']} s"
    )
    for kind, row in report.items():
        if isinstance(row, dict) and "p50_ms" in row:
            print(f"  {kind:<7} n={row['count']:<5} p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms  "
                  f"max {row['max_ms']:>8.1f} ms")  # fmt: skip
    print(f"  errors: {report['errors']}")
    for problem in report["problems"]:
        print(f"    {problem}")
    for pid, mem in report["memory"].items():
        print(f"  {pid}: " + ", ".join(f"{k} {v}" for k, v in mem.items()))
    if "actions_by_replica" in report:
        print(f"  actions by replica: {report['actions_by_replica']}")
