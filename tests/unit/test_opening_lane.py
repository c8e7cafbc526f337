"""The opening lane: first runs of sessions go at most `lanes` at a time; a session's later runs never wait."""

import threading

import pytest

from explorer.app import opening_lane
from explorer.app.opening_lane import OpeningLane


def _first_runs_at_once(lanes: int, sessions: int) -> int:
    """Start `sessions` first runs together; each holds its run until every thread has arrived or the lane
    lets no more in; return how many were inside at the same time, at most."""
    lane = OpeningLane(lanes)
    inside, most, lock = 0, 0, threading.Lock()
    arrived = threading.Barrier(sessions)
    released = threading.Event()

    def one(state: dict) -> None:
        nonlocal inside, most
        arrived.wait()
        with lane.first_run(state):
            with lock:
                inside += 1
                most = max(most, inside)
                if inside == lanes:
                    released.set()
            released.wait(timeout=5)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=one, args=({},)) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return most


@pytest.mark.parametrize("lanes", [1, 2])
def test_at_most_the_lanes_first_runs_go_at_once(lanes):
    assert _first_runs_at_once(lanes, sessions=6) == lanes


def test_a_sessions_later_runs_do_not_wait_for_the_lane():
    lane = OpeningLane(1)
    opened: dict = {}
    with lane.first_run(opened):
        pass
    holder_inside, holder_done = threading.Event(), threading.Event()

    def holder() -> None:  # another tab's first run, holding the lane
        with lane.first_run({}):
            holder_inside.set()
            holder_done.wait(timeout=10)

    t = threading.Thread(target=holder)
    t.start()
    assert holder_inside.wait(timeout=10)
    went_in = threading.Event()

    def later_run() -> None:
        with lane.first_run(opened):
            went_in.set()

    u = threading.Thread(target=later_run)
    u.start()
    assert went_in.wait(timeout=10), "a session's second run waited for another tab's first run"
    holder_done.set()
    t.join(timeout=10)
    u.join(timeout=10)


def test_a_first_run_that_was_stopped_still_counts_as_opened():
    lane, state = OpeningLane(1), {}
    with pytest.raises(RuntimeError):
        with lane.first_run(state):
            raise RuntimeError("the script was stopped or rerun")
    assert state[opening_lane.OPENED_KEY] is True


@pytest.mark.parametrize(("value", "lanes"), [("", 1), ("3", 3), ("0", 1), ("-4", 1), ("many", 1), ("1e9", 1)])
def test_the_number_of_lanes_comes_from_the_environment(monkeypatch, value, lanes):
    monkeypatch.setenv(opening_lane.LANES_VARIABLE, value)
    assert opening_lane.lanes_from_environment() == lanes
