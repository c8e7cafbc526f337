"""Which store a process opens: Redis when EXPLORER_CLASS_STORE names one, else a SQLite file under the data
directory (EXPLORER_DATA_DIR, default ~/.local/share/cnn-rnn-explorer); rooms last EXPLORER_ROOM_HOURS (default 12)."""

import os
from pathlib import Path

from .records import RoomLimits
from .store import ClassStore

STORE_VARIABLE = "EXPLORER_CLASS_STORE"
DATA_DIR_VARIABLE = "EXPLORER_DATA_DIR"
HOURS_VARIABLE = "EXPLORER_ROOM_HOURS"
LONGEST_ROOM_HOURS = 7 * 24.0  # a week: longer than any lecture series needs one room kept
SQLITE_NAME = "classroom.sqlite3"


def data_dir() -> Path:
    """Where the app keeps files it writes: $EXPLORER_DATA_DIR, or $XDG_DATA_HOME/cnn-rnn-explorer."""
    if os.environ.get(DATA_DIR_VARIABLE):
        return Path(os.environ[DATA_DIR_VARIABLE]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cnn-rnn-explorer"


def limits_from_environment() -> RoomLimits:
    """The rooms' limits, with their lifetime from $EXPLORER_ROOM_HOURS (hours, 0 < h ≤ a week; default 12)."""
    text = os.environ.get(HOURS_VARIABLE, "").strip()
    if not text:
        return RoomLimits()
    try:
        hours = float(text)
    except ValueError:
        hours = float("nan")
    if not 0 < hours <= LONGEST_ROOM_HOURS:  # NaN fails too
        raise ValueError(f"{HOURS_VARIABLE} must be a number of hours above 0 and at most {LONGEST_ROOM_HOURS:g}.")
    return RoomLimits(lifetime_s=hours * 3600.0)


def open_store(limits: RoomLimits | None = None) -> ClassStore:
    """The store this process shares with the others. Open it once per process (the page's resource registry
    caches it): the Redis client holds a connection pool; the SQLite store opens a connection per call."""
    limits = limits if limits is not None else limits_from_environment()
    url = os.environ.get(STORE_VARIABLE, "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis_store import RedisStore  # only a replica set-up needs the Redis client imported

        return RedisStore(url, limits)
    if url:
        raise ValueError(f"{STORE_VARIABLE} must be a redis://, rediss:// or unix:// address, or unset for SQLite.")
    from .sqlite_store import SQLiteStore

    return SQLiteStore(data_dir() / SQLITE_NAME, limits)
