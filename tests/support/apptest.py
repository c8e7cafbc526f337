"""AppTest helpers: run the real app script in-process and read what it shows."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
URL_PATHS = {"class_room": "class"}  # a page package not named as its address (`class` is a Python keyword)


class _App(AppTest):
    """AppTest that can open a page before its first run, as a browser opening /<url_path> does.

    Before the first run AppTest knows a page only by its file name, and every page file is called page.py (its
    package is named after its url_path): the first run would open the default page instead. `st.Page` keys a
    page by the hash of its url_path, so that is the page asked for."""

    def switch_page(self, page_path: str) -> AppTest:
        if self._registered_pages:  # after a run: AppTest matches the registered file itself
            return super().switch_page(page_path)
        if not (Path(APP).parent / page_path).is_file():
            raise ValueError(f"no page file {page_path!r}")
        package = Path(page_path).parent.name
        self._page_hash = calc_hash(URL_PATHS.get(package, package))
        return self


@functools.cache
def _installed_components():
    """Streamlit's registry of installed (v2) components, built once per test process.

    AppTest builds its own for each AppTest object, on its first run, by reading the metadata of every installed
    distribution: about 0.5 s of CPU per test, most of it parsing METADATA files (cProfile of
    tests/app/test_hostile_address.py: 52 of its 77 s; 23 s for the file with one registry). The installed packages
    do not change during a run, so every AppTest shares this one; a server builds its own once, at start."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    registry = BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)
    return registry


def new_app() -> AppTest:
    at = _App(APP, default_timeout=180)
    at._bidi_component_manager = _installed_components()  # AppTest scans only while this is None
    return at


