"""Fair turns (explorer/app/fair_turns.py): which runs are light, and that other runs pause for them, within
their limit. Clocks are injected: `now` is the wall clock, `cpu` the script thread's CPU clock."""

from __future__ import annotations

import threading

import pytest

from explorer.app import fair_turns
from explorer.app.fair_turns import CHECK_S, HALF_LIFE_S, LIGHT_S, SETTLED_S, Turns


class Clocks:
    def __init__(self):
        self.now, self.cpu = 1000.0, 50.0


@pytest.fixture
def clocks():
    return Clocks()


@pytest.fixture
def turns(clocks):
    return Turns(clock=lambda: clocks.now, cpu_clock=lambda: clocks.cpu)


def _settled(turns: Turns, clocks: Clocks, session: str, cpu_s: float = 0.0) -> None:
    """A session seen once (its first run using `cpu_s`), then SETTLED_S later."""
    run = turns.begin(session)
    clocks.cpu += cpu_s
    turns.end(run)
    clocks.now += SETTLED_S


def test_a_new_tab_is_not_light_and_a_settled_quiet_one_is(turns, clocks):
    first = turns.begin("a")
    assert not first.light and turns.light_runs == 0  # a tab's first run is an opening, however cheap
    turns.end(first)
    clocks.now += SETTLED_S - 0.01
    early = turns.begin("a")
    assert not early.light
    turns.end(early)
    clocks.now += 0.01
    later = turns.begin("a")
    assert later.light and turns.light_runs == 1
    turns.end(later)
    assert turns.light_runs == 0


def test_recent_use_decays_with_its_half_life(turns, clocks):
    _settled(turns, clocks, "busy", cpu_s=4 * LIGHT_S)  # used SETTLED_S (one half-life) ago: 2 · LIGHT_S left
    assert HALF_LIFE_S == SETTLED_S
    run = turns.begin("busy")
    assert not run.light
    turns.end(run)
    clocks.now += 2 * HALF_LIFE_S  # 2 · LIGHT_S → LIGHT_S / 2
    run = turns.begin("busy")
    assert run.usage.decayed(clocks.now) == pytest.approx(LIGHT_S / 2, rel=1e-9)
    assert run.light
    turns.end(run)


def test_a_run_that_keeps_computing_stops_being_light(turns, clocks):
    _settled(turns, clocks, "s")
    run = turns.begin("s")
    assert run.light and turns.light_runs == 1
    clocks.cpu += LIGHT_S * 0.9
    turns.checkpoint(run)
    assert run.light
    clocks.cpu += LIGHT_S * 0.2  # this run alone has now used more than LIGHT_S
    turns.checkpoint(run)  # a moment later than the last look (under CHECK_S): still taken as light
    assert run.light
    clocks.now += 2 * CHECK_S
    turns.checkpoint(run)  # no light run is going (it was the only one), so it does not pause
    assert not run.light and turns.light_runs == 0 and run.waited_s == 0.0
    turns.end(run)
    assert turns.light_runs == 0
    assert run.usage.cpu_s == pytest.approx(1.1 * LIGHT_S)


def test_other_runs_pause_while_a_light_run_goes_and_go_on_when_it_ends(turns, clocks):
    _settled(turns, clocks, "drawing")
    light = turns.begin("drawing")
    opening = turns.begin("new tab")
    returned = threading.Event()

    def heavy_checkpoint():
        turns.checkpoint(opening)
        returned.set()

    thread = threading.Thread(target=heavy_checkpoint)
    thread.start()
    with turns.changed:
        assert turns.changed.wait_for(lambda: turns.paused_runs == 1, timeout=10)
    assert not returned.is_set()  # it is paused, not finished
    turns.end(light)
    assert returned.wait(10)
    thread.join()
    assert turns.paused_runs == 0 and 0 < opening.waited_s < fair_turns.MAX_WAIT_S
    turns.end(opening)


def test_light_runs_never_pause_and_nobody_pauses_without_one(turns, clocks):
    _settled(turns, clocks, "a")
    _settled(turns, clocks, "b")
    a, b = turns.begin("a"), turns.begin("b")
    assert a.light and b.light and turns.light_runs == 2
    turns.checkpoint(a)
    turns.checkpoint(b)
    assert a.waited_s == b.waited_s == 0.0
    turns.end(a)
    turns.end(b)
    other = turns.begin("new")
    turns.checkpoint(other)
    assert other.waited_s == 0.0 and not other.light


