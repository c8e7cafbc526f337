"""Digit-page figures for `python -m explorer bench`."""

from __future__ import annotations

import numpy as np

from explorer.app import rerun_timing
from explorer.cli.bench import timing
from explorer.data import digits
from explorer.models import compiled


def _pick_sample(at) -> None:
    at.session_state["digit_source"] = "sample"
    at.session_state["sample_index"] = 7


def _conv_animation_bytes(cnn, x) -> int:
    """JSON bytes of the larger of the two animated convolution figures (conv1, conv2 map 0, middle row)."""
    from explorer.compute import convolution
    from explorer.figures import cnn as cnn_figures
    from explorer.figures import cnn_animation

    maps = cnn_figures.trace_maps(cnn.trace(x))
    sizes = []
    for layer, source, conv in (("conv1", "input", cnn.model.conv1), ("conv2", "pool1", cnn.model.conv2)):
        inp = maps[source].transpose(1, 2, 0)
        kernel = np.asarray(conv.kernel[...], np.float32)[..., 0]
        row = convolution.conv_row(inp, kernel, float(conv.bias[...][0]), maps[layer].shape[1] // 2, padding=1)
        fig = cnn_animation.conv_animation(convolution.pad(inp, 1).transpose(2, 0, 1), kernel, row, maps[layer][0])
        sizes.append(len(fig.to_json().encode()))
    return max(sizes)


def _playground_settings():
    """A new playground setting before every rerun (kernel size 2–7 × padding 0–3), so no figure is reused."""
    settings = iter([(k, p) for k in range(2, 8) for p in range(4)] * 2)

    def setup(at) -> None:
        _pick_sample(at)
        at.session_state["playground-open-lasting"] = True  # the playground runs only while its section is open
        k, p = next(settings)
        at.session_state["pg-size"] = k
        at.session_state["pg-padding"] = p

    return setup


def measure() -> dict:
    x = digits.to_model_input(digits.load_heldout().images[:1])
    cnn = compiled.load_reader("digit-cnn")
    rnn = compiled.load_reader("row-rnn-lstm")
    char = compiled.load_reader("char-rnn-lstm")
    text = ("The quick brown fox jumps over the lazy dog. " * 5)[:200]
    page = rerun_timing.page_rerun("digit", _pick_sample)
    return {
        "digit_trace_ms_p50": timing.p50_ms(lambda: cnn.trace(x)),
        "row_rnn_trace_ms_p50": timing.p50_ms(lambda: rnn.trace(x)),
        "char_rnn_trace_ms_p50": timing.p50_ms(lambda: char.trace(text)),
        "digit_page_rerun_ms_p50": page["rerun_ms_p50"],
        "digit_page_payload_bytes": page["payload_bytes"],
        "conv_animation_bytes": _conv_animation_bytes(cnn, x),
        "playground_rerun_ms_p50": rerun_timing.page_rerun("digit", _playground_settings())["rerun_ms_p50"],
    }
