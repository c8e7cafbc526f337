"""--mode class: a class room, as issue 19 describes it, through the Class page and Streamlit's websocket protocol.

    python -m explorer loadtest --mode class --students 60                 # one process, SQLite
    python -m explorer loadtest --mode class --students 200 --replicas 2   # two behind HAProxy, one Redis

The lecturer opens /class and presses "Start a class room" (the page puts the room code and lecturer key in the
address); that tab is the projector: it reruns the projector fragment on the timer the page asks for (once a
second), as the browser does. Each student opens the join view (/class?room=CODE) and, `sketches` times over
`duration` seconds, draws a held-out digit stroke by stroke on the canvas, picks the digit meant and presses
"Send to the class"; a send counts as acknowledged when the student's page says "Sent". Every send is a different
held-out digit, so a sketch is known by its 28 × 28 pixels wherever it shows up: in the student's "Open it on the
Digit page" link, in the projector wall's tile links, in the store.

Reported: p50/p95/max per action (join, stroke, meant, send, refresh = a projector tick's round trip);
`refresh_server_ms` (the server time the projector says each refresh took); `visible` (from a student pressing
Send to the end of the first projector refresh whose wall shows that sketch; `visible_after_sent`: from the
student's page saying "Sent"); `lost` (acknowledged, not in the
store), `duplicated` (a sketch kept or shown more than once), `never_on_wall` (acknowledged, in the store, but no
refresh showed its tile: the wall shows the latest 24 only), the projector's last count against the acknowledged
sends, errors, and each app process's RSS.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer.app import query
from explorer.app.ui import WARM_UP_ENV
from explorer.cli import appserver
from explorer.cli.loadtest import inputs, servers, students
from explorer.cli.loadtest import protocol as p
from explorer.data import digits

STROKES = 4  # strokes per sketch, as in --mode draw
SENT = "Sent: the class sees it."
SKETCH_LINK = re.compile(r"digit\?sketch=([A-Za-z0-9_-]+)")
WALL_COUNT = re.compile(r"The class's sketches: (\d+)")
REFRESH_MS = re.compile(r"this refresh took ([0-9.]+) ms of server time")
SETTLE_S = 20.0  # after the last send, how long the projector may take to show everything before it is counted


def sketch_key(token: str) -> bytes:
    """A sketch's identity: its 28 × 28 pixels (bytes), from the `sketch=` text of a link."""
    return np.round(query.decode_sketch(token) * 255.0).astype(np.uint8).tobytes()


@dataclass
class Send:
    key: bytes
    pressed: float  # perf_counter when the student pressed Send
    sent: float  # perf_counter when the student's page said "Sent" (the send run's end)
    student: int


@dataclass
class ClassPlan:
    url: str
    code: str
    sketches: int
    duration: float  # seconds over which each student sends its sketches
    proxied: bool = False  # behind HAProxy: each tab gets its replica's cookie from a first page visit
    log: list[students.Action] = field(default_factory=list)
    sends: list[Send] = field(default_factory=list)  # acknowledged ones
    first_seen: dict[bytes, float] = field(default_factory=dict)  # sketch → end of the first refresh showing it
    wall_duplicates: int = 0  # tiles shown twice in one refresh
    refresh_server_ms: list[float] = field(default_factory=list)
    projector_count: int = -1  # the count the projector showed last
    projector_replica: str = ""
    wall_s: float = 0.0  # from the first student's start to the projector's last refresh

    @property
    def think(self) -> float:
        """Mean pause between a student's actions: strokes, the digit meant and Send, `sketches` times."""
        return self.duration / (self.sketches * (STROKES + 2))


def _problem(run: p.Run, expected: str = "", notice: str = "") -> str:
    if run.exceptions:
        return f"exception on screen: {run.exceptions[0][:200]}"
    if run.errors:
        return f"error on screen: {run.errors[0][:200]}"
    if not run.ok:
        return f"script ended with status {run.status}"
    if expected and not run.has_text(expected):
        return f"no '{expected}' in what the run showed"
    if notice and not any(notice in n for n in run.notices):
        return f"no '{notice}' notice; notices: {run.notices[:2]}"
    return ""


def _log(plan: ClassPlan, session: p.Session, kind: str, run: p.Run, problem: str) -> None:
    replica = session.response_headers.get("x-replica", "")
    plan.log.append(students.Action(kind, run.seconds, not problem, problem, replica))


async def start_room(url: str, cookies: str) -> tuple[p.Session, p.Run]:
    """The lecturer opens /class and presses "Start a class room": an open Session on the projector view."""
    session = p.Session(url, "class", cookies=cookies)
    await session.connect()
    await session.open()
    run = await session.rerun([p.click(session.widget_id("class_start"))])
    params = urllib.parse.parse_qs(session.query)
    if "room" not in params or "key" not in params or not session.auto_rerun:
        await session.close()
        raise RuntimeError(f"Start a class room gave no room and key ({session.query!r}): {_problem(run)}")
    return session, run


