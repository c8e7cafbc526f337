"""One browser tab, spoken in Streamlit's own websocket protocol (what the frontend does, minus drawing).

The browser opens `/_stcore/stream`, sends a `BackMsg.rerun_script` carrying the page and the widgets that
changed, and receives `ForwardMsg`s: `new_session` at the start of each run, `delta`s (the elements), and
`script_finished` at its end. A widget's id ends with its user key (`$$ID-<hash>-<key>`); a widget inside a
`st.fragment` arrives in deltas tagged with that fragment's id, and the browser reruns only that fragment
by naming it in the BackMsg. `Session` does the same and times each run from sending to `script_finished`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # a page's whole ForwardMsg stream; the server's own cap is lower


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float  # from sending the BackMsg to script_finished
    status: int  # a ForwardMsg.ScriptFinishedStatus
    markdown: list[str] = field(default_factory=list)  # every markdown / text body, in order
    exceptions: list[str] = field(default_factory=list)  # messages of exception elements (tracebacks on screen)
    errors: list[str] = field(default_factory=list)  # bodies of st.error alerts
    notices: list[str] = field(default_factory=list)  # bodies of st.info / st.warning alerts (hints to the user)
    html: list[str] = field(default_factory=list)  # bodies of st.html elements
    payload_bytes: int = 0  # bytes received for this run

    @property
    def ok(self) -> bool:
        return not self.exceptions and self.status in (
            FINISHED.FINISHED_SUCCESSFULLY,
            FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        )

    def has_text(self, fragment: str) -> bool:
        return any(fragment in body for body in self.markdown)


@dataclass
class Widget:
    id: str
    fragment_id: str  # "" when the widget is not inside a fragment
    kind: str  # the element type: "button", "slider", "text_area", "component_instance", …


class Session:
    """One simulated student's tab. Use `async with Session(url, "digit") as s: run = await s.open()`."""

    def __init__(self, base_url: str, page: str, query: str = "", cookies: str = "", timeout: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.query = query
        self.cookies = cookies
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}  # by user key
        self.fragment_ids: list[str] = []  # every fragment the page drew, in order
        self._held: dict[str, WidgetState] = {}  # values sent before: a browser sends them with every rerun
        self.session_id = ""
        self.auto_rerun: dict[str, float] = {}  # fragment id → seconds: the fragments the page asks to rerun on a timer
        self.response_headers: dict[str, str] = {}
        self._ws = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the websocket (or reopen it, resuming this session on the server as a browser does)."""
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        host = self.base_url.split("://", 1)[1]
        # [subprotocol, XSRF token, session to resume]: no auth cookies here, so no token is needed
        protocols = ["streamlit", "no-xsrf-token", self.session_id] if self.session_id else ["streamlit"]
        headers = {"Cookie": self.cookies} if self.cookies else {}
        self._ws = await connect(
            ws_url,
            origin=f"http://{host}",
            subprotocols=protocols,
            additional_headers=headers,
            max_size=MAX_MESSAGE_BYTES,
            open_timeout=self.timeout,
            ping_interval=None,
            compression="deflate",  # offered as every browser offers it; the server compresses if configured to
        )
        self.response_headers = {k.lower(): v for k, v in self._ws.response.headers.raw_items()}

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def open(self) -> Run:
        """The first run of the page, as when the tab loads its address."""
        return await self.rerun()

    def widget_id(self, key: str) -> str:
        return self.widgets[key].id

    def drop_value(self, widget_id: str) -> None:
        """Stop re-sending a widget's last value (a tampered client that no longer sends its canvas)."""
        self._held.pop(widget_id, None)

    def back_message(
        self, states: list[WidgetState] | tuple = (), fragment_key: str | None = None, fragment_id: str | None = None
    ) -> BackMsg:
        """The rerun request a browser sends: the changed widget states plus every value sent before (a whole-page
        rerun, or only the fragment holding `fragment_key`, or the fragment `fragment_id`, as a browser does for a
        fragment's `run_every` tick)."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        sent = {state.id for state in states}
        cs.widget_states.widgets.extend([held for wid, held in self._held.items() if wid not in sent])
        cs.widget_states.widgets.extend(states)
        for state in states:
            if state.WhichOneof("value") != "trigger_value":  # a click is sent once; a value stays
                self._held[state.id] = state
        if fragment_key is not None and self.widgets[fragment_key].fragment_id:
            cs.fragment_id = self.widgets[fragment_key].fragment_id
        if fragment_id is not None:
            cs.fragment_id = fragment_id
        return msg

    async def rerun(
        self, states: list[WidgetState] | tuple = (), fragment_key: str | None = None, fragment_id: str | None = None
    ) -> Run:
        """Send a rerun request (see `back_message`) and read the run it starts."""
        msg = self.back_message(states, fragment_key, fragment_id)
        start = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._read_run(start), self.timeout)

    async def drain(self, quiet: float = 1.0) -> int:
        """Read and drop whatever the server still sends (runs of requests sent without waiting) until it has been
        quiet for `quiet` seconds; returns the number of messages dropped."""
        dropped = 0
        while True:
            try:
                await asyncio.wait_for(self._ws.recv(), quiet)
            except TimeoutError:
                return dropped
            dropped += 1

    async def _read_run(self, start: float) -> Run:
        run = Run(0.0, -1)
        while True:
            raw = await self._ws.recv()
            run.payload_bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "delta":
                self._read_delta(fwd.delta, run)
            elif kind == "script_finished":
                if fwd.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run replaces this one, as in the browser
                run.seconds = time.perf_counter() - start
                run.status = fwd.script_finished
                return run
            elif kind == "page_info_changed":  # the page set st.query_params: the browser's address changes
                self.query = fwd.page_info_changed.query_string
            elif kind == "auto_rerun":  # a fragment with run_every: the browser reruns it on this timer
                self.auto_rerun[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "page_not_found":
                raise RuntimeError(f"page not found: {self.page}")

    def _read_delta(self, delta, run: Run) -> None:
        if delta.fragment_id and delta.fragment_id not in self.fragment_ids:
            self.fragment_ids.append(delta.fragment_id)  # in the order the page first drew them
        if delta.WhichOneof("type") == "add_block" and delta.add_block.WhichOneof("type") == "expandable":
            block = delta.add_block.expandable  # an expander that runs its content only while open is a widget
            if block.id.startswith("$$ID-"):
                self.widgets[block.id.split("-", 2)[2]] = Widget(block.id, delta.fragment_id, "expandable")
            return
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "markdown":
            run.markdown.append(element.markdown.body)
        elif kind == "heading":
            run.markdown.append(element.heading.body)
        elif kind == "html":
            run.html.append(element.html.body)
        elif kind == "text":
            run.markdown.append(element.text.body)
        elif kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert":
            (run.errors if element.alert.format == element.alert.ERROR else run.notices).append(element.alert.body)
        widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
        if widget_id.startswith("$$ID-"):
            key = widget_id.split("-", 2)[2] if widget_id.count("-") >= 2 else widget_id
            self.widgets[key] = Widget(widget_id, delta.fragment_id, kind)


# ---------------------------------------------------------------- widget states, as the browser sends them


def click(widget_id: str) -> WidgetState:
    return WidgetState(id=widget_id, trigger_value=True)


def text(widget_id: str, value: str) -> WidgetState:
    return WidgetState(id=widget_id, string_value=value)


def flag(widget_id: str, value: bool) -> WidgetState:
    """A checkbox's or toggle's value, or whether an expander is open."""
    return WidgetState(id=widget_id, bool_value=value)


def number(widget_id: str, value: float) -> WidgetState:
    """A slider's value (Streamlit sends sliders as an array of doubles)."""
    state = WidgetState(id=widget_id)
    state.double_array_value.data.append(float(value))
    return state


def choice(widget_id: str, option: str) -> WidgetState:
    """A single-select segmented control (st.segmented_control / st.pills): the chosen option as its text."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.append(option)
    return state


def canvas(widget_id: str, png_data_url: str, strokes: int) -> WidgetState:
    """The drawing canvas (explorer/app/sketch_canvas, a components.v1 widget): its value is JSON holding the
    whole canvas as a PNG data URL and the number of strokes drawn."""
    return WidgetState(id=widget_id, json_value=json.dumps({"png": png_data_url, "strokes": strokes}))


def run_async(coroutine):
    """`asyncio.run`, also from a thread whose event loop is already running (Playwright's sync API keeps one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
