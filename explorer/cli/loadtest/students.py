"""Simulated students: each one a browser tab that draws, types and steps like a person, with pauses.

Every action is timed from the BackMsg to its `script_finished` and checked: a stroke must produce the
CNN's prediction, a step its step line, an edit the new text's step line, and no run may show an exception.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np

from explorer.cli.loadtest import inputs
from explorer.cli.loadtest import protocol as p

STROKES_PER_DIGIT = 4


@dataclass
class Action:
    kind: str  # "open", "stroke", "edit", "step", "tick" (a live-training update)
    seconds: float
    ok: bool
    problem: str = ""
    replica: str = ""  # the X-Replica header of this tab's websocket (through HAProxy), else ""


@dataclass
class Plan:
    base_url: str
    mode: str  # draw | text | review | open | train
    actions: int  # per student, after opening the page
    think: float  # mean seconds between a student's actions
    cookies: str = ""  # sent with the websocket (HAProxy's stickiness cookie)
    log: list[Action] = field(default_factory=list)


def _pause(rng: np.random.Generator, think: float) -> float:
    """A person's pause: uniform between half and one and a half times the mean."""
    return float(rng.uniform(0.5, 1.5) * think) if think > 0 else 0.0


def _record(plan: Plan, session: p.Session, kind: str, run: p.Run, expected: str, or_hint: bool = False) -> None:
    """Log one action; `expected` must appear in what the run showed (or, with `or_hint`, a hint to the user
    instead, as the Digit page gives for a first stroke too small to be a digit)."""
    problem = ""
    if run.exceptions:
        problem = f"exception on screen: {run.exceptions[0][:200]}"
    elif run.errors:
        problem = f"error on screen: {run.errors[0][:200]}"
    elif not run.ok:
        problem = f"script ended with status {run.status}"
    elif expected and not run.has_text(expected) and not (or_hint and run.notices):
        problem = f"no '{expected}' in what the run showed"
    plan.log.append(Action(kind, run.seconds, not problem, problem, session.response_headers.get("x-replica", "")))


async def student(plan: Plan, number: int, start_after: float) -> None:
    """One student: wait for their turn, open the page, then act `plan.actions` times with pauses."""
    rng = np.random.default_rng(1000 + number)
    await asyncio.sleep(start_after)
    page = {"draw": "digit", "open": "digit", "text": "text", "review": "sentiment", "train": "training"}[plan.mode]
    query = "training_section=Train+one+yourself" if plan.mode == "train" else ""
    try:
        async with p.Session(plan.base_url, page, query=query, cookies=plan.cookies) as session:
            run = await session.open()
            _record(plan, session, "open", run, {"digit": "", "sentiment": "After word "}.get(page, "Step "))
            if plan.mode == "draw":
                await _draw(plan, session, rng, number)
            elif plan.mode == "text":
                await _type_and_step(plan, session, rng, number)
            elif plan.mode == "review":
                await _review_and_step(plan, session, rng, number)
            elif plan.mode == "train":
                await _train(plan, session)
    except Exception as e:  # a refused connection, a timeout: counted, never fatal for the other students
        plan.log.append(Action("error", 0.0, False, f"{type(e).__name__}: {e}"[:300]))


async def _draw(plan: Plan, session: p.Session, rng: np.random.Generator, number: int) -> None:
    source = inputs.DigitSource(seed=number)
    strokes: list[str] = []
    for _ in range(plan.actions):
        if not strokes:
            _, strokes = source.next_digit(STROKES_PER_DIGIT)
            drawn = 0
        await asyncio.sleep(_pause(rng, plan.think))
        drawn += 1
        state = p.canvas(session.widget_id("digit-canvas"), strokes.pop(0), drawn)
        run = await session.rerun([state])
        _record(plan, session, "stroke", run, "Prediction: ", or_hint=drawn == 1)


TICK_S = 1.0  # the Training page's live fragment runs once a second while playing, as the browser asks


async def _train(plan: Plan, session: p.Session) -> None:
    """Choose the CNN (the costliest model to train live: the worst case for everyone else), press Play on the
    live-training tab, then send the fragment's once-a-second ticks, as the browser does; each tick must show the
    run's step (training) or a queue place (waiting for a slot); then Pause."""
    run = await session.rerun([p.text(session.widget_id("live_model"), "CNN")])
    _record(plan, session, "choose", run, "Step 0")
    run = await session.rerun([p.click(session.widget_id("live-play"))])
    _record(plan, session, "play", run, "Step ")
    ticker = session.fragment_ids[-1]
    for _ in range(plan.actions):
        await asyncio.sleep(TICK_S)
        run = await session.rerun(fragment_id=ticker)
        _record(plan, session, "tick", run, "Step ")
        if run.has_text("Step ") and not run.notices and not run.has_text("conv1 kernels"):
            plan.log.append(Action("tick", 0.0, False, "a tick that trained showed no CNN kernels"))
        if any("in the queue" in notice for notice in run.notices):
            plan.log.append(Action("queued", 0.0, True))  # counted: a tick that waited for a training slot
    run = await session.rerun([p.click(session.widget_id("live-play"))])
    _record(plan, session, "pause", run, "Step ")


async def _type_and_step(plan: Plan, session: p.Session, rng: np.random.Generator, number: int) -> None:
    """Type a new text every few actions; step through it (Next / Previous / the slider) in between."""
    source = inputs.TextSource(seed=number)
    length = 0
    for i in range(plan.actions):
        await asyncio.sleep(_pause(rng, plan.think))
        if i % 4 == 0:
            text = source.next_text()
            length = len(text)
            run = await session.rerun([p.text(session.widget_id("text_input"), text)])
            _record(plan, session, "edit", run, f"Step {length} of {length}")
            continue
        how = rng.integers(3)
        if how == 0:
            state, key = p.click(session.widget_id("step-prev")), "step-prev"
        elif how == 1:
            state, key = p.number(session.widget_id("step"), int(rng.integers(1, length + 1))), "step"
        else:
            state, key = p.click(session.widget_id("step-next")), "step-next"
        run = await session.rerun([state], fragment_key=key)
        _record(plan, session, "step", run, "Step ")


async def _review_and_step(plan: Plan, session: p.Session, rng: np.random.Generator, number: int) -> None:
    """On the Sentiment page: type a new review every other action; step the GRU's reading back or forward (its
    fragment) in between."""
    from explorer.data import sentiment

    source = inputs.ReviewSource(seed=number)
    for i in range(plan.actions):
        await asyncio.sleep(_pause(rng, plan.think))
        if i % 2 == 0:
            review = source.next_review()
            n = min(len(sentiment.tokenize(review)), sentiment.MAX_WORDS)
            run = await session.rerun([p.text(session.widget_id("review_input"), review)])
            _record(plan, session, "review", run, f"After word {n},")
            continue
        key = "word-prev" if rng.integers(2) else "word-next"
        run = await session.rerun([p.click(session.widget_id(key))], fragment_key=key)
        _record(plan, session, "word step", run, "After word ")