async def projector(plan: ClassPlan, session: p.Session, done: asyncio.Event) -> None:
    """Rerun the projector fragment on its timer until every student is done and the wall has settled."""
    plan.projector_replica = session.response_headers.get("x-replica", "")
    fragment, interval = next(iter(session.auto_rerun.items()))
    due = time.perf_counter()
    settle_until = None
    while True:
        due = max(due + interval, time.perf_counter())  # a refresh that ran long is followed at once, not twice
        await asyncio.sleep(due - time.perf_counter())
        run = await session.rerun(fragment_id=fragment)
        seen_at = time.perf_counter()
        _log(plan, session, "refresh", run, _problem(run, "this refresh took"))
        _read_wall(plan, run, seen_at)
        if done.is_set():  # every student has finished: stop once the count covers every acknowledged send
            settle_until = settle_until or seen_at + SETTLE_S
            if plan.projector_count >= len(plan.sends) or seen_at > settle_until:
                return


def _read_wall(plan: ClassPlan, run: p.Run, seen_at: float) -> None:
    for body in run.markdown:
        if m := WALL_COUNT.search(body):
            plan.projector_count = int(m.group(1))
        if m := REFRESH_MS.search(body):
            plan.refresh_server_ms.append(float(m.group(1)))
    walls = [body for body in run.html if SKETCH_LINK.search(body)]  # the wall first, then the hardest sketches
    keys = [sketch_key(t) for t in SKETCH_LINK.findall(walls[0])] if walls else []
    plan.wall_duplicates += sum(n - 1 for n in Counter(keys).values() if n > 1)
    for key in keys:
        plan.first_seen.setdefault(key, seen_at)


def pick(session: p.Session, key: str, option: str) -> p.WidgetState:
    """Choosing `option` (as the widget shows it) in a single-choice widget, as the browser sends it: a radio group
    sends the option's text, a segmented control or pills a list of one."""
    widget = session.widgets[key]
    return p.text(widget.id, option) if widget.kind == "radio" else p.choice(widget.id, option)


Drawing = tuple[int, list[str]]  # the digit meant, and the canvas's PNG data URL after each stroke


def drawings(number: int, sketches: int, heldout: digits.Digits) -> list[Drawing]:
    """Student `number`'s sketches, made before the class starts (a browser draws them on the student's own
    device, not on the server's cores): held-out digits number·sketches … +sketches-1, each a different one."""
    rng = np.random.default_rng(3000 + number)
    out = []
    for k in range(sketches):
        index = number * sketches + k
        out.append((int(heldout.labels[index]), inputs.canvas_strokes(heldout.images[index], STROKES, rng)))
    return out


async def student(plan: ClassPlan, number: int, start_after: float, sketches: list[Drawing]) -> None:
    """One student: open the app (behind a proxy: its first page visit, which picks the replica), join, then for
    each of `sketches` draw it stroke by stroke, pick the digit meant and press Send, with a person's pauses."""
    rng = np.random.default_rng(2000 + number)
    await asyncio.sleep(start_after)
    try:
        cookies = (await asyncio.to_thread(servers.first_visit, plan.url))[0] if plan.proxied else ""
        async with p.Session(plan.url, "class", query=f"room={plan.code}", cookies=cookies) as s:
            run = await s.open()
            _log(plan, s, "join", run, _problem(run, f"Room {plan.code}"))
            for meant, strokes in sketches:
                for drawn, png in enumerate(strokes, start=1):
                    await asyncio.sleep(students._pause(rng, plan.think))
                    run = await s.rerun([p.canvas(s.widget_id("class_canvas"), png, drawn)])
                    _log(plan, s, "stroke", run, _problem(run, "The CNN reads" if drawn == STROKES else ""))
                await asyncio.sleep(students._pause(rng, plan.think))
                run = await s.rerun([pick(s, "class_meant", str(meant))])
                _log(plan, s, "meant", run, _problem(run, "The CNN reads"))
                await asyncio.sleep(students._pause(rng, plan.think))
                pressed = time.perf_counter()
                run = await s.rerun([p.click(s.widget_id("class_send"))])
                problem = _problem(run, "", SENT)
                links = [t for body in run.markdown for t in SKETCH_LINK.findall(body)]
                if not problem and not links:
                    problem = "no link to the sent sketch"
                _log(plan, s, "send", run, problem)
                if not problem:
                    plan.sends.append(Send(sketch_key(links[-1]), pressed, pressed + run.seconds, number))
    except Exception as e:  # a refused connection, a timeout: counted, never fatal for the other students
        plan.log.append(students.Action("error", 0.0, False, f"{type(e).__name__}: {e}"[:300]))


