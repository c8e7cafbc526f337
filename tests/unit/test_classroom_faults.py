"""The class room's SQLite file when its disk fills up or its folder cannot be written: a clear message (the
store's StoreUnavailable), nothing acknowledged lost, and the store works again once there is room.

"Disk full" is made real without root or a special file system: a child process lowers its own file-size limit
(RLIMIT_FSIZE) just above the file's size, so SQLite's next write that grows the file fails exactly as on a full
disk (the kernel refuses the write), then raises the limit back and goes on.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from explorer.classroom import StoreUnavailable, opening
from explorer.classroom.sqlite_store import SQLiteStore

CHILD = textwrap.dedent(
    """
    import json, resource, signal, sys
    import numpy as np
    from explorer.classroom import Sketch, RoomLimits, StoreUnavailable
    from explorer.classroom.sqlite_store import SQLiteStore

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG instead of killing us
    limits = RoomLimits(min_interval_s=0.0, per_session=10_000)
    store = SQLiteStore(sys.argv[1], limits)
    keys = store.create_room()
    rng = np.random.default_rng(0)
    p = np.full(10, 0.1)

    def send(n):
        pixels = rng.integers(0, 256, size=(28, 28), dtype=np.uint8)  # incompressible: every sketch grows the file
        store.add_submission(keys.code, f"session-{n:06d}", f"submission-{n:06d}", Sketch(pixels, n % 10, p, p))

    acknowledged, refused = [], []
    for n in range(20):
        send(n)
        acknowledged.append(n)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    files = [sys.argv[1], sys.argv[1] + "-wal"]
    import os
    biggest = max(os.path.getsize(f) for f in files if os.path.exists(f))
    resource.setrlimit(resource.RLIMIT_FSIZE, (biggest + 4096, hard))  # the disk is nearly full
    n = 20
    while n < 400:
        try:
            send(n)
            acknowledged.append(n)
        except StoreUnavailable as error:
            refused.append(str(error))
            if len(refused) >= 3:
                break
        n += 1
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))  # room again
    send(1000)
    acknowledged.append(1000)
    json.dump({"code": keys.code, "acknowledged": acknowledged, "refused": refused}, sys.stdout)
    """
)


def test_a_full_disk_gives_a_clear_message_loses_nothing_acknowledged_and_the_store_recovers(tmp_path):
    path = tmp_path / "room.sqlite3"
    env = dict(os.environ, PYTHONPATH=os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120, env=env
    )
    assert child.returncode == 0, child.stderr[-2000:]
    result = json.loads(child.stdout)
    assert result["refused"], "the file-size limit never made a write fail: the test did not fill the disk"
    for message in result["refused"]:
        assert message.startswith("The class room file cannot be used just now"), message
        assert "Traceback" not in message
    # a fresh process (another store object) reads back exactly what was acknowledged, once each
    kept = SQLiteStore(path).submissions_since(result["code"], 0).added
    ids = [s.id for s in kept]
    assert sorted(ids) == sorted(f"submission-{n:06d}" for n in result["acknowledged"])
    assert len(ids) == len(set(ids))
    assert "submission-001000" in ids  # written after the disk had room again


def test_a_data_folder_that_cannot_be_made_gives_a_clear_message(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")  # refuses even root, unlike a chmod
    with pytest.raises(StoreUnavailable, match="The class room file cannot be made at"):
        SQLiteStore(blocker / "classroom.sqlite3")


@pytest.mark.parametrize(
    ("hours", "lifetime_s"), [("", 12 * 3600.0), ("2", 7200.0), ("0.5", 1800.0), ("168", 604800.0)]
)
def test_a_rooms_lifetime_comes_from_the_environment(monkeypatch, tmp_path, hours, lifetime_s):
    monkeypatch.setenv(opening.HOURS_VARIABLE, hours)
    monkeypatch.setenv(opening.DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.delenv(opening.STORE_VARIABLE, raising=False)
    store = opening.open_store()
    keys = store.create_room()
    assert store.limits.lifetime_s == lifetime_s
    assert store.room(keys.code).expires - store.room(keys.code).created == pytest.approx(lifetime_s)


@pytest.mark.parametrize("hours", ["0", "-3", "169", "nan", "inf", "twelve"])
def test_a_wrong_lifetime_is_refused_with_what_is_allowed(monkeypatch, hours):
    monkeypatch.setenv(opening.HOURS_VARIABLE, hours)
    with pytest.raises(ValueError, match="EXPLORER_ROOM_HOURS must be a number of hours above 0 and at most 168"):
        opening.limits_from_environment()
