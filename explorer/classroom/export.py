"""A room's submissions as files the lecturer downloads: the sketches as .npz, everything as CSV."""

import csv
import io

import numpy as np

from .records import CLASSES, SIDE, Review, Sketch, Submission

# A spreadsheet runs a cell that starts with one of these as a formula; such text is written with a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    ["id", "time", "kind", "meant", "cnn_answer", "rnn_answer"]
    + [f"cnn_p{d}" for d in range(CLASSES)]
    + [f"rnn_p{d}" for d in range(CLASSES)]
    + ["liked", "rnn_positive", "cnn_positive", "vader_compound", "text"]
)


def sketches_npz(submissions: tuple[Submission, ...]) -> bytes:
    """.npz bytes with, for the N sketches in order: pixels (N, 28, 28) uint8, meant (N,) int64, cnn and rnn
    (N, 10) float64 probabilities, ids (N,) str, times (N,) float64. Loads with allow_pickle=False."""
    sketches = [s for s in submissions if isinstance(s.content, Sketch)]
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        pixels=np.array([s.content.pixels for s in sketches], dtype=np.uint8).reshape(-1, SIDE, SIDE),
        meant=np.array([s.content.meant for s in sketches], dtype=np.int64),
        cnn=np.array([s.content.cnn for s in sketches], dtype=np.float64).reshape(-1, CLASSES),
        rnn=np.array([s.content.rnn for s in sketches], dtype=np.float64).reshape(-1, CLASSES),
        ids=np.array([s.id for s in sketches], dtype=str),
        times=np.array([s.time for s in sketches], dtype=np.float64),
    )
    return buffer.getvalue()


def _cell_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def submissions_csv(submissions: tuple[Submission, ...]) -> bytes:
    """UTF-8 CSV bytes, a header (CSV_COLUMNS) then one row per submission; floats in their shortest exact form,
    the cells a kind does not have left empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in submissions:
        c = s.content
        row = [s.id, repr(s.time)]
        if isinstance(c, Sketch):
            row += ["sketch", c.meant, int(np.argmax(c.cnn)), int(np.argmax(c.rnn))]
            row += [repr(float(p)) for p in c.cnn] + [repr(float(p)) for p in c.rnn]
            row += [""] * 5
        elif isinstance(c, Review):
            row += ["review", "", "", ""] + [""] * (2 * CLASSES)
            row += [int(c.liked), repr(c.rnn_positive), repr(c.cnn_positive), repr(c.vader_compound)]
            row += [_cell_text(c.text)]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
