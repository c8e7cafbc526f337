"""Lessons: small TOML files in `explorer/lessons/`, each a sequence of scenes (a page, its address parameters and a short
presenter note). A file is checked whole when it loads; a bad one gives one clear error naming its line.

    title = "CNN vs RNN in 12 scenes"
    [[scene]]
    title = "A convolution at one position"
    page = "digit"                      # digit | text | compare | guide | sentiment | class
    note = "What the presenter says."
    params = { sample = 7, layer = "conv1", map = 3 }
"""

from __future__ import annotations

import importlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LESSONS = Path(__file__).resolve().parents[1] / "lessons"  # package data, like explorer/assets/
MAX_NOTE = 600  # characters: a note is what the presenter says, not an essay
MAX_SCENES = 60
MAX_BYTES = 64 * 1024  # a lesson of MAX_SCENES full scenes is ~45 kB; tomllib is not fed anything larger
MAX_NESTING = 8  # brackets and braces open at once: a scene needs 3; tomllib recurses on each (RecursionError)
PROJECT = Path(__file__).resolve().parents[2]  # messages name files relative to it, never the server's full path
PAGES = ("digit", "text", "compare", "guide", "sentiment", "class")  # the pages a scene may open
PACKAGES = {"class": "class_room"}  # a page whose package is not named as its address (`class` is a keyword)


def page(name: str):
    """The page module a scene opens (explorer/app/pages/<name>/page.py): it declares the address parameters it
    reads (PARAMS), checks them (address_problems) and opens its view from them (open_view)."""
    return importlib.import_module(f"explorer.app.pages.{PACKAGES.get(name, name)}.page")


class LessonError(ValueError):
    """A lesson file that cannot be played; the message names the file and the line."""


@dataclass(frozen=True)
class Scene:
    title: str
    page: str
    note: str
    params: dict[str, str] = field(default_factory=dict)  # as they would stand in the address


@dataclass(frozen=True)
class Lesson:
    slug: str  # the file name without .toml: ?lesson=<slug>
    title: str
    scenes: tuple[Scene, ...]


def _scene_lines(source: str) -> list[int]:
    """The line (from 1) of each [[scene]] header, in order."""
    return [i + 1 for i, line in enumerate(source.splitlines()) if re.match(r"\s*\[\[\s*scene\s*\]\]", line)]


def _key_line(source: str, start: int, key: str) -> int:
    """The first line at or after `start` that sets `key` (for messages), else `start`."""
    lines = source.splitlines()
    for i in range(start - 1, len(lines)):
        if re.search(rf"(^|[\s{{,]){re.escape(key)}\s*=", lines[i]):
            return i + 1
        if i >= start and re.match(r"\s*\[", lines[i]):
            break
    return start


def _problems(name: str, params: dict[str, str]) -> list[tuple[str, str]]:
    """(parameter, message) for each value the page would refuse in its address."""
    found = []
    for message in page(name).address_problems(params):
        named = re.search(r"parameter (\w+)", message)
        found.append((named.group(1) if named else "", getattr(message, "plain", message)))  # not markdown here
    return found


