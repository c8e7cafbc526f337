"""Digit-page figures for `python -m explorer.bench`."""

from __future__ import annotations

import numpy as np

from explorer import benchutil, digits, inference


def _pick_sample(at) -> None:
    at.session_state["digit_source"] = "sample"
    at.session_state["sample_index"] = 7


def measure() -> dict:
    x = digits.to_model_input(digits.load_heldout().images[:1])
    cnn = inference.load_reader("digit-cnn")
    rnn = inference.load_reader("row-rnn-lstm")
    char = inference.load_reader("char-rnn-lstm")
    text = ("The quick brown fox jumps over the lazy dog. " * 5)[:200]
    page = benchutil.page_rerun("digit", _pick_sample)
    return {
        "digit_trace_ms_p50": benchutil.p50_ms(lambda: cnn.trace(x)),
        "row_rnn_trace_ms_p50": benchutil.p50_ms(lambda: rnn.trace(x)),
        "char_rnn_trace_ms_p50": benchutil.p50_ms(lambda: char.trace(text)),
        "digit_page_rerun_ms_p50": page["rerun_ms_p50"],
        "digit_page_payload_bytes": page["payload_bytes"],
    }
