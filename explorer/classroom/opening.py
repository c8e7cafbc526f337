"""Which store a process opens: Redis when EXPLORER_CLASS_STORE names one, else a SQLite file under the data
directory (EXPLORER_DATA_DIR, default ~/.local/share/cnn-rnn-explorer)."""

import os
from pathlib import Path

from .records import RoomLimits
from .store import ClassStore

STORE_VARIABLE = "EXPLORER_CLASS_STORE"
DATA_DIR_VARIABLE = "EXPLORER_DATA_DIR"
SQLITE_NAME = "classroom.sqlite3"


def data_dir() -> Path:
    """Where the app keeps files it writes: $EXPLORER_DATA_DIR, or $XDG_DATA_HOME/cnn-rnn-explorer."""
    if os.environ.get(DATA_DIR_VARIABLE):
        return Path(os.environ[DATA_DIR_VARIABLE]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cnn-rnn-explorer"


def open_store(limits: RoomLimits | None = None) -> ClassStore:
    """The store this process shares with the others. Open it once per process (the page's resource registry
    caches it): the Redis client holds a connection pool; the SQLite store opens a connection per call."""
    url = os.environ.get(STORE_VARIABLE, "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis_store import RedisStore  # only a replica set-up needs the Redis client imported

        return RedisStore(url, limits)
    if url:
        raise ValueError(f"{STORE_VARIABLE} must be a redis://, rediss:// or unix:// address, or unset for SQLite.")
    from .sqlite_store import SQLiteStore

    return SQLiteStore(data_dir() / SQLITE_NAME, limits)
