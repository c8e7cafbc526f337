"""Sentiment-page figures for `python -m explorer bench`, timed through Streamlit's websocket protocol against a
fresh `streamlit run`:
- a word step of the GRU's reading (◀ / ▶ or ← / →), which reruns only its fragment;
- a new review typed in (every time a different held-out snippet, so nothing is answered from a cache): the whole
  page reruns, both networks and VADER read it, and the probe reads it three more times;
and the whole page's rerun and payload (AppTest)."""

from __future__ import annotations

import itertools

import numpy as np

from explorer.app import rerun_timing
from explorer.cli import appserver
from explorer.cli.loadtest import protocol as p
from explorer.data import sentiment as data

REPEAT = 24


async def _session(url: str, reviews: list[str]) -> tuple[list[float], list[float]]:
    steps, edits = [], []
    async with p.Session(url, "sentiment") as s:
        await s.open()
        for key in itertools.islice(itertools.cycle(["word-prev"] * 3 + ["word-next"]), REPEAT + 2):
            run = await s.rerun([p.click(s.widget_id(key))], fragment_key=key)
            steps.append(run.seconds)
        for review in reviews:
            run = await s.rerun([p.text(s.widget_id("review_input"), review)])
            edits.append(run.seconds)
    return steps[2:], edits[2:]


def _page(reviews=itertools.cycle(data.load_split()[1].texts[100:])):
    def setup(at) -> None:
        at.session_state["review_typed"] = next(reviews)

    return setup


def measure() -> dict:
    reviews = data.load_split()[1].texts[: REPEAT + 2]
    with appserver.settled_app() as (url, _):
        steps, edits = p.run_async(_session(url, reviews))
    page = rerun_timing.page_rerun("sentiment", _page())
    return {
        "sentiment_step_server_ms_p50": float(np.median(steps) * 1000),
        "sentiment_edit_server_ms_p50": float(np.median(edits) * 1000),
        "sentiment_page_rerun_ms_p50": page["rerun_ms_p50"],
        "sentiment_page_payload_bytes": page["payload_bytes"],
    }
