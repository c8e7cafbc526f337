"""A class with a few hostile students in it: does anyone else notice?

    python -m explorer loadtest --mode hostile --students 30 --hostile 3

Runs the same class of ordinary drawing students twice on one app process: first alone (the baseline), then
with `hostile` more sessions that send, in a loop for as long as the class lasts, the inputs of issue 18:

- bomb: a canvas "drawing" that is a 13,000 × 13,000 RGBA PNG of zeros (about 657 kB on the wire, 676 MB
  decoded), built in memory here and never written anywhere; and a data URL that is no image at all;
- address: pages opened with markup, huge, empty, infinite and not-a-number values in their address parameters;
- widgets: out-of-range values a browser would never send (a step of 10¹², a NaN temperature, a 1 MB text);
- burst: 200 reruns sent without waiting for any, then one ordinary request that must be answered.

Reports the ordinary students' stroke p50/p95 in both runs, the server's peak RSS in both (VmRSS from
/proc/<pid>/status, sampled every half second), every problem an ordinary student saw, and every exception
element any session was sent (its traceback, if the server's showErrorDetails let one through).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import math
import struct
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from explorer.cli import appserver
from explorer.cli.loadtest import protocol as p
from explorer.cli.loadtest import servers, students

BOMB_SIDE = 13_000  # pixels: 169 M, under PIL's 179 M DecompressionBombError limit, so only a warning stops it
BURST = 200  # reruns sent at once
PAUSE_S = 0.5  # between one hostile action and the next: hostile, not a denial-of-service flood
PAGES = ("digit", "text", "compare", "forecast", "hybrid", "sentiment", "training", "guide", "lesson")

# Address parameters the pages read, with values no link the app writes would hold.
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>**bold** [link](javascript:alert(1))"
ADDRESSES = (
    ("digit", {"sample": MARKUP, "cell": MARKUP}),
    ("digit", {"sketch": "A" * 200_000}),
    ("digit", {"sample": "", "cell": "", "sketch": ""}),
    ("digit", {"sample": "inf", "sketch": "eJ" + "=" * 3000}),
    ("digit", {"sample": "1e308", "view": "-nan", "layer": "inf"}),
    ("text", {"text": MARKUP * 2000, "unit": "inf", "temperature": "nan", "seed": "1e309"}),
    ("text", {"text": "", "step": "", "unit": "", "temperature": "", "cell": MARKUP}),
    ("compare", {"section": MARKUP, "amount": "inf", "shuffle_seed": "-1", "text_cell": "nan"}),
    ("forecast", {"horizon": "1e99", "model": MARKUP}),
    ("hybrid", {"frame": "-inf", "clip": "9" * 5000}),
    ("sentiment", {"review": MARKUP * 500, "order_seed": "99999999999999999999999"}),
    ("training", {"training_section": "\x00\uffff" + MARKUP, "present": MARKUP}),
    ("guide", {"task": MARKUP, "length": "nan"}),
    ("lesson", {"lesson": "../../../etc/passwd", "scene": "1e99"}),
)


@functools.cache
def bomb_data_url(side: int = BOMB_SIDE) -> str:
    """A side × side RGBA PNG whose every byte is zero, as a data URL: deflate shrinks it about 1,000-fold, so
    a few hundred kB decode to side² · 4 bytes. Built row by row, so this process never holds the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    deflate = zlib.compressobj(9)
    row = bytes(1 + side * 4)  # filter byte 0, then the row's RGBA zeros
    idat = b"".join(deflate.compress(row) for _ in range(side)) + deflate.flush()
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class WatchedSession(p.Session):
    """A tab that also keeps every exception element it is sent, with its stack trace (if any was sent)."""

    def __init__(self, *args, seen: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = seen
        self.doing = "open"  # what the hostile student sent last, named in what it saw

    def _read_delta(self, delta, run: p.Run) -> None:
        super()._read_delta(delta, run)
        if delta.WhichOneof("type") == "new_element" and delta.new_element.WhichOneof("type") == "exception":
            e = delta.new_element.exception
            trace = " | ".join(e.stack_trace[-3:])
            shown = f"{self.page} ({self.doing[:60]}): {e.type}: {e.message[:100]}"
            self.seen.append(shown + (f" [traceback: {trace[:300]}]" if trace else ""))


@dataclass
class Hostility:
    """What the hostile students did and what they were shown."""

    actions: dict[str, int] = field(default_factory=dict)  # behaviour → times done
    exceptions: list[str] = field(default_factory=list)  # every exception element any watched session got
    problems: list[str] = field(default_factory=list)  # a hostile request that got no answer, or the wrong one

    def done(self, behaviour: str) -> None:
        self.actions[behaviour] = self.actions.get(behaviour, 0) + 1


async def hostile_student(url: str, number: int, stop: asyncio.Event, out: Hostility) -> None:
    """One hostile student: bomb, address, widgets, burst, again and again until `stop` is set (each at least once)."""
    behaviours = (_bomb, _address, _widgets, _burst)
    k = 0
    while not stop.is_set() or k < len(behaviours):
        behaviour = behaviours[k % len(behaviours)]
        try:
            await behaviour(url, number + k, out)
        except Exception as e:  # a dropped connection, a timeout: the server did not answer a hostile request
            out.problems.append(f"{behaviour.__name__[1:]}: {type(e).__name__}: {e}"[:300])
        out.done(behaviour.__name__[1:])
        k += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PAUSE_S)


