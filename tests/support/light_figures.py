"""Reading back a light figure (explorer/figures/light.py: a bar chart or an image row drawn as HTML) from the
HTML the app sent, with the standard library's parser: independent of the code that wrote it."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np


@dataclass
class Light:
    label: str = ""  # the accessible name (aria-label): the figure's text alternative
    title: str = ""
    values: list[float] = field(default_factory=list)  # each bar's exact value (data-value)
    heights: list[float] = field(default_factory=list)  # each bar's drawn height, % of the plot's height
    colours: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # the text above each bar
    ticks: list[str] = field(default_factory=list)  # the label under each bar
    images: list[np.ndarray] = field(default_factory=list)  # each image's pixels, decoded here (PIL)
    alts: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.out = Light()
        self._into: list | None = None  # the list the next text goes to
        self._title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "xp-fig" in classes:
            self.out.label = a.get("aria-label", "")
        if tag == "figcaption" and "xp-title" in classes:
            self._title = True
        elif tag == "figcaption":
            self.out.captions.append("")
            self._into = self.out.captions
        elif "xp-b" in classes:
            style = dict(part.split(":", 1) for part in a["style"].split(";") if ":" in part)
            self.out.values.append(float(a["data-value"]))
            self.out.heights.append(float(style["height"].rstrip("%")))
            self.out.colours.append(style["background"])
        elif "xp-v" in classes or "xp-x" in classes:
            target = self.out.texts if "xp-v" in classes else self.out.ticks
            target.append("")
            self._into = target
        elif tag == "img":
            from PIL import Image

            head, _, payload = a["src"].partition(",")
            assert head == "data:image/png;base64", head
            self.out.images.append(np.asarray(Image.open(io.BytesIO(base64.b64decode(payload)))))
            self.out.alts.append(a.get("alt", ""))

    def handle_endtag(self, tag):
        if tag in ("figcaption", "span"):
            self._into, self._title = None, False

    def handle_data(self, data):
        if self._title:
            self.out.title += data
        elif self._into is not None:
            self._into[-1] += data


def parse(body: str) -> Light:
    parser = _Parser()
    parser.feed(body)
    return parser.out


def light_figure(at, key: str) -> Light:
    """The light figure the AppTest run `at` drew in the container keyed `key`."""
    block = at.get_by_key(key)
    bodies = [el.proto.body for el in block.get("html")]
    assert len(bodies) == 1, f"{len(bodies)} HTML elements in {key}"
    assert re.search(r'class="xp-fig', bodies[0]), bodies[0][:200]
    return parse(bodies[0])
