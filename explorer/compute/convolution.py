"""Step-by-step window math that the Digit page's animations replay.

Everything here is plain numpy, one window at a time, written the way a student
would do it by hand: cut the window out of the (padded) input, multiply it with
the kernel element by element, sum, add the bias. The tests check these
replays against the model's trace and against `jax.lax.conv_general_dilated`,
so an animation built from them shows what the network computed.

Convolution here is what deep-learning layers compute (cross-correlation: the
kernel is not flipped), with the input laid out (H, W, C) and the kernel
(k, k, C_in) for one output channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KERNEL_SIZES = range(1, 8)
STRIDES = range(1, 4)
PADDINGS = range(0, 4)
DILATIONS = range(1, 4)


def output_size(n: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length along one axis: floor((n + 2p − d(k − 1) − 1) / s) + 1 (≤ 0 means no output)."""
    span = dilation * (kernel_size - 1) + 1  # pixels one window covers, dilation included
    return (n + 2 * padding - span) // stride + 1


def pad(x: np.ndarray, padding: int) -> np.ndarray:
    """(H, W, C) → (H + 2p, W + 2p, C) with zeros around, the way conv layers pad."""
    return np.pad(np.asarray(x, np.float32), ((padding, padding), (padding, padding), (0, 0)))


@dataclass(frozen=True)
class ConvRow:
    """One output row of a convolution, window by window (Wo windows, kernel k×k, C input channels).

    Coordinates are in the padded input: tap (a, b) of window j reads padded[rows[a], cols[j, b]].
    """

    row: int  # output row index
    rows: np.ndarray  # (k,) padded-input rows the kernel taps read
    cols: np.ndarray  # (Wo, k) padded-input columns, per window
    patches: np.ndarray  # (Wo, k, k, C) input values under the kernel
    products: np.ndarray  # (Wo, k, k, C) patches × kernel, element by element
    channel_sums: np.ndarray  # (Wo, C) sum of products within each input channel
    bias: float
    out: np.ndarray  # (Wo,) channel sums added up, plus the bias


def _taps(start: int, kernel_size: int, dilation: int) -> np.ndarray:
    return start + dilation * np.arange(kernel_size)