def _check(out: Hostility, what: str, run: p.Run) -> None:
    if run.status not in (p.FINISHED.FINISHED_SUCCESSFULLY, p.FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
        out.problems.append(f"{what}: the run ended with status {run.status}")


async def _bomb(url: str, k: int, out: Hostility) -> None:
    async with WatchedSession(url, "digit", seen=out.exceptions) as s:
        await s.open()
        canvas = s.widget_id("digit-canvas")
        for payload in (bomb_data_url(), "data:image/png;base64," + base64.b64encode(b"no image" * 1000).decode()):
            s.doing = f"canvas {len(payload):,} chars"
            run = await s.rerun([p.canvas(canvas, payload, 1)])
            _check(out, "bomb", run)
            if not run.notices:  # the page must say the drawing could not be read, not predict from it
                out.problems.append("bomb: no notice that the canvas image was refused")


async def _address(url: str, k: int, out: Hostility) -> None:
    """Every page opened with the hostile address parameters above, each in a tab of its own."""
    from urllib.parse import urlencode

    for page, params in ADDRESSES:
        async with WatchedSession(url, page, query=urlencode(params), seen=out.exceptions) as s:
            s.doing = "address " + ", ".join(params)
            _check(out, f"address {page}", await s.open())


async def _widgets(url: str, k: int, out: Hostility) -> None:
    """The Text page's widgets, each sent a value outside what it can hold (a browser clamps; this does not), each
    in a tab of its own, so that what one value breaks is not blamed on the next."""
    rng = np.random.default_rng(k)
    states = [
        ("step", p.number, 1e12),
        ("step", p.number, math.nan),
        ("step", p.number, -5.0),
        ("step", lambda i, v: p.WidgetState(id=i, string_value=v), MARKUP),
        ("temperature", p.number, math.inf),
        ("temperature", p.number, -1e300),
        ("unit", lambda i, v: p.WidgetState(id=i, int_value=v), 10**9),
        ("unit", lambda i, v: p.WidgetState(id=i, double_value=v), math.nan),
        ("seed", lambda i, v: p.WidgetState(id=i, int_value=v), -(2**63)),
        ("text_input", p.text, "x" * 1_000_000 + str(rng.integers(1 << 30))),
    ]
    for key, make, value in states:
        async with WatchedSession(url, "text", seen=out.exceptions) as s:
            await s.open()
            if key not in s.widgets:
                out.problems.append(f"widgets: the Text page drew no '{key}' widget")
                continue
            s.doing = f"{key} = {str(value)[:20]}"
            run = await s.rerun([make(s.widget_id(key), value)])
            _check(out, f"widgets {key}={str(value)[:20]}", run)


async def _burst(url: str, k: int, out: Hostility) -> None:
    async with WatchedSession(url, "text", seen=out.exceptions) as s:
        await s.open()
        text_id = s.widget_id("text_input")
        for i in range(BURST):  # a held-down key: every rerun a new text, none waited for
            s.doing = f"burst rerun {i}"
            msg = s.back_message([p.text(text_id, f"burst {k} {i} " * 5)])
            await s._ws.send(msg.SerializeToString())
        await s.drain()
        s.doing = "after the burst"
        last = f"after the burst {k}"
        run = await s.rerun([p.text(text_id, last)])
        _check(out, "burst", run)
        if not run.has_text(f"Step {len(last)} of {len(last)}"):
            out.problems.append("burst: the request after the burst was not answered with its own text")


async def _class(url: str, students_n: int, hostile_n: int, actions: int, think: float, ramp: float, pid: int | None,
                 first: int) -> tuple[list[students.Action], Hostility, float | None]:  # fmt: skip
    """Ordinary drawing students (numbered from `first`, so their digits are new to the server) and hostile ones
    at once; returns the ordinary students' log, what the hostile ones saw, and the peak RSS in MB meanwhile."""
    plan = students.Plan(url, "draw", actions, think)
    out, stop = Hostility(), asyncio.Event()
    ordinary = [
        asyncio.create_task(students.student(plan, first + i, ramp * i / max(1, students_n))) for i in range(students_n)
    ]
    hostile = [asyncio.create_task(hostile_student(url, 100 * j, stop, out)) for j in range(hostile_n)]
    peak = (
        servers.rss_mb(pid) if pid else math.nan
    )  # a server started elsewhere (--url): its memory is not ours to read
    while not all(t.done() for t in ordinary):
        peak = max(peak, servers.rss_mb(pid)) if pid else peak
        await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*hostile)
    return plan.log, out, round(max(peak, servers.rss_mb(pid)), 1) if pid else None


