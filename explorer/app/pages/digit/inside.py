"""Digit page, second half: inside the CNN, layer by layer, on the digit being classified.

`render(cnn, x, trace)` draws, each in a section that runs only while it is
open, the layer overview with the detail of the selected map (convolution
and pooling animated on the real tensors, ReLU, dense → softmax), and the
convolution playground. Every number comes from the model's trace or
from explorer.convolution replaying it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import present, query, state, ui
from explorer.app.pages.digit import playground as digit_playground
from explorer.compute import convolution
from explorer.figures import animation, cnn_animation
from explorer.figures import cnn as cnn_figures
from explorer.models import compiled

# Figures cached per process on their inputs, bounded and short-lived: every stroke is a new input, so these
# serve reruns of the same digit (a layer, map or row chosen again, a second student with the same sample) and
# free their memory a few minutes after a class leaves.
_figure_cache = st.cache_resource(show_spinner=False, max_entries=16, ttl=300)


@_figure_cache
def _overview_figure(maps: dict[str, np.ndarray], layer: str, index: int):
    return cnn_figures.layer_overview(maps, (layer, index))


@_figure_cache
def _conv_figure(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: float,
    row: int,
    padding: int,
    output: np.ndarray,
    input_title: str,
    output_title: str,
):
    replay = convolution.conv_row(x, kernel, bias, row, padding=padding)
    padded = convolution.pad(x, padding).transpose(2, 0, 1)
    return cnn_animation.conv_animation(padded, kernel, replay, output, input_title, output_title)


@_figure_cache
def _pool_figure(x: np.ndarray, row: int, output: np.ndarray, title: str):
    return cnn_animation.pool_animation(x, convolution.pool_row(x, row), output, title)


@_figure_cache
def _relu_figure(before: np.ndarray, title: str):
    return cnn_figures.relu_figure(before, title)


@_figure_cache
def _dense_figure(flat: np.ndarray, kernel: np.ndarray, bias: np.ndarray, probs: np.ndarray, logits: np.ndarray):
    return cnn_figures.dense_softmax_figure(flat, kernel, bias, probs, logits)


LAYER_LABELS = {
    "input": "input",
    "conv1": "conv1",
    "relu1": "ReLU 1",
    "pool1": "pool 1",
    "conv2": "conv2",
    "relu2": "ReLU 2",
    "pool2": "pool 2",
    "logits": "dense",
    "probs": "softmax",
}


LAYER_BY_LABEL = {label: layer for layer, label in LAYER_LABELS.items()}
# Sizes the address parameters are checked against (the shipped CNN's): maps per layer and rows of its output.
MAPS = {"conv1": 8, "relu1": 8, "pool1": 8, "conv2": 16, "relu2": 16, "pool2": 16}
ROWS = {"conv1": 28, "pool1": 14, "conv2": 14, "pool2": 7}


PARAMS = ("layer", "map", "row", "frame")


def open_view(params, *, whole_view: bool = True) -> None:
    """The inside view an address or a lesson scene names (`layer` by its label, `map`, `row`, `frame`), each
    left out or out of range taking its default: conv 1, map 0, the middle row, the first window position."""
    sets = state.sets(params, whole_view)
    label, _ = query.choice(params, "layer", list(LAYER_LABELS.values()))
    layer = LAYER_BY_LABEL.get(label, "conv1")
    limit = ROWS.get(layer, 1)  # as address_problems checks them
    if sets("layer"):
        st.session_state.layer = layer
    if sets("map"):
        st.session_state.map = query.whole(params, "map", 0, MAPS.get(layer, 1) - 1)[0] or 0
    if sets("row"):
        row = query.whole(params, "row", 0, limit - 1)[0]
        st.session_state.row = ROWS.get(layer, 28) // 2 if row is None else row
    if sets("frame"):
        st.session_state.frame = query.whole(params, "frame", 0, limit - 1)[0] or 0
    st.session_state.frame_playing = False
    if any(name in params for name in PARAMS):  # a view inside the CNN is named: its section opens
        st.session_state[f"{LAYERS_OPEN}-lasting"] = True
    elif whole_view:  # a lesson scene that names none: the section is closed, as the page opens
        st.session_state[f"{LAYERS_OPEN}-lasting"] = False


def address_problems(params) -> list[str]:
    """Warnings for the Digit page's view parameters (layer, map, row, frame) that cannot be shown."""
    label, bad = query.choice(params, "layer", list(LAYER_LABELS.values()))  # the address shows the label
    problems = [bad] if bad else []
    layer = LAYER_BY_LABEL.get(label, "conv1")
    limits = {"map": MAPS.get(layer, 1), "row": ROWS.get(layer, 1), "frame": ROWS.get(layer, 1)}
    for name, n in limits.items():
        _, bad = query.whole(params, name, 0, n - 1)
        problems += [bad] if bad else []
    return problems


