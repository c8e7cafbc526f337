"""The app's pages, one package each, named by its address (/digit, /text, …; /class is `class_room`, since
`class` is a Python keyword). Streamlit runs `<name>/page.py`, found from this package's own location, so an
installed app finds its pages from any working directory."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def file(name: str) -> Path:
    """The file Streamlit runs for the page at /<name>: explorer/app/pages/<name>/page.py."""
    return HERE / name / "page.py"
