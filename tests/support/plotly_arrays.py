"""Plotly arrays as the browser receives them: a plain list, or a typed array {"dtype", "bdata", "shape"}."""

from __future__ import annotations

import base64
import math

import numpy as np


def decode(value) -> np.ndarray:
    """A figure's array property (x, y, z, customdata …) as a NumPy array of its sent shape.

    Plotly ≥ 6 sends NumPy arrays as {"dtype": "f8", "bdata": base64 bytes, "shape": "2, 3"} (shape only for
    2-D and up); lists stay lists. Typed arrays are little-endian, as JavaScript's typed arrays read them.
    """
    if isinstance(value, dict):
        if "bdata" not in value or "dtype" not in value:
            raise AssertionError(f"not a Plotly array: {sorted(value)}")
        arr = np.frombuffer(base64.b64decode(value["bdata"]), np.dtype(value["dtype"]).newbyteorder("<"))
        shape = value.get("shape")
        if shape is None:
            return arr
        dims = [int(s) for s in str(shape).split(",")] if isinstance(shape, str) else [int(s) for s in shape]
        return arr.reshape(dims)
    if value is None:
        raise AssertionError("the figure sends no array here")
    return np.asarray(value)


def plain(value):
    """A figure's JSON (or any part of it) with every typed array decoded to nested lists and NaN as None (a gap,
    as JSON lists send it), so two figures sent in different encodings compare equal when their numbers are."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            return plain(decode(value).tolist())
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def image_pixels(trace: dict) -> np.ndarray:
    """An image trace's pixels as sent, (H, W, channels) uint8: its `z` array, or its `source` PNG (a data URL),
    decoded here independently of the app (PIL)."""
    if "z" in trace:
        return decode(trace["z"])
    import io

    from PIL import Image

    head, _, payload = trace["source"].partition(",")
    assert head == "data:image/png;base64", head
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(payload))))
    return image[..., None] if image.ndim == 2 else image
