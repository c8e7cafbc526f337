"""Live-training turns on a real server, through Streamlit's websocket protocol: one slot, a 5 s turn, three
students pressing Play. Each trains in turn, in the order they pressed, and each sees what the page promises:
the trainer its turn's time left, the others their place and expected wait."""

from __future__ import annotations

import os
import re
import time

import pytest

from explorer.cli import appserver
from explorer.cli.loadtest import protocol as p

pytestmark = pytest.mark.load

TURN_S = 5.0  # the shortest turn the server accepts (live_training.SLOTS)
QUERY = "training_section=Train+one+yourself"


def test_three_students_one_slot_each_gets_a_turn_in_order():
    env = {**os.environ, "EXPLORER_LIVE_TRAINING_SLOTS": "1", "EXPLORER_LIVE_TRAINING_TURN_S": str(TURN_S)}

    async def scenario() -> None:
        tabs = [p.Session(url, "training", query=QUERY) for _ in range(3)]
        for tab in tabs:
            await tab.connect()
            await tab.open()
        pressed = []
        for tab in tabs:  # press Play one after the other: the first trains, the others queue in that order
            run = await tab.rerun([p.click(tab.widget_id("live-play"))])
            pressed.append(time.monotonic())
            assert run.ok, run.exceptions
        first_turn: dict[int, float] = {}
        notices: list[str] = []
        deadline = time.monotonic() + 4 * TURN_S + 30  # three turns, and slack for a slow machine
        while len(first_turn) < 3:  # tick every tab (as their fragments do while playing) until each has trained
            assert time.monotonic() < deadline, f"not every student trained: {first_turn}, {notices[-3:]}"
            for i, tab in enumerate(tabs):
                run = await tab.rerun(fragment_id=tab.fragment_ids[-1])
                assert run.ok and not run.errors, run.exceptions + run.errors
                queued = [n for n in run.notices if "in the queue" in n]
                notices += queued
                if not queued and i not in first_turn:
                    first_turn[i] = time.monotonic()
                    assert run.has_text("Step "), run.markdown
                    if i < 2:  # others wait: the trainer is told its time left
                        assert any(re.search(r"Your turn: \d+ s left \(\d waiting\)", m) for m in run.markdown)
        for tab in tabs:
            await tab.close()
        assert sorted(first_turn, key=first_turn.get) == [0, 1, 2]  # in the order they pressed Play
        for i in (1, 2):  # each within the turns of those ahead of it, plus the ticks' own time
            assert first_turn[i] - pressed[i] <= i * TURN_S + 10
        assert any(re.search(r"number 2 in the queue, your turn starts in about \d+ s", n) for n in notices)

    with appserver.started_app(env=env) as (url, _):
        p.run_async(scenario())
