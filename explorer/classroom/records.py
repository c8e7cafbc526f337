"""What a class room keeps, its limits, the checks every input passes before a store sees it, and the one text
form (JSON) both stores keep a submission in."""

import base64
import json
import math
import re
from dataclasses import dataclass

import numpy as np

from .errors import InvalidSubmission

SIDE = 28  # a sketch is the 28×28 input the networks read, not the canvas picture
CLASSES = 10
PROBABILITY_SUM_TOLERANCE = 1e-3  # a softmax in float32 sums to 1 within ~1e-6; anything further is not one
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")  # submission and session ids are made by the client (uuid4 hex)


@dataclass(frozen=True)
class RoomLimits:
    """The limits of every room a store opens."""

    min_interval_s: float = 2.0  # one submission per session per 2 s
    per_session: int = 50  # submissions one session may send to one room
    lifetime_s: float = 12 * 3600.0  # a room and its data are gone 12 hours after it was opened
    review_chars: int = 2000  # longest review text kept


@dataclass(frozen=True)
class Room:
    """An open room as a page sees it (the lecturer key is not part of it)."""

    code: str
    created: float  # seconds since the epoch, by the store's clock
    expires: float
    paused: bool


@dataclass(frozen=True)
class RoomKeys:
    """What opening a room gives the lecturer: the code to show, and the key to keep."""

    code: str
    lecturer_key: str
    expires: float


@dataclass(frozen=True)
class Sketch:
    """A drawn digit as the networks read it, the digit the student meant, and both networks' answers."""

    pixels: np.ndarray  # (28, 28) uint8
    meant: int  # 0–9
    cnn: np.ndarray  # (10,) float64 probabilities of the CNN
    rnn: np.ndarray  # (10,) float64 probabilities of the row-by-row RNN


@dataclass(frozen=True)
class Review:
    """A short review, the student's thumbs up or down, and the three readers' answers."""

    text: str
    liked: bool
    rnn_positive: float  # the sentiment RNN's probability that the review is positive, in [0, 1]
    cnn_positive: float  # the sentiment CNN's, in [0, 1]
    vader_compound: float  # VADER's compound score, in [-1, 1]


@dataclass(frozen=True)
class Submission:
    id: str
    session: str
    time: float
    content: Sketch | Review


@dataclass(frozen=True)
class Changes:
    """What changed in a room since a reader's cursor: submissions to show (new, or shown again after being
    hidden), ids to take away (hidden), and the cursor for the next read. `reset` says the reader's view is stale
    (the room was cleared, or the cursor is not from this room): drop everything and show `added` alone."""

    added: tuple[Submission, ...]
    removed: tuple[str, ...]
    cursor: int
    reset: bool


def checked_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InvalidSubmission(f"The {what} must be 8–64 letters, digits, '-' or '_'.")
    return value


def _probabilities(values: object, what: str) -> np.ndarray:
    try:
        p = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidSubmission(f"The {what} answer must be {CLASSES} numbers.") from None
    if p.shape != (CLASSES,):
        raise InvalidSubmission(f"The {what} answer must be {CLASSES} numbers, not shape {p.shape}.")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise InvalidSubmission(f"The {what} answer must be probabilities: finite, between 0 and 1.")
    if abs(float(p.sum()) - 1.0) > PROBABILITY_SUM_TOLERANCE:
        raise InvalidSubmission(f"The {what} answer's probabilities must add up to 1.")
    return p


def _unit(value: object, low: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidSubmission(f"The {what} must be a number.")
    x = float(value)
    if not math.isfinite(x) or not low <= x <= 1.0:
        raise InvalidSubmission(f"The {what} must be a finite number between {low:g} and 1.")
    return x


def checked_sketch(sketch: Sketch) -> Sketch:
    """`sketch` with its arrays copied into the kept types, or InvalidSubmission saying what is out of bounds."""
    pixels = sketch.pixels
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.shape != (SIDE, SIDE):
        shape = getattr(pixels, "shape", None)
        raise InvalidSubmission(
            f"A sketch must be {SIDE}×{SIDE} bytes (uint8), not {shape} {getattr(pixels, 'dtype', '')}."
        )
    meant = sketch.meant
    if isinstance(meant, bool) or not isinstance(meant, (int, np.integer)) or not 0 <= int(meant) < CLASSES:
        raise InvalidSubmission("The meant digit must be a whole number from 0 to 9.")
    return Sketch(pixels.copy(), int(meant), _probabilities(sketch.cnn, "CNN"), _probabilities(sketch.rnn, "RNN"))


def checked_review(review: Review, max_chars: int) -> Review:
    """`review` as kept, or InvalidSubmission. The text is kept as given (markup, emoji, control characters) and
    is never rendered here; a page must show it as literal text."""
    text = review.text
    if not isinstance(text, str):
        raise InvalidSubmission("A review must be text.")
    if len(text) > max_chars:
        raise InvalidSubmission(f"A review may have at most {max_chars:,} characters, not {len(text):,}.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidSubmission("A review must be valid Unicode text.") from None
    if not isinstance(review.liked, (bool, np.bool_)):
        raise InvalidSubmission("A review's thumbs must be up (True) or down (False).")
    return Review(
        text,
        bool(review.liked),
        _unit(review.rnn_positive, 0.0, "RNN's probability"),
        _unit(review.cnn_positive, 0.0, "CNN's probability"),
        _unit(review.vader_compound, -1.0, "VADER compound score"),
    )


def encoded(submission: Submission) -> str:
    """The JSON text a store keeps; floats are written so they read back bit for bit."""
    c = submission.content
    if isinstance(c, Sketch):
        body = {
            "kind": "sketch",
            "pixels": base64.b64encode(c.pixels.tobytes()).decode("ascii"),
            "meant": c.meant,
            "cnn": [float(x) for x in c.cnn],
            "rnn": [float(x) for x in c.rnn],
        }
    else:
        body = {
            "kind": "review",
            "text": c.text,
            "liked": c.liked,
            "rnn_positive": c.rnn_positive,
            "cnn_positive": c.cnn_positive,
            "vader_compound": c.vader_compound,
        }
    return json.dumps({"id": submission.id, "session": submission.session, "time": submission.time, **body})


def decoded(text: str | bytes) -> Submission:
    d = json.loads(text)
    if d["kind"] == "sketch":
        pixels = np.frombuffer(base64.b64decode(d["pixels"]), dtype=np.uint8).reshape(SIDE, SIDE).copy()
        content = Sketch(pixels, d["meant"], np.asarray(d["cnn"], np.float64), np.asarray(d["rnn"], np.float64))
    else:
        content = Review(d["text"], d["liked"], d["rnn_positive"], d["cnn_positive"], d["vader_compound"])
    return Submission(d["id"], d["session"], d["time"], content)
