"""Shared Streamlit pieces: the background warm-up and memory keeper, and small widgets. The cached loaders
themselves are declared in app/resources.py."""

from __future__ import annotations

import ctypes
import gc
import logging
import math
import os
import sys
import threading
import time

import numpy as np
import streamlit as st

from explorer.app import resources
from explorer.data import canvas
from explorer.models import compiled
from explorer.models.rnn import CELL_TITLES, CELLS


def reader(name: str) -> compiled.Reader | None:
    """The compiled model, or None after showing the user why it is missing and how to fix it."""
    found, message = resources.model(name)
    if found is None:
        st.error(message, icon=":material/error:")
    return found


_WARM_UP = "explorer-warm-up"
WARM_UP_DONE = "CNN vs RNN Explorer: every model loaded and compiled, the measured tables ready"
WARM_UP_ENV = "EXPLORER_WARM_UP"  # "0" skips the background warm-up (the tests compile on first use instead)


def warm_registry() -> None:
    """The warm-up's work: every resource the registry marks warm, then the line that says it is done."""
    if os.environ.get(WARM_UP_ENV) == "0":
        return
    start = time.perf_counter()
    resources.fill_warm(resources.weights_folder())
    # one line for whoever runs the server (and for the bench, which waits for it before timing)
    print(f"{WARM_UP_DONE} in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per process: load and compile every model in the background, so the first
    student to open any page finds them ready. Missing weights are reported by the page
    that needs them, not here."""

    compiled.enable_compilation_cache()  # a restarted server loads compiled programs instead of compiling

    # The cached loader's spinner has no page to show on in this thread; Streamlit says so once per
    # model. Drop just those records, from just this thread.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: record.threadName != _WARM_UP
    )
    # not a daemon: interpreter shutdown waits for it instead of killing XLA mid-compile (abort)
    thread = threading.Thread(target=warm_registry, name=_WARM_UP, daemon=False)
    thread.start()
    return thread


GC_EVERY_S = 60.0  # a full collection a minute, in the background, instead of one after every script run


def _collect_periodically(every: float) -> None:
    """With `runner.postScriptGC` off (a full gc after every run cost 42 % of the CPU under load), cycles left by
    finished sessions would wait for the next allocation burst, and an idle server would keep them. One full
    collection a minute frees them; `malloc_trim` then hands the freed heap back to the system (glibc only)."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        trim = None
    while True:
        time.sleep(every)
        gc.collect()
        if trim is not None:
            trim(0)


@st.cache_resource(show_spinner=False)
def memory_keeper() -> threading.Thread:
    """Once per process: the background collector above."""
    thread = threading.Thread(target=_collect_periodically, args=(GC_EVERY_S,), name="explorer-gc", daemon=True)
    thread.start()
    return thread


def tolerate_non_finite_whole_numbers() -> None:
    """Once per process: a whole-number `st.number_input` given NaN or ±inf over the websocket (no browser sends
    it, a tampered client can) takes its default instead of failing the session.

    Streamlit (1.5x–1.6x) resets a non-finite value to the default only for float inputs: for whole numbers it
    calls int(NaN) first, and that ValueError / OverflowError is raised while Streamlit compares widget values
    before the script runs, where no page code can catch it. The value goes to Streamlit's own reset path."""
    from streamlit.elements.widgets import number_input

    serde = number_input.NumberInputSerde
    original = serde.deserialize
    if getattr(original, "tolerates_non_finite", False):
        return

    def deserialize(self, ui_value):
        if isinstance(ui_value, float) and not math.isfinite(ui_value):
            ui_value = None  # Streamlit's own meaning: not set, so the widget's default
        return original(self, ui_value)

    deserialize.tolerates_non_finite = True
    serde.deserialize = deserialize


def tolerate_unreadable_json() -> None:
    """Once per process: a widget value sent as JSON text that is not JSON (no browser sends it, a tampered client
    can; the canvas, the segmented controls and the select boxes take theirs so) is read as not set, so the widget
    takes its default, as for a non-finite number above.

    Streamlit parses that text (`unpack_widget_state_value`) while it compares widget values before the script
    runs, where no page code can catch the error: every later run of that session failed with a JSONDecodeError
    (or a RecursionError for deeply nested brackets) until the tab was closed."""
    from streamlit.runtime.state import session_state

    original = session_state.unpack_widget_state_value
    if getattr(original, "tolerates_unreadable_json", False):
        return

    def unpack(widget_state):
        try:
            return original(widget_state)
        except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
            return None  # Streamlit's own meaning: not set, so the widget's default

    unpack.tolerates_unreadable_json = True
    session_state.unpack_widget_state_value = unpack


def write_typed_text(name: str, value: str, example: str) -> None:
    """The text the models read into the address under `name`, left out when it is the page's own example."""
    if value == example:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def rnn_cell_control(key: str, help_text: str, default: str = "lstm", where=st) -> str:
    """The recurrent-cell selector (LSTM / GRU / simple RNN), bound to the address under `key`; returns the cell."""
    return where.segmented_control(
        "RNN cell",
        CELLS,
        default=default,
        format_func=CELL_TITLES.get,
        key=key,
        required=True,
        bind="query-params",
        help=f"{help_text} All three are trained and shipped.",
    )


def session_rng() -> np.random.Generator:
    """This session's own random generator (random digits differ between students)."""
    if "rng" not in st.session_state:
        st.session_state.rng = np.random.default_rng()
    return st.session_state.rng


def lasting(widget_key: str, lasting_key: str, default):
    """Make a widget's value outlive a visit to another page; returns the widget's on_change callback.

    Streamlit deletes a widget's own state when the user opens a page without that widget, so
    the value lives on under `lasting_key` (which other pages may read), and the widget is
    seeded from it before it is drawn.
    """
    st.session_state.setdefault(lasting_key, default)
    st.session_state[widget_key] = st.session_state[lasting_key]

    def copy_back() -> None:
        st.session_state[lasting_key] = st.session_state[widget_key]

    return copy_back


# No mode bar: its buttons were a tab stop per chart ("Download plot as a PNG", 8 on the Digit page before its
# step controls) that a keyboard user had to pass; pages that are worth keeping offer "Download as HTML".
PLOT_CONFIG = {"displayModeBar": False, "displaylogo": False}


def plot(fig, key: str, *, summary: str | None = None, stepped: bool = False, light: bool = False, **kwargs) -> None:
    """Every figure of the app goes through here: a Plotly figure at full width (larger text in presenter mode),
    after its text alternative (for screen readers: the title and each trace's numbers, read from the same spec
    the chart is drawn from, after the page's own `summary` of what it means when given).

    `light=True` draws a simple figure (one bar trace, or a row of images) as plain HTML instead, in a container
    keyed `key`, with the same text alternative as its accessible name (explorer/figures/light.py): the Digit
    page's first view, so that a first prediction needs no charting script and a stroke redraws fast.

    An animated figure's own play button and slider take only a mouse: unless the page steps it with its own
    controls (`stepped=True`), a slider under it (arrow keys) chooses the step shown."""
    from explorer.app import accessible, present
    from explorer.figures import alt_text, animation

    spec = fig.spec if hasattr(fig, "spec") else fig.to_dict()
    if light:
        from explorer.figures import light as light_figures

        with st.container(key=key):
            st.html(light_figures.to_html(spec, alt_text.describe(spec, summary), present=present.presenting()))
        return
    n_frames = len(spec.get("frames") or [])
    if n_frames > 1 and not stepped:
        step = st.slider("Step of the animation below", 1, n_frames, 1, key=f"{key}-step")
        fig = animation.start_at(fig, step - 1)
        spec = fig.spec
    accessible.hidden_text(alt_text.describe(spec, summary))
    st.plotly_chart(present.projected(fig), key=key, width="stretch", theme=None, config=PLOT_CONFIG, **kwargs)


def download_html(fig, file_stem: str, title: str, key: str) -> None:
    """ "Download as HTML": the figure as a standalone page that plays offline (plotly.js inside, ~5 MB), built
    only when the button is pressed, so no rerun pays for it."""
    from explorer.figures import export

    st.download_button(
        "Download as HTML (plays offline, for slides)",
        data=lambda: export.standalone_html(fig, title),
        file_name=f"{file_stem}.html",
        mime="text/html",
        icon=":material/download:",
        key=key,
    )


def sketch_canvas(key: str, size: int, stroke_width: int, on_change=None, label: str = "Drawing canvas"):
    """A square drawing canvas, white ink on black; returns its RGBA pixels (size, size, 4) uint8, or None.

    The canvas is this app's own component (`explorer.app.sketch_canvas`): it sends a stroke as it ends, and can be
    drawn on by keyboard. What arrives is whatever the browser sent, kept in the session under `key`; it is read and
    bounded here (`data.canvas`: the value's shape, the data URL's length, the PNG header's size, then the decode).
    A value that is not a size × size drawing (a tampered or broken client) gets a warning, counts as an empty
    canvas, and is dropped from the session, so later reruns do not read it again.

    A drawing outlives a visit to another page: Streamlit drops a widget's state with its page, so the last good
    value is kept under `<key>-kept`, given back to the widget when it returns, and sent to the new canvas once, as
    the picture it starts from.
    """
    from explorer.app.sketch_canvas import sketch_canvas as canvas_component

    kept = f"{key}-kept"
    restored = None
    if key not in st.session_state and st.session_state.get(kept) is not None:
        st.session_state[key] = st.session_state[kept]  # back from another page: the drawing as it was left
        restored = st.session_state[kept]
    try:
        image = canvas.canvas_pixels(st.session_state.get(key), size)
    except canvas.CanvasError as e:
        del st.session_state[key]  # the component then starts from its empty default
        st.warning(
            f"The drawing that reached the server could not be read ({e}), so it was ignored. "
            "Clear the canvas and draw again.",
            icon=":material/broken_image:",
        )
        image, restored = None, None
    st.session_state[kept] = st.session_state.get(key) if image is not None else None
    canvas_component(key, size, stroke_width, label, on_change=on_change, initial=restored)
    return image