def _stats(values_ms: list[float]) -> dict:
    if not values_ms:
        return {"count": 0}
    ms = np.asarray(values_ms, np.float64)
    return {
        "count": int(ms.size),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
        "max_ms": round(float(ms.max()), 1),
    }


def summarise(log: list[students.Action]) -> dict:
    """Per kind of action: count and p50/p95/max in ms; then the problems seen (the first 20)."""
    out: dict = {kind: _stats([a.seconds * 1000 for a in log if a.kind == kind]) for kind in {a.kind for a in log}}
    out.pop("error", None)
    problems = [f"{a.kind}: {a.problem}" for a in log if not a.ok]
    return {**out, "errors": len(problems), "problems": problems[:20]}


def tally(plan: ClassPlan, stored: list[bytes]) -> dict:
    """Acknowledged sends against what the store keeps and what the projector showed."""
    acked = Counter(s.key for s in plan.sends)
    kept = Counter(stored)
    seen = [s for s in plan.sends if s.key in plan.first_seen]
    return {
        "acknowledged": len(plan.sends),
        "in_store": len(stored),
        "projector_count": plan.projector_count,
        "lost": sum(1 for key in acked if key not in kept),
        "duplicated": sum(n - 1 for n in kept.values() if n > 1)
        + sum(n - 1 for n in acked.values() if n > 1)
        + plan.wall_duplicates,
        "never_on_wall": sum(1 for s in plan.sends if s.key not in plan.first_seen),
        "visible": _stats([(plan.first_seen[s.key] - s.pressed) * 1000 for s in seen]),  # from pressing Send
        "visible_after_sent": _stats([(plan.first_seen[s.key] - s.sent) * 1000 for s in seen]),  # from "Sent"
        "refresh_server_ms": _stats(plan.refresh_server_ms),
        "projector_replica": plan.projector_replica,
    }


async def _run(
    plan: ClassPlan, lecturer: p.Session, made: list[list[Drawing]], ramp: float, pids: list[int], progress: bool
) -> dict:
    rss: dict[int, list[float]] = {pid: [servers.rss_mb(pid)] for pid in pids}
    done = asyncio.Event()
    students_n = len(made)
    expected = students_n * plan.sketches
    watcher = asyncio.create_task(projector(plan, lecturer, done))
    tasks = [asyncio.create_task(student(plan, i, ramp * i / max(1, students_n), made[i])) for i in range(students_n)]
    while not all(t.done() for t in tasks):
        for pid in pids:
            rss[pid].append(servers.rss_mb(pid))
        if progress:
            print(
                f"\r{len(plan.sends)}/{expected} sent, projector shows {plan.projector_count}", end="", file=sys.stderr
            )
        await asyncio.sleep(0.5)
    done.set()
    while not watcher.done():
        for pid in pids:
            rss[pid].append(servers.rss_mb(pid))
        await asyncio.sleep(0.5)
    await watcher
    await lecturer.close()
    if progress:
        print(file=sys.stderr)
    return {f"pid {pid}": {"rss_before_mb": round(v[0], 1), "rss_peak_mb": round(max(v), 1)} for pid, v in rss.items()}


async def _class(
    url: str,
    replicas: int,
    students_n: int,
    sketches: int,
    duration: float,
    ramp: float,
    pids: list[int],
    logs: list[Path],
    progress: bool,
) -> tuple[ClassPlan, dict]:
    """Start the room from the Class page, warm up servers this run started, then hold the class (one event loop:
    the lecturer's websocket lives through all of it)."""
    jar = lambda: servers.first_visit(url)[0] if replicas > 1 else ""  # noqa: E731
    lecturer, _ = await start_room(url, jar())
    code = urllib.parse.parse_qs(lecturer.query)["room"][0]
    if pids:  # as a lecturer does before class: every replica visited, its background warm-up finished
        await _warm_up(url, code, replicas)
        if os.environ.get(WARM_UP_ENV) != "0":  # (tests turn the warm-up off: the visit above compiled the class's)
            for log in logs:
                await asyncio.to_thread(appserver.warmed_up, log)
    plan = ClassPlan(url, code, sketches, duration, proxied=replicas > 1)
    heldout = digits.load_heldout()
    made = [drawings(i, sketches, heldout) for i in range(students_n)]
    start = time.perf_counter()
    memory = await _run(plan, lecturer, made, ramp, pids, progress)
    plan.wall_s = time.perf_counter() - start
    return plan, memory