def _row_slider(n_rows: int) -> int:
    """The output row the animation slides along (0…n_rows−1, the middle by default), bound to `row`."""
    if n_rows <= 1:
        return 0
    if st.session_state.get("row", 0) >= n_rows:
        st.session_state["row"] = n_rows // 2
    return st.slider(
        "Output row to animate",
        0,
        n_rows - 1,
        n_rows // 2,
        key="row",
        bind="query-params",
        help="The animation slides along one row of the output; pick another row here.",
    )


def _frame(n_frames: int) -> int:
    """The position of the sliding window along the row (the animation's frame), bound to `frame`: a lecturer's
    address opens the animation there, and in presenter mode ← / → step it and Space plays it."""
    st.session_state.frame_last = n_frames - 1  # the page plays on to here (present.advance_if_playing)
    return present.stepper("frame", 0, n_frames - 1, "Window position (output column)", play_key="frame_playing")


def _selection(maps: dict[str, np.ndarray]) -> tuple[str, int]:
    """The chosen layer and map, both bound to the address (`layer`, `map`)."""
    layer = st.segmented_control(
        "Layer",
        list(LAYER_LABELS),
        default="conv1",
        format_func=LAYER_LABELS.get,
        key="layer",
        required=True,
        bind="query-params",
    )
    layer = layer or "conv1"
    if layer not in cnn_figures.MAP_LAYERS or layer == "input":
        return layer, 0
    n = maps[layer].shape[0]
    if not 0 <= int(st.session_state.get("map", 0) or 0) < n:
        st.session_state["map"] = 0
    index = st.pills(
        "Map",
        list(range(n)),
        default=0,
        key="map",
        required=True,
        bind="query-params",
        help="Which feature map of this layer (one per filter).",
    )
    return layer, int(index or 0)


def _animation(fig, frame: int, key: str, file_stem: str, title: str) -> None:
    """An animation shown at `frame`, with its download for slides (built only when asked for)."""
    ui.plot(animation.start_at(fig, frame), key=key, stepped=True)  # the page's stepper above steps it
    ui.download_html(fig, file_stem, title, key=f"{key}-html")


def _conv_detail(cnn: compiled.Reader, maps: dict[str, np.ndarray], layer: str, index: int) -> None:
    conv = cnn.model.conv1 if layer == "conv1" else cnn.model.conv2
    source = "input" if layer == "conv1" else "pool1"
    x = maps[source].transpose(1, 2, 0)  # (H, W, C)
    kernel = np.asarray(conv.kernel[...], np.float32)[..., index]  # (3, 3, C)
    bias = float(np.asarray(conv.bias[...])[index])
    k = kernel.shape[0]
    p = convolution.same_padding(k)
    c = x.shape[-1]
    st.markdown(
        f"**{layer}, map {index}**: a {k} × {k} × {c} kernel slides over the {source} "
        f"({c} channel{'s' if c > 1 else ''}, padded by {p} so the output keeps its size). At each position "
        "it multiplies the numbers under it by its weights, adds everything up and adds the bias."
        + (
            " With several input channels, each channel has its own 3 × 3 weights; the channel sums are added."
            if c > 1
            else ""
        )
    )
    st.latex(r"\text{out}[i,j] = b + \sum_{c}\sum_{u=0}^{2}\sum_{v=0}^{2} w[u,v,c]\;x[i+u,\,j+v,\,c]")
    row = _row_slider(maps[layer].shape[1])
    frame = _frame(maps[layer].shape[2])
    fig = _conv_figure(x, kernel, bias, row, p, maps[layer][index], source, f"{layer} map {index}")
    _animation(fig, frame, "inside-conv-animation", f"convolution-{layer}-map{index}-row{row}", f"{layer} map {index}")


def _pool_detail(maps: dict[str, np.ndarray], layer: str, index: int) -> None:
    source = "relu1" if layer == "pool1" else "relu2"
    x = maps[source][index]
    st.markdown(
        f"**{layer}, map {index}**: a 2 × 2 window moves in steps of 2 over the ReLU map and keeps only "
        "the largest of its four numbers. The map halves in each direction; a strong response that moves within "
        "its window gives the same output. Whether the whole network then tolerates a shifted digit is measured, "
        "not assumed: Compare → Invariance probes."
    )
    row = _row_slider(maps[layer].shape[1])
    frame = _frame(maps[layer].shape[2])
    fig = _pool_figure(x, row, maps[layer][index], f"{LAYER_LABELS[source]} map {index}")
    _animation(fig, frame, "inside-pool-animation", f"pooling-{layer}-map{index}-row{row}", f"{layer} map {index}")


