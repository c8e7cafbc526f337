"""`streamlit run streamlit_app.py` on a free port, for the bench, the load test and the browser tests."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc, timeout: float, what: str) -> None:
    """Poll `url`/_stcore/health until it answers ok; RuntimeError if `proc` exits or `timeout` passes first."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer /_stcore/health in time")
        time.sleep(0.25)  # the server is starting; nothing to wait on but the next poll


@contextlib.contextmanager
def serving(command: list[str], url: str, what: str, *, timeout: float, log=None, env=None, cwd=None, stop_s=15.0):
    """Start `command`, wait until `url`/_stcore/health says ok, yield the process; on exit terminate it (kill it
    if it has not stopped within `stop_s`). The one place a server process is started and stopped."""
    import subprocess

    proc = subprocess.Popen(command, cwd=cwd, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    try:
        wait_healthy(url, proc, timeout, what)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def started_app(log=None, timeout: float = 120.0, env: dict | None = None):
    """`streamlit run streamlit_app.py` on a free port with the shipped settings; yields (URL, process) once
    /_stcore/health says ok."""
    import sys

    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with serving(command, url, "streamlit", timeout=timeout, log=log, env=env, cwd=Path(APP).parent) as proc:
        yield url, proc


@contextlib.contextmanager
def running_app(log=None, timeout: float = 120.0):
    """`streamlit run streamlit_app.py` on a free port; yields its URL once /_stcore/health says ok."""
    with started_app(log, timeout) as (url, _):
        yield url


def warmed_up(log_path: str | Path, timeout: float = 300.0) -> float:
    """Wait until the app writing `log_path` says its background warm-up is done; returns its seconds."""
    import re

    from explorer.app.ui import WARM_UP_DONE

    deadline = time.monotonic() + timeout
    while True:
        found = re.search(re.escape(WARM_UP_DONE) + r" in ([0-9.]+) s", Path(log_path).read_text(errors="replace"))
        if found:
            return float(found.group(1))
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app's warm-up did not finish within {timeout:.0f} s")
        time.sleep(0.5)  # the warm-up runs in the server; its log line is all there is to wait on


@contextlib.contextmanager
def settled_app(timeout: float = 300.0):
    """A running app whose background warm-up has finished, as a class finds a server started before the lesson;
    yields (URL, the warm-up's seconds). The first page visit starts the warm-up; its last line says it is done."""
    import tempfile

    from explorer.cli.loadtest import protocol

    async def visit(url: str) -> None:
        async with protocol.Session(url, "digit") as s:
            await s.open()

    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log, running_app(log, timeout) as url:
        protocol.run_async(visit(url))
        yield url, warmed_up(log.name, timeout)