async def _warm_up(url: str) -> None:
    """Every page opened once, as a teacher would before class: the hostile students visit them all."""
    for page in PAGES:
        async with p.Session(url, page) as s:
            await s.open()
    bomb_data_url()  # built before the clock starts (about a second of this process's time)


def _summary(log: list[students.Action]) -> dict:
    """The ordinary students' strokes and page opens: count and p50/p95/max in ms; then every problem they saw."""
    out: dict = {}
    for kind in ("open", "stroke"):
        ms = np.array([a.seconds * 1000 for a in log if a.kind == kind])
        if ms.size:
            p50, p95 = np.percentile(ms, [50, 95])
            out[kind] = {"count": int(ms.size), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
                         "max_ms": round(float(ms.max()), 1)}  # fmt: skip
    problems = [f"{a.kind}: {a.problem}" for a in log if not a.ok]
    return {**out, "errors": len(problems), "problems": problems[:20]}


def run(
    url: str | None = None,
    pid: int | None = None,
    students_n: int = 30,
    hostile_n: int = 3,
    actions: int = 5,
    think: float = 4.0,
    ramp: float = 10.0,
    baseline: bool = True,
) -> dict:
    """The class alone (if `baseline`), then with `hostile_n` hostile students, on one app process (started here
    unless `url` and its `pid` are given); returns the report `--json` prints."""
    with contextlib.ExitStack() as stack:
        if url is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            (app,) = stack.enter_context(servers.app_processes(1, logs))
            url, pid = app.url, app.pid
            p.run_async(_warm_up(url))
            appserver.warmed_up(logs / "app1.log")
        else:
            p.run_async(_warm_up(url))
        report: dict = {"url": url, "students": students_n, "hostile": hostile_n, "actions": actions}
        runs = ([("baseline", 0)] if baseline else []) + [("with_hostile", hostile_n)]
        exceptions: list[str] = []
        for i, (name, n) in enumerate(runs):
            start = time.perf_counter()
            log, out, peak = p.run_async(_class(url, students_n, n, actions, think, ramp, pid, 10_000 * (i + 1)))
            report[name] = {"wall_s": round(time.perf_counter() - start, 1), "rss_peak_mb": peak, **_summary(log)}
            if n:
                report[name]["hostile_actions"] = out.actions
                report[name]["hostile_problems"] = out.problems[:20]
            exceptions += [a.problem for a in log if "exception" in a.problem] + out.exceptions
        report["exceptions"] = len(exceptions)
        report["tracebacks"] = sum("traceback" in e for e in exceptions)
        report["exception_samples"] = exceptions[:10]
        if baseline and "stroke" in report["baseline"] and "stroke" in report["with_hostile"]:
            before, after = report["baseline"], report["with_hostile"]
            report["p95_ratio"] = round(after["stroke"]["p95_ms"] / before["stroke"]["p95_ms"], 2)
            if pid:
                report["rss_increase_mb"] = round(after["rss_peak_mb"] - before["rss_peak_mb"], 1)
        return report


def print_report(report: dict) -> None:
    print(f"{report['students']} ordinary students drawing, {report['hostile']} hostile, one process")
    for name in ("baseline", "with_hostile"):
        if name not in report:
            continue
        r = report[name]
        stroke = r.get("stroke", {})
        print(f"  {name:<13} stroke n={stroke.get('count', 0):<4} p50 {stroke.get('p50_ms', 0):>7.1f} ms  "
              f"p95 {stroke.get('p95_ms', 0):>7.1f} ms   peak RSS {r['rss_peak_mb'] or 0:.0f} MB   "
              f"ordinary students' problems: {r['errors']}")  # fmt: skip
        for problem in r["problems"][:5]:
            print(f"      {problem}")
        if "hostile_actions" in r:
            print(f"      hostile actions: {r['hostile_actions']}; unanswered or wrong: {len(r['hostile_problems'])}")
            for problem in r["hostile_problems"][:5]:
                print(f"        {problem}")
    if "p95_ratio" in report:
        rss = f"; peak RSS {report['rss_increase_mb']:+.0f} MB" if "rss_increase_mb" in report else ""
        print(f"  p95 with / without hostile students: {report['p95_ratio']} ×{rss}")
    print(f"  exceptions shown: {report['exceptions']} (with a traceback: {report['tracebacks']})")
    for sample in report["exception_samples"]:
        print(f"    {sample}")
