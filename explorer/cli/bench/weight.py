"""Page weight for `python -m explorer bench`: what a student's browser receives, measured in Chromium.

    first_load_bytes       a fresh browser (empty cache) opens /digit through the shipped HAProxy
                           (deploy/haproxy.cfg, one app process behind it) and draws one stroke: every byte
                           received until the first prediction is drawn (HTTP responses as transferred, headers
                           included, plus the websocket's messages)
    first_load_bytes_bare  the same straight from `streamlit run`, no proxy
    stroke_bytes_p50       the median, over STROKES strokes, of the bytes the websocket received for one stroke
                           (from mouse-down until the run it starts has finished), the Digit page as it opens
    stroke_ms_p50          the median time from mouse-up to the end of that run, as the browser sees it

Websocket messages are counted as the browser reads them (Chrome DevTools Protocol, `webSocketFrameReceived`):
their decompressed size, what the page holds in memory, whether or not the connection compresses them.
"""

from __future__ import annotations

import base64
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from explorer.cli import browser as chromium

STROKES = 10
# Ten short strokes in different places of the canvas (fractions of its side): each one a new image.
STROKE_PATHS = [[(0.2 + 0.06 * i, 0.15), (0.25 + 0.06 * i, 0.5), (0.2 + 0.06 * i, 0.85)] for i in range(STROKES)]
FIRST_STROKE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]
PREDICTION_DRAWN = "() => document.querySelectorAll('.st-key-cnn-probs .xp-b').length === 10"  # the CNN's bars
# Counts the app's script runs as they finish (the stApp element's script state leaving "running"), so a stroke's
# run is waited on. Each change is read from its own record (oldValue): a short run's "running" and "notRunning"
# can arrive in one batch, where reading the attribute once would miss it.
COUNT_RUNS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__runs = 0;
  new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'running') window.__runs += 1;
  }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""


class Meter:
    """Bytes a page receives, from the browser's own network events (one CDP session on the page)."""

    def __init__(self, page):
        self.http = 0  # HTTP responses as transferred (compressed if they were), headers included
        self.websocket = 0  # websocket messages, as the page reads them
        self.extensions = ""  # what the websocket handshake agreed (permessage-deflate: compressed on the wire)
        self.sent = 0  # websocket messages the page sent (a stroke's new canvas value goes in one)
        self._cdp = page.context.new_cdp_session(page)
        self._cdp.send("Network.enable")
        self._cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self._cdp.on("Network.loadingFinished", self._finished)
        self._cdp.on("Network.webSocketFrameReceived", self._frame)
        self._cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self._cdp.on("Network.webSocketFrameSent", self._sent)

    def _sent(self, event: dict) -> None:
        self.sent += 1

    def _handshake(self, event: dict) -> None:
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        self.extensions = headers.get("sec-websocket-extensions", "")

    def _finished(self, event: dict) -> None:
        self.http += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event["response"]
        payload = response.get("payloadData", "")
        self.websocket += len(base64.b64decode(payload)) if response.get("opcode") == 2 else len(payload.encode())

    @property
    def total(self) -> int:
        return self.http + self.websocket


def _wait_quiet(page, meter: Meter, quiet_ms: float = 1500, timeout_s: float = 60) -> None:
    """Wait until nothing has arrived for `quiet_ms` (lazily loaded scripts included)."""
    deadline = time.monotonic() + timeout_s
    last, since = meter.total, time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the browser's network events are delivered while Playwright waits
        if meter.total != last:
            last, since = meter.total, time.monotonic()
        elif (time.monotonic() - since) * 1000 >= quiet_ms:
            return
    raise RuntimeError("the page kept receiving data for a minute")


def _first_prediction(context, url: str):
    """A new page of `context` with its byte meter on, /digit opened and a first stroke's prediction drawn."""
    page = context.new_page()
    meter = Meter(page)
    page.goto(f"{url}/digit")
    chromium.wait_idle(page, timeout=240_000)
    chromium.draw(page, FIRST_STROKE)
    chromium.wait_for(page, PREDICTION_DRAWN, timeout=120_000)
    chromium.wait_idle(page)
    return page, meter


def first_load(browser, url: str) -> int:
    """Bytes a fresh browser context receives from opening /digit to its first prediction (one stroke drawn)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page, meter = _first_prediction(context, url)
        _wait_quiet(page, meter)
        return meter.total
    finally:
        context.close()


def _sent_since(page, meter: Meter, sent: int, timeout_s: float = 15) -> bool:
    """Whether the page sent the server a message (the stroke's new canvas value) since `meter.sent` was `sent`."""
    deadline = time.monotonic() + timeout_s
    while meter.sent == sent and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # the browser's network events are delivered while Playwright waits
    return meter.sent > sent


def strokes(browser, url: str, paths=STROKE_PATHS) -> tuple[list[int], list[float], str]:
    """Per stroke on /digit (after a first one that warms up): websocket bytes received, and seconds from mouse-up
    to the end of the run it started; and the websocket's agreed extensions."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page, meter = _first_prediction(context, url)
        page.evaluate(COUNT_RUNS)
        sizes, seconds = [], []
        for path in paths:
            before = meter.websocket
            # counted from this stroke on (not the k-th run since the start): a run the stroke's rerun was handed
            # to while it was still going counts once, and must not leave every later stroke waiting for one more
            runs, sent = page.evaluate("() => window.__runs"), meter.sent
            chromium.draw(page, [path])  # ends with the mouse-up
            start = time.perf_counter()
            if not _sent_since(page, meter, sent):  # the canvas sends every stroke as it ends: a miss is a bug
                raise RuntimeError(f"the page sent nothing for the stroke {path}")
            try:
                page.wait_for_function(f"() => window.__runs > {runs}", polling="raf", timeout=20_000)
                seconds.append(time.perf_counter() - start)
            except PlaywrightTimeout:  # no finished run was recorded (seen once, under the test suite's load): its
                # bytes count if the app is idle and an answer arrived; its time, never seen to end, is left out
                chromium.wait_idle(page)
                if meter.websocket - before < 1_000:
                    raise RuntimeError(f"no answer to the stroke {path}: the page sent it, no run followed") from None
            chromium.wait_idle(page)
            sizes.append(meter.websocket - before)
        return sizes, seconds, meter.extensions
    finally:
        context.close()


@contextlib.contextmanager
def proxied_app():
    """One app process behind HAProxy with the shipped configuration; yields (proxy URL, the app's own URL)."""
    from explorer.cli.loadtest import servers

    with tempfile.TemporaryDirectory() as folder, servers.app_processes(1, Path(folder)) as apps:
        with servers.haproxy([apps[0].url.removeprefix("http://")]) as url:
            yield url, apps[0].url


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    with proxied_app() as (proxy, bare), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium.CHROMIUM, args=chromium.CHROMIUM_ARGS)
        try:
            first_load(browser, proxy)  # the first visit of a process compiles the models: not a student's wait
            sizes, seconds, _ = strokes(browser, proxy)
            return {
                "first_load_bytes": first_load(browser, proxy),
                "first_load_bytes_bare": first_load(browser, bare),
                "stroke_bytes_p50": int(statistics.median(sizes)),
                "stroke_ms_p50": statistics.median(seconds) * 1000,
            }
        finally:
            browser.close()


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
