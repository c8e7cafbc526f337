"""A tampered client, spoken in Streamlit's own websocket protocol to a real server: a decompression-bomb canvas,
canvas values of other JSON shapes, and widget values out of range. Each gets a message, no exception, and the
server's memory (VmRSS, polled while the run lasts) rises by less than 100 MB."""

from __future__ import annotations

import json
import threading

import pytest
from websockets.exceptions import ConnectionClosedError

from explorer.cli import appserver
from explorer.cli.loadtest import protocol as p
from explorer.cli.loadtest import servers
from tests.unit.test_canvas_bounds import data_url, zero_png

pytestmark = pytest.mark.load
MAX_RISE_MB = 100.0


@pytest.fixture(scope="module")
def app():
    with appserver.started_app() as (url, proc):
        yield url, proc.pid


class PeakRss:
    """The most resident memory a process reaches while the `with` block runs (VmRSS read every 5 ms)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._done = pid, 0.0, threading.Event()

    def _watch(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, servers.rss_mb(self.pid))

    def __enter__(self) -> PeakRss:
        self.before = servers.rss_mb(self.pid)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @property
    def rise(self) -> float:
        return self.peak - self.before


def raw_canvas(widget_id: str, value) -> p.WidgetState:
    return p.WidgetState(id=widget_id, json_value=json.dumps(value))


def test_a_decompression_bomb_canvas_is_refused_without_decoding(app):
    url, pid = app
    bomb = data_url(zero_png(13_000, 13_000, channels=1))  # 169 M pixels in ~220 kB of text

    async def scenario():
        async with p.Session(url, "digit") as s:
            await s.open()
            canvas = s.widget_id("digit-canvas")
            await s.rerun([p.canvas(canvas, data_url(zero_png(280, 280)), 1)])  # settle: a real drawing first
            with PeakRss(pid) as memory:
                run = await s.rerun([p.canvas(canvas, bomb, 1)])
            assert run.ok, run.exceptions
            assert any("13,000 × 13,000 pixels" in n for n in run.notices), run.notices
            assert memory.rise < MAX_RISE_MB, f"the server's memory rose {memory.rise:.0f} MB"
            s.drop_value(canvas)  # the client stops sending it: the server no longer holds it either
            with PeakRss(pid) as memory:
                after = await s.rerun([p.click(s.widget_id("random-digit"))])
            assert after.ok and not any("could not be read" in n for n in after.notices), after.notices
            assert memory.rise < MAX_RISE_MB

    p.run_async(scenario())


@pytest.mark.parametrize(
    "value",
    [[1, 2], "text", 7, {"drawing": [1]}, {"png": None, "strokes": -5}, {"png": 12, "strokes": 1}],
)
def test_canvas_values_of_other_json_shapes_get_a_message(app, value):
    url, _ = app

    async def scenario():
        async with p.Session(url, "digit") as s:
            await s.open()
            run = await s.rerun([raw_canvas(s.widget_id("digit-canvas"), value)])
            assert run.ok, run.exceptions
            assert not run.errors, run.errors

    p.run_async(scenario())


@pytest.mark.parametrize("index", [10**9, -5, 2**53])
def test_a_training_slider_index_out_of_range_gets_no_traceback(app, index):
    url, pid = app

    async def scenario():
        async with p.Session(url, "training") as s:
            await s.open()
            with PeakRss(pid) as memory:
                run = await s.rerun([p.number(s.widget_id("checkpoint"), index)])
            assert run.ok, run.exceptions
            assert not run.errors, run.errors
            assert memory.rise < MAX_RISE_MB

    p.run_async(scenario())


@pytest.mark.parametrize(
    "sent",  # a batch index out of range (the value types the frontend does not send for a selectbox), a label
    [{"int_value": 10**6}, {"int_value": -1}, {"string_value": "999"}, {"string_value": "[x](http://e.com)"}],
)
def test_a_training_batch_out_of_range_gets_no_traceback(app, sent):
    url, _ = app

    async def scenario():
        async with p.Session(url, "training", query="training_section=Train+one+yourself") as s:
            await s.open()
            state = p.WidgetState(id=s.widget_id("live_batch"), **sent)
            run = await s.rerun([state])
            assert run.ok, run.exceptions
            assert not run.errors, run.errors
            assert any("reset to 64" in n for n in run.notices), run.notices

    p.run_async(scenario())


def test_a_message_over_the_size_limit_is_cut_off_before_it_is_read(app):
    """`server.maxMessageSize` (5 MB) bounds what Streamlit parses before the app sees it: without it a 20 MB
    canvas value raised the server's memory by 129 MB (protobuf, then JSON, then the string, each held)."""
    url, pid = app

    async def scenario():
        async with p.Session(url, "digit") as s:
            await s.open()
            canvas = s.widget_id("digit-canvas")
            with PeakRss(pid) as memory:  # just under the limit: read, refused by its length
                run = await s.rerun([p.canvas(canvas, "data:image/png;base64," + "A" * 4_000_000, 1)])
            assert run.ok and any("4,000,022 characters" in n for n in run.notices), run.notices
            assert memory.rise < MAX_RISE_MB
            s.drop_value(canvas)
            with PeakRss(pid) as memory, pytest.raises(ConnectionClosedError, match="1009"):
                await s.rerun([p.canvas(canvas, "data:image/png;base64," + "A" * 10_000_000, 1)])
            assert memory.rise < MAX_RISE_MB

    p.run_async(scenario())


@pytest.mark.parametrize(
    "page, key, text",
    [
        ("digit", "digit-canvas", "{not json"),
        ("digit", "cell", "[[[[" * 20_000),  # nested deeper than Python's parser recurses
        ("digit", "choose-digit", "\u0000"),
        ("text", "cell", '{"a": '),
    ],
    ids=["canvas", "deep nesting", "control character", "cut short"],
)
def test_a_widget_value_that_is_not_json_leaves_the_widget_at_its_default(app, page, key, text):
    url, _ = app

    async def scenario():
        async with p.Session(url, page) as s:
            await s.open()
            run = await s.rerun([p.WidgetState(id=s.widget_id(key), json_value=text)])
            assert run.ok, run.exceptions  # no JSONDecodeError / RecursionError for this student
            again = await s.rerun([])
            assert again.ok, again.exceptions  # and the session goes on
            if page == "digit":  # the view opens as it does for a new tab: the canvas empty, the LSTM reading
                assert any("The canvas is empty" in n for n in again.notices), again.notices

    p.run_async(scenario())
