"""What the projector shows about a room, computed from its submissions: a pure function of a tuple of
Submission (the store's visible ones, in arrival order), on NumPy arrays, so 500 submissions take well under a
millisecond. `RoomView` keeps one reader's copy of a room up to date from the store's Changes and recomputes the
summaries only when something changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from explorer.compute import vader

from .records import CLASSES, SIDE, Changes, Review, Sketch, Submission


@dataclass(frozen=True)
class Sketches:
    """The room's sketches as arrays, in arrival order (N of them)."""

    ids: tuple[str, ...]
    pixels: np.ndarray  # (N, 28, 28) uint8
    meant: np.ndarray  # (N,) int64
    cnn: np.ndarray  # (N, 10) float64
    rnn: np.ndarray  # (N, 10) float64

    @property
    def cnn_answer(self) -> np.ndarray:
        return self.cnn.argmax(axis=1)

    @property
    def rnn_answer(self) -> np.ndarray:
        return self.rnn.argmax(axis=1)


def sketches(submissions: tuple[Submission, ...]) -> Sketches:
    kept = [s for s in submissions if isinstance(s.content, Sketch)]
    return Sketches(
        tuple(s.id for s in kept),
        np.array([s.content.pixels for s in kept], np.uint8).reshape(-1, SIDE, SIDE),
        np.array([s.content.meant for s in kept], np.int64),
        np.array([s.content.cnn for s in kept], np.float64).reshape(-1, CLASSES),
        np.array([s.content.rnn for s in kept], np.float64).reshape(-1, CLASSES),
    )


def confusion(meant: np.ndarray, answer: np.ndarray) -> np.ndarray:
    """(10, 10) int64 counts: row = the digit meant, column = the network's answer."""
    counts = np.zeros((CLASSES, CLASSES), np.int64)
    np.add.at(counts, (np.asarray(meant, np.int64), np.asarray(answer, np.int64)), 1)
    return counts


@dataclass(frozen=True)
class Hard:
    """A sketch the networks found hard: their probabilities on the digit the student meant."""

    index: int  # into Sketches
    cnn_p: float
    rnn_p: float

    @property
    def mean_p(self) -> float:
        return (self.cnn_p + self.rnn_p) / 2


@dataclass(frozen=True)
class SketchSummary:
    count: int
    cnn_right: int  # sketches whose CNN answer is the digit meant
    rnn_right: int
    both_wrong: int
    disagree: int  # the two networks' answers differ
    cnn_confusion: np.ndarray  # (10, 10) int64, row meant, column answer
    rnn_confusion: np.ndarray
    hardest: tuple[Hard, ...]  # lowest mean probability on the meant digit first


def sketch_summary(table: Sketches, hardest: int = 8) -> SketchSummary:
    """Scoreboard, confusion matrices and the `hardest` sketches (ranked by the mean of the two networks'
    probabilities on the digit meant; ties keep arrival order)."""
    n = len(table.ids)
    cnn_answer, rnn_answer = table.cnn_answer, table.rnn_answer
    cnn_ok, rnn_ok = cnn_answer == table.meant, rnn_answer == table.meant
    rows = np.arange(n)
    cnn_p, rnn_p = table.cnn[rows, table.meant], table.rnn[rows, table.meant]
    order = np.argsort((cnn_p + rnn_p) / 2, kind="stable")[:hardest]
    return SketchSummary(
        count=n,
        cnn_right=int(cnn_ok.sum()),
        rnn_right=int(rnn_ok.sum()),
        both_wrong=int((~cnn_ok & ~rnn_ok).sum()),
        disagree=int((cnn_answer != rnn_answer).sum()),
        cnn_confusion=confusion(table.meant, cnn_answer),
        rnn_confusion=confusion(table.meant, rnn_answer),
        hardest=tuple(Hard(int(i), float(cnn_p[i]), float(rnn_p[i])) for i in order),
    )


@dataclass(frozen=True)
class ReviewRow:
    id: str
    text: str
    liked: bool
    rnn: bool  # the reader says positive
    cnn: bool
    vader: bool

    @property
    def split(self) -> bool:
        """The three readers do not all give the same answer."""
        return len({self.rnn, self.cnn, self.vader}) > 1


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    rnn_right: int  # readers' answers that match the student's own thumbs
    cnn_right: int
    vader_right: int
    rows: tuple[ReviewRow, ...]  # every review, arrival order

    @property
    def splits(self) -> tuple[ReviewRow, ...]:
        return tuple(r for r in self.rows if r.split)


def review_summary(submissions: tuple[Submission, ...]) -> ReviewSummary:
    """Each review read by the GRU and the text CNN (positive when P(positive) > 0.5, the Sentiment page's
    log-odds > 0) and by VADER (positive when compound ≥ 0.05), scored against the student's own thumbs."""
    rows = tuple(
        ReviewRow(
            s.id,
            s.content.text,
            s.content.liked,
            s.content.rnn_positive > 0.5,
            s.content.cnn_positive > 0.5,
            s.content.vader_compound >= vader.THRESHOLD,
        )
        for s in submissions
        if isinstance(s.content, Review)
    )
    return ReviewSummary(
        len(rows),
        sum(r.rnn == r.liked for r in rows),
        sum(r.cnn == r.liked for r in rows),
        sum(r.vader == r.liked for r in rows),
        rows,
    )


@dataclass
class RoomView:
    """One reader's copy of a room, kept up to date from `submissions_since(cursor)`: apply each Changes, read
    the summaries (recomputed only after a change). Per session (the page keeps it in session state)."""

    code: str
    cursor: int = 0
    shown: dict[str, Submission] = field(default_factory=dict)  # id → submission, in arrival order
    _sketches: Sketches | None = None
    _sketch_summary: SketchSummary | None = None
    _review_summary: ReviewSummary | None = None

    def apply(self, changes: Changes) -> bool:
        """Take in what changed since the last read; True when the view changed."""
        changed = changes.reset or bool(changes.added) or bool(changes.removed)
        if changes.reset:
            self.shown.clear()
        for gone in changes.removed:
            self.shown.pop(gone, None)
        for s in changes.added:
            self.shown[s.id] = s
        if changes.added:  # a submission shown again (unhidden) goes back to its place by arrival time
            self.shown = dict(sorted(self.shown.items(), key=lambda item: item[1].time))
        self.cursor = changes.cursor
        if changed:
            self._sketches = self._sketch_summary = self._review_summary = None
        return changed

    @property
    def submissions(self) -> tuple[Submission, ...]:
        return tuple(self.shown.values())

    def sketches(self) -> Sketches:
        if self._sketches is None:
            self._sketches = sketches(self.submissions)
        return self._sketches

    def sketch_summary(self) -> SketchSummary:
        if self._sketch_summary is None:
            self._sketch_summary = sketch_summary(self.sketches())
        return self._sketch_summary

    def review_summary(self) -> ReviewSummary:
        if self._review_summary is None:
            self._review_summary = review_summary(self.submissions)
        return self._review_summary