def shown_path(path: Path) -> str:
    """A path as a message shows it: relative to the project when inside it, else only its name."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT))
    except ValueError:
        return Path(path).name


def _deepest(source: str) -> tuple[int, int]:
    """(the most arrays and inline tables open at once, the line where that depth is first reached), outside
    strings and comments: bounded before tomllib, which recurses once per level."""
    depth = best = 0
    line = best_line = 1
    i, n, quote = 0, len(source), ""
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
        if quote:
            if quote[0] == '"' and c == "\\":
                line += source[i + 1 : i + 2] == "\n"
                i += 2
                continue
            if source.startswith(quote, i):
                i, quote = i + len(quote), ""
                continue
        elif c == "#":
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "\"'":
            quote = c * 3 if source.startswith(c * 3, i) else c
            i += len(quote)
            continue
        elif c in "[{":
            depth += 1
            if depth > best:
                best, best_line = depth, line
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return best, best_line


def parse(source: str, slug: str, where: str = "lesson") -> Lesson:
    """A lesson from TOML text; raises LessonError naming `where` and the line for anything wrong. The text is
    bounded (MAX_BYTES, MAX_NESTING) before it is parsed."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise LessonError(f"{where}: {size:,} bytes, a lesson file is at most {MAX_BYTES:,}")
    depth, line = _deepest(source)
    if depth > MAX_NESTING:
        raise LessonError(
            f"{where}, line {line}: arrays or tables nested {depth} deep, a lesson nests at most {MAX_NESTING}"
        )
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        raise LessonError(f"{where}: not valid TOML: {e}") from None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise LessonError(f"{where}, line {_key_line(source, 1, 'title')}: the lesson needs a title (text)")
    scenes = data.get("scene")
    lines = _scene_lines(source)
    if not isinstance(scenes, list) or not scenes:
        raise LessonError(f"{where}: a lesson needs at least one [[scene]]")
    if len(scenes) > MAX_SCENES:
        raise LessonError(f"{where}: {len(scenes)} scenes, at most {MAX_SCENES}")
    unknown_top = sorted(set(data) - {"title", "scene"})
    if unknown_top:
        raise LessonError(f"{where}, line {_key_line(source, 1, unknown_top[0])}: unknown key {unknown_top[0]!r}")
    out = []
    for number, (scene, line) in enumerate(zip(scenes, lines + [1] * len(scenes)), start=1):
        at = f"{where}, scene {number} (line {line})"
        unknown = sorted(set(scene) - {"title", "page", "note", "params"})
        if unknown:
            raise LessonError(f"{where}, line {_key_line(source, line, unknown[0])}: unknown key {unknown[0]!r}")
        for key in ("title", "note"):
            if not isinstance(scene.get(key), str) or not scene[key].strip():
                raise LessonError(f"{at}: the scene needs a {key} (text)")
        if len(scene["note"]) > MAX_NOTE:
            raise LessonError(f"{at}: the note has {len(scene['note'])} characters, at most {MAX_NOTE}")
        name = scene.get("page")
        if name not in PAGES:
            raise LessonError(
                f"{where}, line {_key_line(source, line, 'page')}: page {name!r} is not one of {', '.join(PAGES)}"
            )
        reads = page(name).PARAMS
        params = scene.get("params", {})
        if not isinstance(params, dict):
            raise LessonError(f"{where}, line {_key_line(source, line, 'params')}: params must be a table")
        as_text = {}
        for key, value in params.items():
            if key not in reads:
                raise LessonError(
                    f"{where}, line {_key_line(source, line, key)}: the {name} page has no parameter {key!r} "
                    f"(it reads {', '.join(reads)})"
                )
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise LessonError(f"{where}, line {_key_line(source, line, key)}: {key} must be text or a number")
            as_text[key] = str(value)
        for key, message in _problems(name, as_text):
            raise LessonError(f"{where}, line {_key_line(source, line, key) if key else line}: {message}")
        out.append(Scene(scene["title"].strip(), name, scene["note"].strip(), as_text))
    return Lesson(slug, title.strip(), tuple(out))


def load(path: Path) -> Lesson:
    """The lesson in `path`; raises LessonError naming the file relative to the project (size-checked first)."""
    where = shown_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LessonError(f"{where}: {size:,} bytes, a lesson file is at most {MAX_BYTES:,}")
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LessonError(f"{where}: cannot be read ({e.__class__.__name__})") from None
    return parse(source, path.stem, where)


def available(folder: Path | None = None) -> dict[str, Path]:
    """slug → file, for every lesson file in `folder` (the shipped ones by default), sorted by name."""
    folder = LESSONS if folder is None else folder
    return {p.stem: p for p in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}
