"""What can go wrong in a class room, as exceptions whose message a page can show as it is (plain text)."""


class ClassroomError(Exception):
    """Base of every class-room refusal; str(error) is a sentence for the student or the lecturer."""


class StoreUnavailable(ClassroomError):
    """The shared store cannot be reached (Redis down, the SQLite file unwritable); retrying later may work."""

    def __init__(self, message: str = "The class room is unreachable just now; try again in a moment.") -> None:
        super().__init__(message)


class RoomNotFound(ClassroomError):
    """No open room has this code: mistyped, expired, or closed by the lecturer."""

    def __init__(self, message: str = "No open class room has this code (it may have expired or been closed).") -> None:
        super().__init__(message)


class RoomPaused(ClassroomError):
    """The lecturer has paused the room: reads work, sending does not."""

    def __init__(self, message: str = "The lecturer has paused this room; sending is off for now.") -> None:
        super().__init__(message)


class NotLecturer(ClassroomError):
    """The lecturer key given does not open this room."""

    def __init__(self, message: str = "This lecturer key does not open this room.") -> None:
        super().__init__(message)


class RateLimited(ClassroomError):
    """This session sent too recently; `retry_after_s` says how long to wait."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(0.0, float(retry_after_s))
        super().__init__(f"Please wait {self.retry_after_s:.1f} s before sending again.")


class SubmissionLimit(ClassroomError):
    """This session has sent as many submissions as one room takes from one session."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"This room takes at most {limit} submissions from one session.")


class InvalidSubmission(ClassroomError):
    """An input is out of bounds (shape, type, range, length); the message says which."""


class UnknownSubmission(ClassroomError):
    """No submission with this id is in the room."""

    def __init__(self) -> None:
        super().__init__("No submission with this id is in this room.")
