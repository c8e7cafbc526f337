"""Class-page figures for `python -m explorer bench`: what one projector refresh costs the server with 500
submissions in the room. A fresh `streamlit run` on a room in a new SQLite file; 500 held-out sketches (with the
trained CNN's and row RNN's answers) are sent to it first, then before each timed refresh 5 more that no refresh
has seen (200 students sending 3 sketches in 2 minutes send 5 a second), and the projector fragment is rerun as the
browser's once-a-second timer does. Timed from the rerun request to its `script_finished` (the server's whole
work for that refresh, over loopback), and as the page itself reports it. Then one student's strokes on the join
view, fresh digits, as their round trip and as the server's CPU time per stroke."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from explorer.app.ui import WARM_UP_ENV
from explorer.cli import appserver
from explorer.cli.loadtest import inputs, servers
from explorer.cli.loadtest import protocol as p
from explorer.cli.loadtest.class_sketches import heldout_sketches

FILLED = 500  # submissions in the room before the timed refreshes
NEW_PER_REFRESH = 5
REPEAT = 24
WALL_COUNT = re.compile(r"The class's sketches: (\d+)")
PAGE_MS = re.compile(r"this refresh took ([0-9.]+) ms of server time")


async def _refreshes(url: str, code: str, key: str, add, log: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"new": [], "new_page": [], "idle": []}
    async with p.Session(url, "class", query=f"room={code}&key={key}") as s:
        await s.open()  # the first visit starts the server's background warm-up: timed after it has finished
        if os.environ.get(WARM_UP_ENV) != "0":
            await asyncio.to_thread(appserver.warmed_up, log)
        fragment = next(iter(s.auto_rerun))
        for r in range(REPEAT + 2):
            shown = add(r)
            run = await s.rerun(fragment_id=fragment)
            counts = [int(m.group(1)) for body in run.markdown if (m := WALL_COUNT.search(body))]
            if not run.ok or counts != [shown]:
                raise RuntimeError(f"the projector showed {counts}, not [{shown}]: {run.exceptions or run.errors}")
            page = [float(m.group(1)) for body in run.markdown if (m := PAGE_MS.search(body))]
            idle = await s.rerun(fragment_id=fragment)  # the next second, with nothing new
            if r >= 2:  # the first refreshes warm up what a process builds once
                times["new"].append(run.seconds)
                times["new_page"] += page
                times["idle"].append(idle.seconds)
    return times


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used so far, in ms (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def _join_strokes(url: str, code: str, pid: int) -> tuple[list[float], float]:
    """A student on the join view drawing fresh held-out digits stroke by stroke: each stroke's round trip, and
    the server's CPU ms per stroke over the timed ones."""
    source = inputs.DigitSource(seed=11)
    times = []
    async with p.Session(url, "class", query=f"room={code}") as s:
        await s.open()
        cpu = 0.0
        while len(times) < REPEAT + 4:
            if len(times) == 4:  # the first digit warms up what the first strokes of a process compile
                cpu = cpu_ms(pid)
            _, strokes = source.next_digit(4)
            for k, image in enumerate(strokes, start=1):
                run = await s.rerun([p.canvas(s.widget_id("class_canvas"), image, k)])
                if not run.ok:
                    raise RuntimeError(f"a join-view stroke failed: {run.exceptions or run.errors}")
                times.append(run.seconds)
        return times[4:], (cpu_ms(pid) - cpu) / (len(times) - 4)


def measure() -> dict:
    from explorer.classroom.sqlite_store import SQLiteStore

    sketches = heldout_sketches(FILLED + NEW_PER_REFRESH * (REPEAT + 2))
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        env = {"EXPLORER_CLASS_STORE": "", "EXPLORER_DATA_DIR": str(data)}
        with servers.app_processes(1, Path(folder), env) as apps:
            url = apps[0].url
            store = SQLiteStore(data / "classroom.sqlite3")  # the app's own file (its EXPLORER_DATA_DIR)
            keys = store.create_room()

            def send(i: int) -> None:  # one session per sketch: the per-session rate limit stays as shipped
                store.add_submission(keys.code, f"bench-session-{i:06d}", f"bench-{i:06d}", sketches[i])

            for i in range(FILLED):
                send(i)

            def add(r: int) -> int:
                for i in range(FILLED + r * NEW_PER_REFRESH, FILLED + (r + 1) * NEW_PER_REFRESH):
                    send(i)
                return FILLED + (r + 1) * NEW_PER_REFRESH

            times = p.run_async(_refreshes(url, keys.code, keys.lecturer_key, add, Path(folder) / "app1.log"))
            strokes, stroke_cpu_ms = p.run_async(_join_strokes(url, keys.code, apps[0].pid))
    ms = lambda xs: float(np.median(xs) * 1000)  # noqa: E731
    return {
        "class_refresh_ms": ms(times["new"]),  # p50, 5 new sketches since the last refresh, 500+ in the room
        "class_refresh_page_ms": float(np.median(times["new_page"])),  # the same refreshes, as the page timed them
        "class_refresh_idle_ms": ms(times["idle"]),  # p50, nothing new since the last refresh
        "class_join_stroke_server_ms_p50": ms(strokes),  # a stroke on the join view, round trip
        "class_join_stroke_cpu_ms": stroke_cpu_ms,  # the server's CPU time per join-view stroke (all its threads)
    }
