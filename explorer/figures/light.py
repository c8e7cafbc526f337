"""Light figures: a figure spec of a simple kind drawn as plain HTML and CSS, with no charting script.

The Digit page's first view (each network's probabilities and the preprocessing strip) is what every student sees
first and what every stroke redraws. Drawn by Plotly, a fresh browser first fetched Plotly's script (2.2 MB through
the proxy's gzip, 4.7 MB bare) before the first prediction could show, and each stroke re-laid out four charts. As
HTML, the first prediction needs no charting script, and a stroke's redraw is the browser's ordinary layout. The
figure is still built once as a spec (explorer/figures/digits.py): its text alternative (alt_text) and the Plotly
drawing other pages make of the same spec come from the same numbers.

Two kinds are drawn; anything else raises ValueError (draw it with Plotly):
- bars: one bar trace (category labels `x`, values `y` on an axis from 0 to the layout's `yaxis.range` top, one
  colour per bar, the trace's `text` above each bar); each bar keeps its exact value in `data-value`;
- images: a row of image traces (each a PNG `source`), titled by the subplot titles in the layout's annotations.

Every text is HTML-escaped; of a label's Plotly tags only `<br>` is kept (as a line break), the others dropped.
"""

from __future__ import annotations

import html
import re

import numpy as np

from explorer.figures.alt_text import plain

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

# Drawn once per run by explorer/app/responsive.apply with the app's other style. Sizes follow the Plotly charts
# they replace (title 15 px, labels 13–14 px); in presenter mode (`.xp-present`) every text is 20 px or more.
STYLE = """
.xp-fig { margin: 0 0 0.5rem; color: #31333f; font-size: 14px; line-height: 1.3; }
.xp-fig figcaption.xp-title { font-size: 15px; margin: 0 0 0.4rem; text-align: center; }
.xp-bars { display: flex; padding-top: 1.3em; container-type: inline-size; }
.xp-col { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; align-items: center; }
.xp-area { position: relative; width: 100%; height: 150px; border-bottom: 1px solid #8a8f98; }
.xp-b { position: absolute; bottom: 0; left: 10%; right: 10%; }
.xp-v { position: absolute; left: -60%; right: -60%; margin-bottom: 2px; text-align: center; font-size: 13px;
  white-space: nowrap; }
.xp-x { font-size: 14px; line-height: 1.7; }
@container (max-width: 260px) { .xp-v { font-size: 11px; } }  /* a tablet's narrow column: neighbours' labels apart */
.xp-axis { text-align: center; font-size: 14px; }
.xp-images { display: flex; gap: 0.75rem; flex-wrap: wrap; align-items: flex-start; }
.xp-images figure { margin: 0; flex: 1 1 0; min-width: 64px; max-width: 150px; text-align: center; }
/* every stage a square tile of the same size: a tall or wide crop is shown whole, on black like the canvas */
.xp-images img { display: block; width: 100%; aspect-ratio: 1 / 1; object-fit: contain; image-rendering: pixelated;
  background: #000; }
.xp-images figcaption { font-size: 13px; margin-top: 0.25rem; }
.xp-present, .xp-present figcaption.xp-title, .xp-present .xp-v, .xp-present .xp-x, .xp-present .xp-axis,
.xp-present.xp-images figcaption { font-size: 20px; }
.xp-present .xp-area { height: 190px; }
"""


def _text(label) -> str:
    """A Plotly label as HTML: its line breaks kept, its other tags (<b>, <sup>) dropped, the rest escaped."""
    return "<br>".join(html.escape(plain(part)) for part in _BREAK.split(str(label)))


def _title(spec: dict) -> str:
    title = (spec.get("layout") or {}).get("title") or {}
    return title.get("text", "") if isinstance(title, dict) else str(title)


def _bars(spec: dict, alt: str, classes: str) -> str:
    (trace,) = spec["data"]
    layout = spec.get("layout") or {}
    values = np.asarray(trace["y"], np.float64).reshape(-1)
    n = values.size
    labels = list(trace.get("x") or range(n))
    colours = (trace.get("marker") or {}).get("color", "#1f77b4")
    colours = list(colours) if isinstance(colours, list | tuple) else [colours] * n
    texts = list(trace.get("text") or [""] * n)
    top = float(((layout.get("yaxis") or {}).get("range") or [0, np.nanmax(values, initial=1.0)])[1])
    columns = []
    for label, value, colour, text in zip(labels, values, colours, texts, strict=True):
        share = float(np.clip(value / top, 0.0, 1.0)) * 100 if np.isfinite(value) and top > 0 else 0.0
        columns.append(
            f'<div class="xp-col"><div class="xp-area">'
            f'<span class="xp-b" style="height:{share:.2f}%;background:{html.escape(str(colour))}" '
            f'data-value="{value:.9g}"></span>'
            f'<span class="xp-v" style="bottom:{share:.2f}%">{_text(text)}</span>'
            f'</div><span class="xp-x">{_text(label)}</span></div>'
        )
    axis = ((layout.get("xaxis") or {}).get("title") or {}).get("text", "")
    return (
        f'<figure class="{classes} xp-bar-chart" role="img" aria-label="{html.escape(alt)}">'
        f'<figcaption class="xp-title">{_text(_title(spec))}</figcaption>'
        f'<div class="xp-bars">{"".join(columns)}</div>'
        + (f'<div class="xp-axis">{_text(axis)}</div>' if axis else "")
        + "</figure>"
    )


def _images(spec: dict, alt: str, classes: str) -> str:
    titles = [a.get("text", "") for a in (spec.get("layout") or {}).get("annotations") or []]
    stages = []
    for i, trace in enumerate(spec["data"]):
        title = titles[i] if i < len(titles) else ""
        name = " ".join(str(title).replace("<br>", " ").split())
        stages.append(
            f'<figure><img src="{html.escape(trace["source"])}" alt="{html.escape(name)}">'
            f"<figcaption>{_text(title)}</figcaption></figure>"
        )
    return f'<div class="{classes} xp-images" role="group" aria-label="{html.escape(alt)}">{"".join(stages)}</div>'


def to_html(spec: dict, alt: str, *, present: bool = False) -> str:
    """The figure `spec` (a bar chart of one trace, or a row of images) as HTML; `alt` is its accessible name."""
    data = spec.get("data") or []
    classes = "xp-fig xp-present" if present else "xp-fig"
    if len(data) == 1 and data[0].get("type") == "bar" and not spec.get("frames"):
        return _bars(spec, alt, classes)
    if data and all(t.get("type") == "image" and "source" in t for t in data):
        return _images(spec, alt, classes)
    raise ValueError("a light figure is one bar trace or a row of image traces; draw this one with Plotly")
