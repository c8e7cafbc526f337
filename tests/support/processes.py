"""Waiting on a child process's own words: its output, read as it comes, with a deadline (no sleeping)."""

from __future__ import annotations

import os
import selectors
import subprocess
import time


def wait_for_output(proc: subprocess.Popen, needle: bytes, timeout: float) -> bytes:
    """Block on `proc`'s stdout (a pipe, opened with bufsize=0) until `needle` appears in it; everything read.

    Fails when the process exits first (its pipe closes) or `timeout` seconds pass, quoting what it said.
    """
    deadline = time.monotonic() + timeout
    said = b""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while needle not in said:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {needle!r} in {timeout:.0f} s; it said: {said[-2000:]!r}")
            if not selector.select(left):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"it exited (code {proc.wait()}) before {needle!r}; it said: {said[-2000:]!r}")
            said += chunk
    return said
