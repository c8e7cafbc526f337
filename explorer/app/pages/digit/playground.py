"""Digit page: the convolution playground on the user's own preprocessed digit.

Kernel size, stride, padding and dilation are the user's; the kernel is a
classic hand-made one or one that conv1 learned. Settings that leave no output
(the kernel does not fit in the padded input) get a message, not an error.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import ui
from explorer.compute import convolution
from explorer.figures import cnn_animation
from explorer.figures import playground as playground_figures
from explorer.models import compiled

LEARNED = "learned conv1 filter "
INPUT_SIDES = [28, 14, 7]


@st.cache_resource(show_spinner=False, max_entries=16, ttl=300)  # per input: bounded, short-lived
def _figures(image: np.ndarray, kernel: np.ndarray, stride: int, padding: int, dilation: int, row: int, name: str):
    """(result figure, animation figure) for one setting; cached per process on the inputs."""
    x = image[:, :, None]
    output = convolution.conv_map(x, kernel[..., None], 0.0, stride, padding, dilation)
    padded = convolution.pad(x, padding)[..., 0]
    replay = convolution.conv_row(x, kernel[..., None], 0.0, row, stride, padding, dilation)
    result = playground_figures.playground_result(padded, kernel, output, padding)
    animation = cnn_animation.conv_animation(
        padded[None], kernel[..., None], replay, output, input_title="your digit", output_title=name
    )
    return result, animation


def _kernel_choice(cnn: compiled.Reader) -> tuple[np.ndarray | None, str]:
    """The chosen (k, k) kernel, or None after telling the user why the choice does not work."""
    learned = np.asarray(cnn.model.conv1.kernel[...], np.float32)[:, :, 0, :]  # (3, 3, C1)
    options = list(convolution.CLASSIC_KERNELS) + [f"{LEARNED}{i}" for i in range(learned.shape[-1])]
    left, right = st.columns([0.4, 0.6])
    name = left.selectbox(
        "Kernel",
        options,
        key="pg-kernel",
        help="Hand-made filters, or one of the 3 × 3 filters conv1 learned in training.",
    )
    if name.startswith(LEARNED):
        right.slider(
            "Kernel size",
            1,
            7,
            3,
            key="pg-size-learned",
            disabled=True,
            help="A learned filter has the size it was trained with: 3 × 3.",
        )
        return learned[..., int(name.removeprefix(LEARNED))], name
    size = right.slider("Kernel size", 1, 7, 3, key="pg-size")
    try:
        return convolution.classic_kernel(name, size), name
    except ValueError as e:
        st.info(str(e).capitalize() + ". Make the kernel larger.", icon=":material/info:")
        return None, name


def render(image: np.ndarray, cnn: compiled.Reader) -> None:
    """The playground for image (28, 28) float32 in 0..1 (the model's input). Not a fragment: see
    inside._layers for the measurement behind that."""
    st.subheader("Convolution playground")
    st.caption(
        "Run one convolution yourself on your digit. Stride skips positions, padding adds a border of "
        "zeros, dilation spreads the kernel's taps apart. No bias here: the output is just the weighted sum. "
        "Every edge kernel follows one sign convention: its output is positive (red) where the image gets brighter "
        "in the direction its name gives, negative (blue) where it gets darker."
    )
    side = st.segmented_control(
        "Input",
        INPUT_SIDES,
        format_func=lambda n: f"{n} × {n}",
        default=28,
        key="pg-input-side",
        required=True,
        help="Your digit at full size, or shrunk by averaging 2 × 2 / 4 × 4 blocks: the resolution the deeper "
        "layers of the CNN work at.",
    )
    image = convolution.shrink(image, 28 // int(side or 28))
    kernel, name = _kernel_choice(cnn)
    cols = st.columns(3)
    stride = cols[0].slider("Stride s", 1, 3, 1, key="pg-stride")
    padding = cols[1].slider("Padding p", 0, 3, 1, key="pg-padding")
    dilation = cols[2].slider("Dilation d", 1, 3, 1, key="pg-dilation")
    if kernel is None:
        return
    k = kernel.shape[0]
    n = image.shape[0]
    size = convolution.output_size(n, k, stride, padding, dilation)
    st.latex(
        r"n_\text{out} = \left\lfloor \frac{n + 2p - d\,(k-1) - 1}{s} \right\rfloor + 1"
        rf" = \left\lfloor \frac{{{n} + 2\cdot{padding} - {dilation}\cdot({k}-1) - 1}}{{{stride}}} \right\rfloor + 1"
        rf" = {size}"
    )
    if size <= 0:
        with st.container(key="pg-empty"):
            span = dilation * (k - 1) + 1
            st.warning(
                f"No output: the dilated kernel spans {span} × {span} pixels but the padded input is only "
                f"{n + 2 * padding} × {n + 2 * padding}. Use a smaller kernel or dilation, or more padding.",
                icon=":material/block:",
            )
        return
    row = 0 if size == 1 else st.slider("Output row to animate", 0, size - 1, size // 2, key=f"pg-row-{size}")
    result, animation = _figures(np.asarray(image, np.float32), kernel, stride, padding, dilation, row, name)
    with st.container(key="pg-result"):
        ui.plot(result, key="pg-result-chart")
    ui.plot(animation, key="pg-animation")