def _relu_detail(maps: dict[str, np.ndarray], layer: str, index: int) -> None:
    source = "conv1" if layer == "relu1" else "conv2"
    st.markdown(
        f"**{LAYER_LABELS[layer]}, map {index}**: ReLU keeps positive numbers and replaces negative ones "
        "by zero. Blue cells of the convolution output (negatives) disappear; red ones stay as they are."
    )
    st.latex(r"\operatorname{ReLU}(x) = \max(0, x)")
    ui.plot(_relu_figure(maps[source][index], f"{source} map {index}"), key="inside-relu")


def _dense_detail(cnn: compiled.Reader, maps: dict[str, np.ndarray]) -> None:
    st.markdown(
        "**Flatten → dense → softmax**: the 16 pooled 7 × 7 maps are laid out as one list of 784 numbers. "
        "Each digit has its own 784 weights; its logit is the weighted sum plus a bias. Softmax turns the "
        "ten logits into probabilities that add up to 1."
    )
    st.latex(r"z_d = b_d + \sum_{i=1}^{784} x_i\,W_{i,d} \qquad p_d = \frac{e^{z_d}}{\sum_{e=0}^{9} e^{z_e}}")
    kernel = np.asarray(cnn.model.dense.kernel[...], np.float32)
    bias = np.asarray(cnn.model.dense.bias[...], np.float32)
    flat = maps["pool2"].transpose(1, 2, 0).reshape(-1)  # row-major (h, w, c), as the model flattens
    fig = _dense_figure(flat, kernel, bias, maps["probs"], maps["logits"])
    ui.plot(fig, key="inside-dense")


def _detail(cnn: compiled.Reader, maps: dict[str, np.ndarray], layer: str, index: int) -> None:
    if layer == "input":
        st.markdown(
            "**input**: the 28 × 28 preprocessed digit, one number per pixel from 0 (black) to 1 (white ink). "
            "Pick a later layer to see what the network computes from it."
        )
    elif layer in ("conv1", "conv2"):
        _conv_detail(cnn, maps, layer, index)
    elif layer in ("relu1", "relu2"):
        _relu_detail(maps, layer, index)
    elif layer in ("pool1", "pool2"):
        _pool_detail(maps, layer, index)
    else:
        _dense_detail(cnn, maps)


# The two sections below the predictions open on request (Streamlit's lazy expanders): a closed one runs and sends
# nothing. Open, they send what they always did; closed, a stroke sends only the predictions and the preprocessing.
# Measured over the websocket, a stroke with both open received 386 kB, most of it the layer overview (173 kB) and
# the two animations (53 kB each): a class drawing with them always drawn pulled ~3 MB/s for 30 students.
LAYERS_OPEN = "inside-open"
PLAYGROUND_OPEN = "playground-open"


def render(cnn: compiled.Reader, x: np.ndarray, trace) -> bool:
    """The 'inside the CNN' views for one input x (1, 28, 28, 1) float32 in 0..1 and its CNN trace, each section
    drawn only while it is open. Returns whether the layers (and their animation stepper) were drawn."""
    st.divider()
    st.header("Inside the CNN")
    st.caption(
        "Every feature map of every layer for this digit, left to right in the order the data flows. "
        "Colours: blue negative, red positive, white zero for signed values (convolution outputs, logits); "
        "dark purple (zero) to yellow for values that cannot be negative. Pick a layer and a map to open it."
    )
    layers = _section("Every layer's feature maps, and one map computed step by step", LAYERS_OPEN, ":material/layers:")
    if layers.open:
        with layers:
            _layers(cnn, cnn_figures.trace_maps(trace))
    playground = _section("Convolution playground: run one convolution yourself", PLAYGROUND_OPEN, ":material/tune:")
    if playground.open:
        with playground, st.container(key="inside-playground"):
            digit_playground.render(np.asarray(x, np.float32)[0, :, :, 0], cnn)
    return bool(layers.open)


def _section(label: str, key: str, icon: str):
    """A section that runs only while open; open or closed, it stays so on a visit to another page and back."""
    lasting = f"{key}-lasting"
    if not isinstance(st.session_state.get(lasting, False), bool):
        # a tampered client sent something else than true/false as the section's state: closed, not a TypeError
        st.session_state[lasting] = False
    keep_open = ui.lasting(key, lasting, False)
    return st.expander(label, key=key, icon=icon, on_change=keep_open)


def _layers(cnn: compiled.Reader, maps: dict[str, np.ndarray]) -> None:
    """Layer and map choice, the overview and the detail.

    Not a fragment, on purpose: with fragments on the page, Chromium showed a stroke's prediction ~65 ms later
    (measured: mouse-up → prediction 360–371 ms with, 297–308 ms without), and a whole-page rerun costs only
    ~50 ms of server time now that the figures are plain specs."""
    with st.container(key="inside-select"):
        layer, index = _selection(maps)
    with st.container(key="inside-overview"):
        ui.plot(_overview_figure(maps, layer, index), key="inside-overview-chart")
    with st.container(key="inside-detail"):
        _detail(cnn, maps, layer, index)