def test_a_paused_run_waits_no_longer_than_its_limit_in_all(turns, clocks, monkeypatch):
    monkeypatch.setattr(fair_turns, "MAX_WAIT_S", 0.05)
    _settled(turns, clocks, "drawing")
    light = turns.begin("drawing")  # never ends during the test: a light run that holds on
    opening = turns.begin("new tab")
    turns.checkpoint(opening)
    assert opening.waited_s >= 0.05
    spent = opening.waited_s
    turns.checkpoint(opening)  # its limit is used up: it goes on at once
    assert opening.waited_s == spent and turns.light_runs == 1
    turns.end(opening)
    turns.end(light)


def test_idle_sessions_are_forgotten(turns, clocks):
    _settled(turns, clocks, "gone", cpu_s=1.0)
    clocks.now += fair_turns.FORGET_S + 1
    turns.end(turns.begin("other"))
    again = turns.begin("gone")
    assert not again.settled and again.usage.cpu_s == 0.0  # seen anew: the old entry was dropped
    turns.end(again)


def _in_thread(target) -> tuple[threading.Thread, threading.Event]:
    returned = threading.Event()

    def go():
        target()
        returned.set()

    thread = threading.Thread(target=go)
    thread.start()
    return thread, returned


def _until_paused(turns: Turns, n: int) -> None:
    with turns.changed:
        assert turns.changed.wait_for(lambda: turns.paused_runs == n, timeout=10)


def test_runs_that_are_not_light_take_the_lane_in_turns(turns, clocks):
    a, b = turns.begin("a"), turns.begin("b")  # two new tabs
    turns.checkpoint(a)  # the lane is free: a takes it
    assert a.waited_s == 0.0
    thread_b, b_goes = _in_thread(lambda: turns.checkpoint(b))
    _until_paused(turns, 1)  # b waits in line while a goes on
    assert not b_goes.is_set()
    thread_a, a_goes = _in_thread(lambda: turns.checkpoint(a))  # a's next yield point: b's turn, a in line
    assert b_goes.wait(10)
    thread_b.join()
    _until_paused(turns, 1)
    assert not a_goes.is_set()
    turns.end(b)  # b is done: a's turn again
    assert a_goes.wait(10)
    thread_a.join()
    assert turns.paused_runs == 0 and a.waited_s > 0 and b.waited_s > 0
    turns.end(a)


def test_a_run_waits_at_most_one_step_at_a_yield_point(turns, clocks, monkeypatch):
    monkeypatch.setattr(fair_turns, "STEP_WAIT_S", 0.05)
    a, b = turns.begin("a"), turns.begin("b")
    turns.checkpoint(a)
    turns.checkpoint(b)  # a holds the lane and never reaches a yield point: b goes on beside it after a step
    assert 0.05 <= b.waited_s < fair_turns.MAX_WAIT_S and turns.paused_runs == 0
    turns.end(b)
    turns.end(a)


def test_install_wraps_streamlits_script_runner_once(monkeypatch):
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    monkeypatch.setattr(ScriptRunner, "_run_script", ScriptRunner._run_script)  # restored after the test
    monkeypatch.setattr(
        ScriptRunner, "_maybe_handle_execution_control_request", ScriptRunner._maybe_handle_execution_control_request
    )
    fair_turns.install()
    wrapped = ScriptRunner._run_script, ScriptRunner._maybe_handle_execution_control_request
    assert getattr(wrapped[0], "takes_turns", False)
    fair_turns.install()  # a second call (every script run makes one) wraps nothing again
    assert (ScriptRunner._run_script, ScriptRunner._maybe_handle_execution_control_request) == wrapped


def test_install_does_nothing_when_turned_off(monkeypatch):
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = getattr(ScriptRunner._run_script, "__wrapped__", None) or ScriptRunner._run_script
    monkeypatch.setattr(ScriptRunner, "_run_script", original)
    monkeypatch.setenv(fair_turns.ENV, "0")
    if getattr(original, "takes_turns", False):
        pytest.fail("the unwrapped ScriptRunner._run_script is not reachable")
    fair_turns.install()
    assert ScriptRunner._run_script is original


def test_a_run_that_steps_aside_hands_the_lane_on(turns, clocks):
    a, b = turns.begin("a"), turns.begin("b")
    turns.checkpoint(a)
    thread_b, b_goes = _in_thread(lambda: turns.checkpoint(b))
    _until_paused(turns, 1)
    turns.step_aside(a)  # a sleeps (a playing animation's pause): b need not wait for a's next yield point
    assert b_goes.wait(10)
    thread_b.join()
    turns.end(b)
    turns.checkpoint(a)  # awake again: the lane is free
    assert turns.paused_runs == 0
    turns.end(a)
