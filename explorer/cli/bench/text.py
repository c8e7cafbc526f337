"""Text-page figures for `python -m explorer bench`: page rerun, payload, saliency and sampling speed."""

from __future__ import annotations

from explorer.app import rerun_timing
from explorer.cli.bench import timing
from explorer.compute import recurrence, saliency
from explorer.data import vocab
from explorer.models import compiled

TEXT = ("The quick brown fox jumps over the lazy dog. Return the list of items in the dictionary. " * 3)[
    : recurrence.MAX_CHARS
]  # 200 characters: the page's bound


def _long_text_lstm(at) -> None:
    at.session_state["text_input"] = TEXT
    at.session_state["cell"] = "lstm"


def measure() -> dict:
    model = compiled.load_reader("char-rnn-lstm").model
    ids = vocab.encode(TEXT)
    page = rerun_timing.page_rerun("text", _long_text_lstm)
    n = recurrence.MAX_GENERATE
    return {
        "text_page_rerun_ms_p50": page["rerun_ms_p50"],
        "text_page_payload_bytes": page["payload_bytes"],
        "saliency_ms_p50": timing.p50_ms(lambda: saliency.saliency(model, ids, len(ids) - 1)),
        "generate_ms_per_char": timing.p50_ms(lambda: recurrence.generate(model, ids, n, 0.7, 0).ids) / n,
    }