def registered_pages() -> list[dict]:
    """The pages the app's `st.navigation` registers, in its order, as a run of streamlit_app.py sees them:
    dicts with "url_pathname" (the page's address, "" for the default entry), "page_name" (its title) and
    "script_path" ("" for a page that is a function). The app itself is the source of truth, not its text."""
    at = new_app().run()
    assert_clean(at)
    pages = [dict(info) for info in at._registered_pages.values()]  # what AppTest's own switch_page resolves with
    assert pages, "the app registers no pages"
    return pages


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch `at` (already run once) to the page registered at address `url_path`; run it with `at.run()`."""
    found = [info for info in at._registered_pages.values() if info.get("url_pathname") == url_path]
    assert len(found) == 1, f"no page at /{url_path}: {[i.get('url_pathname') for i in at._registered_pages.values()]}"
    script = found[0].get("script_path")
    if script:
        return at.switch_page(str(Path(script).resolve().relative_to(Path(APP).parent)))
    at._page_hash = found[0]["page_script_hash"]  # a page that is a function has no file to switch to
    return at


def texts(container) -> str:
    """All markdown text inside a keyed container (or the whole app)."""
    return "\n".join(m.value for m in container.markdown)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def assert_clean(at) -> None:
    """The run raised no uncaught exception (AppTest's `at.exception`) and showed no `st.error` box.

    Both are checked: an uncaught exception never lands in `at.error`, and an error box never in `at.exception`.
    """
    raised = [f"{e.proto.type}: {e.proto.message}" for e in at.exception]
    shown = errors(at)
    assert not raised and not shown, f"exceptions: {raised}; error boxes: {shown}"


def assert_no_exception(at) -> None:
    """For a run whose expected outcome is an error box (the test then checks that box's words): no uncaught
    exception."""
    raised = [f"{e.proto.type}: {e.proto.message}" for e in at.exception]
    assert not raised, f"exceptions: {raised}"


def chart_spec(at, key: str) -> dict:
    """The Plotly spec (JSON as sent to the browser) of the one chart whose element key ends in `key`."""
    found = [el for el in at.get("plotly_chart") if el.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"{len(found)} charts with key {key}: {[el.proto.id for el in at.get('plotly_chart')]}"
    return json.loads(found[0].proto.spec)


class DownloadPresses:
    """Presses `st.download_button`s whose data is a callable, as the browser's click does.

    Streamlit keeps such a callable in the run's media file manager under the button's `deferred_file_id` and runs
    it (`execute_deferred`) only when the button is clicked; AppTest's manager is gone after each run, so every
    registration is recorded with its manager, by file id.
    """

    def __init__(self, monkeypatch) -> None:
        from streamlit.runtime.media_file_manager import MediaFileManager

        self._managers: dict[str, MediaFileManager] = {}
        original = MediaFileManager.add_deferred
        managers = self._managers

        def recording(manager, *args, **kwargs):
            file_id = original(manager, *args, **kwargs)
            managers[file_id] = manager
            return file_id

        monkeypatch.setattr(MediaFileManager, "add_deferred", recording)

    def press(self, at, key: str):
        """Run the button's data callable the way a click does; the stored file (.content bytes, .mimetype,
        .filename)."""
        button = at.download_button(key=key)
        file_id = button.proto.deferred_file_id
        assert file_id, f"the download button {key} holds no deferred data"
        manager = self._managers[file_id]
        url = manager.execute_deferred(file_id)  # raises if the callable fails, as the click's request would
        stored = manager.read_file(url.rsplit("/", 1)[1])
        assert stored is not None, url
        return stored


def standalone_figure(html: str) -> dict:
    """The figure a standalone Plotly HTML page draws: {"data", "layout", "frames"} parsed from its script.

    Checks that it is a whole page that needs no network: plotly.js inline, no script loaded from elsewhere.
    """
    assert html.lstrip().lower().startswith(("<!doctype html>", "<html")), html[:80]
    assert "<title>" in html and "</html>" in html
    assert "<script src=" not in html.replace('<script src="data:', ""), "the page loads a script from elsewhere"
    assert "plotly.js v" in html, "plotly.js is not inside the page"
    decoder = json.JSONDecoder()
    call = html.index("Plotly.newPlot(")
    rest = html[call:]
    start = rest.index("[")
    data, end = decoder.raw_decode(rest, start)
    layout, _ = decoder.raw_decode(rest, rest.index("{", end))
    frames: list = []
    if "Plotly.addFrames(" in rest:
        after = rest[rest.index("Plotly.addFrames(") :]
        frames, _ = decoder.raw_decode(after, after.index("["))
    return {"data": data, "layout": layout, "frames": frames}


def assert_download_draws(at, downloads, button_key: str, chart_key: str, shown_frame: int = 0) -> dict:
    """Press the "Download as HTML" button `button_key`: a standalone HTML file whose traces and frames are those
    of the chart `chart_key` shown on the page (its layout may differ: presenter mode scales the page's fonts).
    The page may show the animation at `shown_frame` (that frame's traces in place); the file starts at frame 0.
    Returns the downloaded figure."""
    from tests.support.plotly_arrays import plain

    stored = downloads.press(at, button_key)
    assert stored.mimetype == "text/html" and stored.filename.endswith(".html"), (stored.mimetype, stored.filename)
    figure = standalone_figure(stored.content.decode("utf-8"))
    shown = chart_spec(at, chart_key)
    data = [dict(trace) for trace in figure["data"]]
    if shown_frame:
        chosen = figure["frames"][shown_frame]
        for index, change in zip(chosen.get("traces", range(len(chosen["data"]))), chosen["data"]):
            data[index].update(change)
    assert plain(data) == plain(shown["data"])
    assert plain(figure["frames"]) == plain(shown.get("frames", []))
    return figure


# The one HTML a page writes through st.markdown: the live region (explorer/app/accessible.py), whose text is only
# letters, digits, spaces and numeric character references, so nothing in it can be read as markup.
_LIVE_REGION = re.compile(
    r'<div class="explorer-sr-only" role="status" aria-live="polite" aria-atomic="true">(?:[A-Za-z0-9 ]|&#[0-9]+;)*</div>'
)


def is_live_region(markdown) -> bool:
    """This markdown element is the app's screen-reader live region, its text given literally."""
    return bool(_LIVE_REGION.fullmatch(markdown.value))
