"""AppTest helpers: run the real app script in-process and read what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


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
        self._page_hash = calc_hash(Path(page_path).parent.name)
        return self


def new_app() -> AppTest:
    return _App(APP, default_timeout=180)


def texts(container) -> str:
    """All markdown text inside a keyed container (or the whole app)."""
    return "\n".join(m.value for m in container.markdown)


def errors(at) -> list[str]:
    return [e.value for e in at.error]