async def _warm_up(url: str, code: str, replicas: int) -> None:
    """On every replica, open the join view and draw one digit (the join view's models load and compile). Behind
    the proxy, tabs are kept open until each replica (X-Replica) has had one, so leastconn sends the next elsewhere."""
    heldout = digits.load_heldout()
    rng = np.random.default_rng(0)
    warmed: set[str] = set()
    async with contextlib.AsyncExitStack() as tabs:
        for _ in range(4 * replicas):
            jar = servers.first_visit(url)[0] if replicas > 1 else ""
            s = await tabs.enter_async_context(p.Session(url, "class", query=f"room={code}", cookies=jar))
            await s.open()
            replica = s.response_headers.get("x-replica", "")
            if replica not in warmed:
                png = inputs.canvas_strokes(heldout.images[-1], 1, rng)[0]
                await s.rerun([p.canvas(s.widget_id("class_canvas"), png, 1)])
                warmed.add(replica)
            if len(warmed) == replicas or replicas == 1:
                return
    raise RuntimeError(f"the warm-up reached only {sorted(warmed)} of {replicas} replicas")


def run(
    url: str | None = None,
    replicas: int = 1,
    students_n: int = 30,
    sketches: int = 3,
    duration: float = 120.0,
    ramp: float = 10.0,
    progress: bool = False,
    store_url: str | None = None,
) -> dict:
    """Run one class room and return the report. Without `url`, starts `replicas` app processes (behind HAProxy
    when more than one) sharing a Redis it starts (appendonly, appendfsync always) when replicas > 1, else a
    SQLite file in a fresh data directory. With `url`, drives that server and reads the store that
    `store_url` names (a redis:// address, or a SQLite file's path), or none."""
    from explorer.classroom.redis_store import RedisStore
    from explorer.classroom.sqlite_store import SQLiteStore

    heldout = digits.load_heldout()
    if students_n * sketches > len(heldout.labels):
        raise ValueError(f"students × sketches must be at most {len(heldout.labels)} (each send a different digit)")
    with contextlib.ExitStack() as stack:
        pids: list[int] = []
        store_kind = "given" if url else ("redis" if replicas > 1 else "sqlite")
        if url is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            if replicas > 1:
                store_url = stack.enter_context(servers.redis_server(folder / "redis"))
                env = {"EXPLORER_CLASS_STORE": store_url}
            else:
                env = {"EXPLORER_CLASS_STORE": "", "EXPLORER_DATA_DIR": str(folder / "data")}
                store_url = str(folder / "data" / "classroom.sqlite3")
            apps = stack.enter_context(servers.app_processes(replicas, folder, env))
            pids = [a.pid for a in apps]
            url = apps[0].url if replicas == 1 else stack.enter_context(servers.haproxy([a.url[7:] for a in apps]))
        logs = [folder / f"app{i + 1}.log" for i in range(replicas)] if pids else []
        plan, memory = p.run_async(_class(url, replicas, students_n, sketches, duration, ramp, pids, logs, progress))
        wall_s = round(plan.wall_s, 1)
        stored: list[bytes] = []
        if store_url:
            store = RedisStore(store_url) if store_url.startswith("redis") else SQLiteStore(store_url)
            stored = [s.content.pixels.tobytes() for s in store.submissions_since(plan.code, 0).added]
        report = {"url": url, "replicas": replicas, "students": students_n, "mode": "class", "store": store_kind}
        report.update({"sketches_each": sketches, "duration_s": duration, "wall_s": wall_s})
        report.update(summarise(plan.log))
        report.update(tally(plan, stored))
        by_replica = Counter(a.replica for a in plan.log if a.replica)
        if by_replica:
            report["actions_by_replica"] = dict(by_replica)
            report["students_by_replica"] = dict(Counter(a.replica for a in plan.log if a.kind == "join"))
        report["memory"] = memory
        return report


def print_report(report: dict) -> None:
    print(
        f"{report['students']} students, {report['sketches_each']} sketches each over {report['duration_s']:g} s, "
        f"{report['replicas']} replica(s), store {report['store']}, {report['wall_s']} s"
    )
    for kind in ("join", "stroke", "meant", "send", "refresh", "refresh_server_ms", "visible", "visible_after_sent"):
        row = report.get(kind)
        if isinstance(row, dict) and "p50_ms" in row:
            print(f"  {kind:<18} n={row['count']:<5} p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms  "
                  f"max {row['max_ms']:>8.1f} ms")  # fmt: skip
    print(
        f"  acknowledged {report['acknowledged']}, in the store {report['in_store']}, the projector's count "
        f"{report['projector_count']}; lost {report['lost']}, duplicated {report['duplicated']}, never on the "
        f"wall {report['never_on_wall']}; errors {report['errors']}"
    )
    for problem in report["problems"]:
        print(f"    {problem}")
    for pid, mem in report["memory"].items():
        print(f"  {pid}: " + ", ".join(f"{k} {v}" for k, v in mem.items()))
    if "actions_by_replica" in report:
        print(
            f"  students by replica: {report['students_by_replica']}, actions by replica: "
            f"{report['actions_by_replica']} (projector on {report['projector_replica']})"
        )
