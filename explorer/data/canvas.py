"""The drawing canvas's value, read as untrusted input: bounded before anything is decoded.

The canvas (`explorer.app.sketch_canvas`) keeps in the session whatever the browser last sent: a JSON value
`{"png": "data:image/png;base64,…", "strokes": n}`. Handed straight to Pillow, a PNG is decoded whole: a
657 kB PNG of 13,000 × 13,000 zeros becomes a 676 MB array (1.9 GB of server memory at its peak), and Pillow's
`Image.MAX_IMAGE_PIXELS` (89 M pixels) only warns below twice its limit, so that bomb passes it. Here the shape
of the state, the text's length, the data URL's prefix and the PNG header's width and height (IHDR, the first
chunk of every PNG) are checked first; Pillow decodes only a PNG that says it is side × side, where its work is
bounded by the size.
"""

from __future__ import annotations

import base64
import binascii
import io
import struct
import zlib
from collections.abc import Mapping

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# The largest PNG a side × side RGBA canvas can honestly be: every pixel stored uncompressed (deflate's stored
# blocks), one filter byte a row, and room for the chunk headers and the odd text chunk a browser adds.
_SLACK_BYTES = 64 * 1024


class CanvasError(ValueError):
    """The canvas value is not a drawing this app's canvas sends; the message says what is wrong, in words."""


def max_png_bytes(side: int) -> int:
    """The most bytes a side × side RGBA canvas PNG takes (uncompressed pixels, row filters, chunk headers)."""
    return side * (side * 4 + 1) + _SLACK_BYTES


def max_data_url_chars(side: int) -> int:
    """The longest data URL a side × side canvas PNG gives (base64 is 4 characters per 3 bytes)."""
    return len(DATA_URL_PREFIX) + 4 * ((max_png_bytes(side) + 2) // 3)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header (its IHDR chunk), reading 24 bytes and decoding nothing.
    Raises CanvasError when the bytes do not start like a PNG."""
    if len(png) < 24 or not png.startswith(PNG_SIGNATURE):
        raise CanvasError("it is not a PNG image")
    length, kind, width, height = struct.unpack(">I4sII", png[8:24])
    if kind != b"IHDR" or length != 13:
        raise CanvasError("it is not a PNG image (no header chunk first)")
    return width, height


def png_bytes(data_url: object, side: int) -> bytes:
    """The PNG inside a `data:image/png;base64,…` URL, after bounding its length and its header's size.

    Raises CanvasError for anything that is not text, too long, not a PNG data URL, not base64, or a PNG of
    another size than side × side."""
    if not isinstance(data_url, str):
        raise CanvasError(f"its image is a {type(data_url).__name__}, not a data URL")
    if len(data_url) > max_data_url_chars(side):
        raise CanvasError(
            f"its image has {len(data_url):,} characters, a {side} × {side} canvas at most {max_data_url_chars(side):,}"
        )
    if not data_url.startswith(DATA_URL_PREFIX):
        raise CanvasError("its image is not a PNG data URL")
    try:
        png = base64.b64decode(data_url[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise CanvasError("its image is not base64 text") from None
    width, height = png_size(png)
    if (width, height) != (side, side):
        raise CanvasError(f"its image is {width:,} × {height:,} pixels, the canvas is {side} × {side}")
    return png


def decode_png(png: bytes, side: int) -> np.ndarray:
    """A side × side PNG (already bounded by `png_bytes`) → (side, side, 4) uint8 RGBA. Raises CanvasError for
    a truncated or corrupt image. Pillow's own size guard stays on as a second line."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            if image.size != (side, side):  # read from the header by Pillow, again without decoding
                raise CanvasError(f"its image is {image.size[0]} × {image.size[1]} pixels, not {side} × {side}")
            pixels = np.asarray(image.convert("RGBA"))
    except CanvasError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, Image.DecompressionBombError):
        raise CanvasError("its image is truncated or corrupt") from None
    return pixels


def drawing_data_url(state: object) -> str | None:
    """The image data URL from the canvas's value, or None when nothing is drawn.

    The value must have the shape the canvas sends (`explorer.app.sketch_canvas`): None, or a mapping with a "png"
    data URL (or None) and a whole number of "strokes", nothing else; anything else raises CanvasError."""
    if state is None:
        return None
    if not isinstance(state, Mapping):
        raise CanvasError(f"the canvas value is a {type(state).__name__}, not an object")
    unknown = [name for name in state if name not in ("png", "strokes")]
    if unknown:
        raise CanvasError(f"the canvas value has {len(unknown):,} field(s) this canvas never sends")
    strokes = state.get("strokes")
    if strokes is not None and (isinstance(strokes, bool) or not isinstance(strokes, int) or strokes < 0):
        raise CanvasError(f"its stroke count is {type(strokes).__name__} {str(strokes)[:20]!r}, not a count")
    data = state.get("png")
    if data is not None and not isinstance(data, str):
        raise CanvasError(f"its image is a {type(data).__name__}, not a data URL")
    return data


def canvas_pixels(state: object, side: int) -> np.ndarray | None:
    """The canvas component's state → its (side, side, 4) uint8 RGBA pixels, or None when nothing is drawn.

    Every bound is checked before the PNG is decoded; raises CanvasError saying what is wrong."""
    data_url = drawing_data_url(state)
    if data_url is None:
        return None
    return decode_png(png_bytes(data_url, side), side)
