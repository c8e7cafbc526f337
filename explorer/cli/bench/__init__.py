"""Performance figures, measured on this machine now.

    python -m explorer bench --json     # one JSON object
    python -m explorer bench            # the same, one figure a line
    python -m explorer bench --browser  # plus what a student waits for in Chromium

Page weight (`first_load_bytes`, `stroke_bytes_p50`, explorer/cli/bench/weight.py) is always measured in Chromium,
through the shipped HAProxy: it needs the test extra, /usr/bin/chromium and haproxy.

Each area of the app contributes a module with `measure() -> dict`; they run in
this process after `cold_start_s`, which is measured in a fresh process.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time

AREAS = (
    "explorer.cli.bench.digit",
    "explorer.cli.bench.text",
    "explorer.cli.bench.compare",
    "explorer.cli.bench.training",
    "explorer.cli.bench.forecast",
    "explorer.cli.bench.hybrid",
    "explorer.cli.bench.sentiment",
    "explorer.cli.bench.serving",
    "explorer.cli.bench.classroom",
    "explorer.cli.bench.weight",  # in Chromium, through HAProxy: first_load_bytes, stroke_bytes_p50
)

_COLD_START = """
import time; t0 = time.perf_counter()
from explorer import models
from explorer.models import compiled
compiled.enable_compilation_cache()  # as the app does: a warm on-disk cache skips compiling
for name in models.DIGIT_AND_TEXT_MODELS:
    compiled.load_reader(name)
print(time.perf_counter() - t0)
"""


def cold_start_s(cache: str = "") -> float:
    """A new Python process: import, load every model and compile its trace (what a fresh server does).

    cache: the JAX compilation cache folder the process uses ("" = none, every program compiled afresh).
    """
    env = {**os.environ, compiled_cache_env(): cache}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _COLD_START], check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - start


def compiled_cache_env() -> str:
    from explorer.models.compiled import CACHE_ENV

    return CACHE_ENV


def cold_starts() -> dict:
    """cold_start_s without a compilation cache, and cold_start_cached_s with a warm one (a restarted server)."""
    with tempfile.TemporaryDirectory() as folder:
        uncached = cold_start_s("")
        cold_start_s(folder)  # fills the cache
        cached = cold_start_s(folder)
    return {"cold_start_s": round(uncached, 3), "cold_start_cached_s": round(cached, 3)}


def measure_all(browser: bool = False) -> dict:
    results: dict = cold_starts()
    for area in AREAS + (("explorer.cli.bench.browser",) if browser else ()):
        try:
            module = importlib.import_module(area)
        except ModuleNotFoundError as e:
            if e.name != area:
                raise
            continue
        results.update({k: round(v, 3) if isinstance(v, float) else v for k, v in module.measure().items()})
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also time the app in Chromium (needs the test extra and /usr/bin/chromium)",
    )
    args = parser.parse_args(argv)
    results = measure_all(args.browser)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key:<32}{value}")
