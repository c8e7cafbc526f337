"""Fair live-training turns (explorer.compute.training_turns), on a fake clock: whole classes ticking once a second."""

from __future__ import annotations

import math

import pytest

from explorer.compute import live_training, training_turns
from explorer.compute.training_turns import Slots


def _class_ticks(slots: Slots, sessions: list[str], seconds: int) -> dict[str, list[int]]:
    """Every session asks once a second (as the page's fragment ticks) for `seconds`; returns, per session, the
    seconds at which it held a slot."""
    trained: dict[str, list[int]] = {s: [] for s in sessions}
    for t in range(seconds):
        for s in sessions:
            if slots.take_turn(s, now=float(t)).is_training:
                trained[s].append(t)
    return trained


def test_three_sessions_one_slot_each_gets_a_turn_within_the_turn_limit():
    turn = 10
    slots = Slots(1, ttl_s=5.0, turn_s=turn)
    trained = _class_ticks(slots, ["a", "b", "c"], 6 * turn)
    # First come first served, a full turn each, then to the back: a, b, c, a, b, c (one tick per second).
    assert trained["a"] == [*range(0, 10), *range(30, 40)]
    assert trained["b"] == [*range(10, 20), *range(40, 50)]
    assert trained["c"] == [*range(20, 30), *range(50, 60)]
    # Hence nobody waits longer than the turns of the others ahead of it, and each tick one session trains.
    for ticks in trained.values():
        gaps = [b - a for a, b in zip(ticks, ticks[1:]) if b - a > 1]
        assert ticks[0] <= 2 * turn and all(g <= 2 * turn + 1 for g in gaps)
    assert sorted(t for ticks in trained.values() for t in ticks) == list(range(6 * turn))


def test_the_queue_shows_place_and_expected_wait_and_the_trainer_its_time_left():
    slots = Slots(1, ttl_s=100.0, turn_s=30.0)
    a = slots.take_turn("a", now=0.0)
    assert a.is_training and math.isinf(a.seconds_left)  # alone: the turn goes on while nobody waits
    b = slots.take_turn("b", now=12.0)
    c = slots.take_turn("c", now=12.5)
    assert (b.place, b.expected_wait_s) == (1, 18.0)  # a's turn began at 0: 30 − 12 s left
    assert (c.place, c.expected_wait_s) == (2, 47.5)  # then b's whole turn: 30 − 12.5 + 30
    a = slots.take_turn("a", now=13.0)
    assert a.is_training and a.seconds_left == 17.0 and (a.training, a.waiting) == (1, 2)


def test_expected_waits_with_two_slots_take_the_earliest_free_slot():
    slots = Slots(2, ttl_s=100.0, turn_s=20.0)
    slots.take_turn("a", now=0.0)
    slots.take_turn("b", now=5.0)  # a's slot frees at 20, b's at 25
    waits = [slots.take_turn(s, now=10.0).expected_wait_s for s in ("c", "d", "e")]
    assert waits == [10.0, 15.0, 30.0]  # c → a's slot at 20, d → b's at 25, e → c's slot at 20 + 20 = 40


def test_a_holder_past_its_turn_hands_over_as_soon_as_someone_arrives():
    slots = Slots(1, ttl_s=5.0, turn_s=10.0)
    for t in range(0, 40, 2):  # alone for 40 s: it keeps training, no queue to yield to
        assert slots.take_turn("early", now=float(t)).is_training
    arrival = slots.take_turn("late", now=40.0)
    assert arrival.is_training  # the early one had had more than a turn
    early = slots.take_turn("early", now=40.5)
    assert (early.place, early.expected_wait_s) == (1, 9.5)


def test_with_two_slots_a_turn_ends_only_for_someone_waiting():
    slots = Slots(2, ttl_s=100.0, turn_s=10.0)
    slots.take_turn("a", now=0.0)
    slots.take_turn("b", now=1.0)
    assert slots.take_turn("b", now=11.5).is_training  # past its turn, but nobody waits
    assert slots.take_turn("c", now=12.0).is_training  # one waits: only the slot held longest (a's) changes hands
    a = slots.take_turn("a", now=12.0)
    assert a.is_training  # at the back of the queue, a finds b past its turn too: round robin, b yields
    b = slots.take_turn("b", now=13.0)
    assert (b.place, b.expected_wait_s, b.training, b.waiting) == (1, 9.0, 2, 1)  # c's and a's turns began at 12
    assert slots.take_turn("c", now=13.0).seconds_left == 9.0


def test_a_session_that_falls_silent_loses_its_turn_and_the_next_one_starts():
    slots = Slots(1, ttl_s=5.0, turn_s=30.0)
    slots.take_turn("left", now=0.0)
    assert slots.take_turn("next", now=1.0).place == 1
    assert slots.take_turn("next", now=5.0).place == 1  # "left" silent 5 s: not yet longer than the ttl
    assert slots.take_turn("next", now=6.0).is_training
    slots.release("next", now=7.0)
    assert slots.counts(now=7.0) == (0, 0)


@pytest.mark.parametrize("turn_s", [0.0, -1.0, math.inf, math.nan])
def test_a_turn_must_be_a_positive_finite_length(turn_s):
    with pytest.raises(ValueError):
        Slots(1, turn_s=turn_s)


def test_the_process_slots_take_the_turn_length_from_the_environment(monkeypatch):
    import importlib

    monkeypatch.setenv("EXPLORER_LIVE_TRAINING_SLOTS", "1")
    monkeypatch.setenv("EXPLORER_LIVE_TRAINING_TURN_S", "45")
    try:
        importlib.reload(live_training)
        assert (live_training.SLOTS.capacity, live_training.SLOTS.turn_s) == (1, 45.0)
        assert live_training.Slots is training_turns.Slots
    finally:
        monkeypatch.delenv("EXPLORER_LIVE_TRAINING_SLOTS")
        monkeypatch.delenv("EXPLORER_LIVE_TRAINING_TURN_S")
        importlib.reload(live_training)
