"""Per-interaction server time for `python -m explorer bench`: one student, one action at a time, through
Streamlit's websocket protocol against a fresh `streamlit run` whose background warm-up has finished (as a
class finds a server started before the lesson; `warm_up_s` says how long that took), each action with a fresh
input."""

from __future__ import annotations

import numpy as np

from explorer.cli import appserver
from explorer.cli.loadtest import inputs
from explorer.cli.loadtest import protocol as p

REPEAT = 24


async def _digit_strokes(url: str) -> list[float]:
    source = inputs.DigitSource(seed=7)
    times = []
    async with p.Session(url, "digit") as s:
        await s.open()
        while len(times) < REPEAT + 4:
            _, strokes = source.next_digit(4)
            for k, image in enumerate(strokes, start=1):
                run = await s.rerun([p.canvas(s.widget_id("digit-canvas"), image, k)])
                times.append(run.seconds)
    return times[4:]  # the first digit warms up what the first stroke of a process compiles


async def _text_actions(url: str) -> tuple[list[float], list[float]]:
    source = inputs.TextSource(seed=7)
    steps, edits = [], []
    async with p.Session(url, "text") as s:
        await s.open()
        for _ in range(REPEAT // 2 + 1):
            run = await s.rerun([p.text(s.widget_id("text_input"), source.next_text())])
            edits.append(run.seconds)
            for key in ("step-prev", "step-prev", "step-next"):
                run = await s.rerun([p.click(s.widget_id(key))], fragment_key=key)
                steps.append(run.seconds)
    return steps[3:], edits[1:]


async def _present_steps(url: str) -> list[float]:
    """A lecturer's key presses in presenter mode: → / ← on the Text page (the step fragment reruns), each
    step to a character not shown before in this session."""
    source = inputs.TextSource(seed=11)
    times = []
    async with p.Session(url, "text", query="present=1") as s:
        await s.open()
        while len(times) < REPEAT + 2:
            await s.rerun([p.text(s.widget_id("text_input"), source.next_text())])
            for key in ("step-prev", "step-prev", "step-prev", "step-next"):
                run = await s.rerun([p.click(s.widget_id(key))], fragment_key=key)
                times.append(run.seconds)
    return times[2:]


def measure() -> dict:
    with appserver.settled_app() as (url, warm_up_s):
        strokes = p.run_async(_digit_strokes(url))
        steps, edits = p.run_async(_text_actions(url))
        present = p.run_async(_present_steps(url))
    ms = lambda xs: float(np.median(xs) * 1000)
    return {
        "digit_stroke_server_ms_p50": ms(strokes),
        "text_step_server_ms_p50": ms(steps),
        "text_edit_server_ms_p50": ms(edits),
        "present_step_server_ms_p50": ms(present),
        "warm_up_s": warm_up_s,  # the server's background warm-up, which every figure above waits out
    }
