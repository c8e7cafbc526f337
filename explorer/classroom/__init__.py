"""A class room: students send sketches and reviews to a room the lecturer's projector shows. Codes, lecturer keys,
limits and the shared store (SQLite by default, Redis when EXPLORER_CLASS_STORE=redis://…). Pure Python: no
Streamlit here."""

from .errors import (
    ClassroomError,
    InvalidSubmission,
    NotLecturer,
    RateLimited,
    RoomNotFound,
    RoomPaused,
    StoreUnavailable,
    SubmissionLimit,
    UnknownSubmission,
)
from .opening import data_dir, open_store
from .records import Changes, Review, Room, RoomKeys, RoomLimits, Sketch, Submission
from .store import ClassStore

__all__ = [
    "Changes",
    "ClassStore",
    "ClassroomError",
    "InvalidSubmission",
    "NotLecturer",
    "RateLimited",
    "Review",
    "Room",
    "RoomKeys",
    "RoomLimits",
    "RoomNotFound",
    "RoomPaused",
    "Sketch",
    "StoreUnavailable",
    "Submission",
    "SubmissionLimit",
    "UnknownSubmission",
    "data_dir",
    "open_store",
]