def _checked(x, kernel, stride: int, padding: int, dilation: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(x, kernel) as float32 and the output's (rows, columns); ValueError when there is no output at all."""
    x, kernel = np.asarray(x, np.float32), np.asarray(kernel, np.float32)
    k = kernel.shape[0]
    h_out = output_size(x.shape[0], k, stride, padding, dilation)
    w_out = output_size(x.shape[1], k, stride, padding, dilation)
    if h_out <= 0 or w_out <= 0:
        raise ValueError("the kernel is larger than the padded input: there is no output")
    return x, kernel, h_out, w_out


def conv_row(
    x: np.ndarray, kernel: np.ndarray, bias: float, row: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> ConvRow:
    """Replay output row `row` of a convolution.

    x (H, W, C) input; kernel (k, k, C) for one output channel; returns every
    window of that row with its products and sums.
    """
    x, kernel, h_out, w_out = _checked(x, kernel, stride, padding, dilation)
    k = kernel.shape[0]
    if not 0 <= row < h_out:
        raise ValueError(f"row {row} is outside the output's {h_out} rows")
    padded = pad(x, padding)
    rows = _taps(row * stride, k, dilation)  # (k,)
    cols = np.stack([_taps(j * stride, k, dilation) for j in range(w_out)])  # (Wo, k)
    patches = padded[rows[None, :, None], cols[:, None, :]]  # (Wo, k, k, C)
    products = patches * kernel[None]
    channel_sums = products.sum(axis=(1, 2))  # (Wo, C)
    out = channel_sums.sum(axis=1) + np.float32(bias)
    return ConvRow(row, rows, cols, patches, products, channel_sums, float(bias), out.astype(np.float32))


def conv_map(
    x: np.ndarray, kernel: np.ndarray, bias: float = 0.0, stride: int = 1, padding: int = 0, dilation: int = 1
) -> np.ndarray:
    """The whole output map, (H, W, C) * (k, k, C) → (Ho, Wo): every window at once, summed in the same order
    as `conv_row` (within each channel, then over channels), so each cell equals the row replay's."""
    x, kernel, h_out, w_out = _checked(x, kernel, stride, padding, dilation)
    k = kernel.shape[0]
    padded = pad(x, padding)
    rows = np.stack([_taps(r * stride, k, dilation) for r in range(h_out)])  # (Ho, k)
    cols = np.stack([_taps(j * stride, k, dilation) for j in range(w_out)])  # (Wo, k)
    patches = padded[rows[:, None, :, None], cols[None, :, None, :]]  # (Ho, Wo, k, k, C)
    channel_sums = (patches * kernel).sum(axis=(2, 3))  # (Ho, Wo, C)
    return (channel_sums.sum(axis=-1) + np.float32(bias)).astype(np.float32)


def shrink(image: np.ndarray, factor: int) -> np.ndarray:
    """(H, W) → (H // factor, W // factor): the mean of each factor × factor block."""
    image = np.asarray(image, np.float32)
    if factor == 1:
        return image
    h, w = image.shape[0] // factor, image.shape[1] // factor
    return image[: h * factor, : w * factor].reshape(h, factor, w, factor).mean(axis=(1, 3))


def same_padding(kernel_size: int) -> int:
    """The padding a stride-1 'SAME' layer with an odd kernel uses on each side."""
    return (kernel_size - 1) // 2


@dataclass(frozen=True)
class PoolRow:
    """One output row of 2×2 (size×size) max pooling with stride = size, over one map."""

    row: int
    windows: np.ndarray  # (Wo, size, size) input values under each window
    argmax: np.ndarray  # (Wo, 2) input (row, col) of each kept maximum
    out: np.ndarray  # (Wo,) the maxima


def pool_row(x: np.ndarray, row: int, size: int = 2) -> PoolRow:
    """Replay output row `row` of non-overlapping max pooling; x (H, W) → PoolRow."""
    x = np.asarray(x, np.float32)
    w_out = x.shape[1] // size
    if not 0 <= row < x.shape[0] // size:
        raise ValueError(f"row {row} is outside the pooled map")
    band = x[row * size : (row + 1) * size, : w_out * size]  # (size, Wo*size)
    windows = band.reshape(size, w_out, size).transpose(1, 0, 2)  # (Wo, size, size)
    flat = windows.reshape(w_out, -1).argmax(axis=1)
    argmax = np.stack([row * size + flat // size, np.arange(w_out) * size + flat % size], axis=1)
    return PoolRow(row, windows, argmax, windows.reshape(w_out, -1).max(axis=1))


def pool_map(x: np.ndarray, size: int = 2) -> np.ndarray:
    """(H, W) → (H // size, W // size) maxima, replayed row by row."""
    return np.stack([pool_row(x, r, size).out for r in range(np.asarray(x).shape[0] // size)])


# Classic hand-made kernels, any size the playground offers where the idea makes sense.
# Every edge kernel follows one sign convention, Sobel's: its output is positive (red) where the image gets
# brighter going down / going right, negative (blue) where it gets darker. The names say which.
STEP_DOWN, STEP_RIGHT = "step: bright below dark", "step: bright right of dark"
SOBEL_DOWN, SOBEL_RIGHT = "Sobel: bright below dark", "Sobel: bright right of dark"
EDGE_KERNELS = (STEP_DOWN, STEP_RIGHT, SOBEL_DOWN, SOBEL_RIGHT)
CLASSIC_KERNELS = (*EDGE_KERNELS, "blur", "sharpen")


def _binomial(n: int) -> np.ndarray:
    row = np.array([1.0])
    for _ in range(n):
        row = np.convolve(row, [1.0, 1.0])
    return row


def classic_kernel(name: str, size: int) -> np.ndarray:
    """A hand-made (size, size) float32 kernel; ValueError (with the reason) where the size makes no sense.

    Edge kernels (one convention: positive where the image gets brighter downward / rightward):
    step: −1 on the first side, +1 on the second; Sobel: the same, smoothed by binomial weights (size 3, "bright
    right of dark", gives the textbook [[-1,0,1],[-2,0,2],[-1,0,1]]). blur: the mean of the window; sharpen:
    the pixel plus (pixel − blur).
    """
    if size not in KERNEL_SIZES:
        raise ValueError(f"kernel size must be 1–7, not {size}")
    if name in EDGE_KERNELS and size < 2:
        raise ValueError(f"an edge detector compares neighbours: {name} needs a kernel of at least 2 × 2")
    if name == "blur":
        return np.full((size, size), 1.0 / size**2, np.float32)
    if name == "sharpen":
        k = -np.full((size, size), 1.0 / size**2)
        k[size // 2, size // 2] += 2.0
        return k.astype(np.float32)
    if name in (STEP_DOWN, STEP_RIGHT):
        ramp = np.sign(np.linspace(-1.0, 1.0, size))  # −1 … 0 … +1
        k = np.outer(ramp, np.ones(size))  # rows: dark above (−), bright below (+)
        return (k if name == STEP_DOWN else k.T).astype(np.float32)
    if name in (SOBEL_DOWN, SOBEL_RIGHT):
        smooth = _binomial(size - 1)
        derivative = np.array([-1.0, 1.0]) if size == 2 else np.convolve(_binomial(size - 3), [-1.0, 0.0, 1.0])
        k = np.outer(smooth, derivative)  # columns: dark left (−), bright right (+)
        return (k if name == SOBEL_RIGHT else k.T).astype(np.float32)
    raise ValueError(f"unknown kernel {name!r}; choose one of {', '.join(CLASSIC_KERNELS)}")
