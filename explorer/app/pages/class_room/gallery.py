"""The projector's sketch tiles: each 28×28 input as a small PNG, marked with the digit meant and both networks'
answers, linking to the Digit page at its `sketch=` address. Only this app's own numbers and encodings go into
the HTML (no student text), and each tile is built once per submission (the page keeps them per session)."""

from __future__ import annotations

import html

import numpy as np

from explorer.app import query
from explorer.classroom import Sketch, Submission
from explorer.figures import palette
from explorer.figures.digits import png_data_url  # (28, 28) uint8 → a few hundred bytes

TILE_PX = 84  # 28 × 3: every input pixel a 3 × 3 block, readable from the back of a hall in a 6-wide grid
RIGHT, DISAGREE, BOTH_WRONG = "#2ca02c", palette.HIGHLIGHT, palette.RNN


def verdict(sketch: Sketch) -> tuple[str, str]:
    """(what stands out, its colour): both right, the networks disagree, or both wrong (answering the same)."""
    cnn, rnn = int(sketch.cnn.argmax()), int(sketch.rnn.argmax())
    if cnn == sketch.meant and rnn == sketch.meant:
        return "both right", RIGHT
    if cnn == rnn:
        return "both wrong", BOTH_WRONG
    return ("they disagree, both wrong" if sketch.meant not in (cnn, rnn) else "they disagree"), DISAGREE


def tile(submission: Submission, number: int, note: str = "") -> str:
    """One sketch as a linked tile; `number` is its place in the room (1 = first sent), `note` an extra line."""
    s = submission.content
    cnn, rnn = int(s.cnn.argmax()), int(s.rnn.argmax())
    said, colour = verdict(s)
    width = 3 if colour != RIGHT else 1
    href = "digit?sketch=" + query.encode_sketch(s.pixels.astype(np.float32) / 255.0)
    title = f"#{number}: meant {s.meant}, CNN {cnn}, RNN {rnn} ({said}). Opens it on the Digit page."
    extra = f'<div style="font-size:0.8rem">{html.escape(note)}</div>' if note else ""
    return (
        f'<a href="{html.escape(href)}" target="_blank" title="{html.escape(title)}" '
        f'style="display:inline-block;margin:3px;padding:4px;text-align:center;text-decoration:none;color:inherit;'
        f"border:{width}px solid {colour};border-radius:6px;min-width:{TILE_PX + 28}px;vertical-align:top;"
        'white-space:nowrap">'
        f'<img src="{png_data_url(s.pixels)}" alt="sketch {number}, meant {s.meant}" width="{TILE_PX}" '
        f'height="{TILE_PX}" style="image-rendering:pixelated;display:block;margin:0 auto">'
        f'<div style="font-size:0.9rem;line-height:1.25"><b>{s.meant}</b> meant<br>'
        f'<span style="color:{palette.CNN}">CNN {cnn}</span> · <span style="color:{palette.RNN}">RNN {rnn}</span>'
        f"</div>{extra}</a>"
    )


def wall(tiles: list[str]) -> str:
    return "<div>" + "".join(tiles) + "</div>"


LEGEND = (
    f'<span style="color:{RIGHT}">■</span> both right · <span style="color:{DISAGREE}">■</span> the networks '
    f'disagree · <span style="color:{BOTH_WRONG}">■</span> both wrong, with the same answer'
)
