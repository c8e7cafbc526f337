"""The canvas value is bounded before it is decoded: a decompression bomb, a wrong size, another format, truncated
data or another JSON shape is refused in words, without Pillow ever decoding it and without allocating it."""

from __future__ import annotations

import base64
import io
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from PIL import Image

from explorer.data import canvas

SIDE = 280  # the Digit page's canvas


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def zero_png(width: int, height: int, channels: int = 4) -> bytes:
    """A valid PNG of width × height black pixels (8-bit RGBA, or grey for channels=1), compressed row by row so
    that the test never holds the decoded image: 13,000 × 13,000 grey is 169 MB of pixels in ~165 kB."""
    colour_type = {1: 0, 4: 6}[channels]
    packer = zlib.compressobj(9)
    row = bytes(1 + width * channels)  # filter byte 0, then the row's zeros
    parts = [packer.compress(row) for _ in range(height)]
    idat = b"".join(parts) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return canvas.PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def data_url(png: bytes, prefix: str = canvas.DATA_URL_PREFIX) -> str:
    return prefix + base64.b64encode(png).decode("ascii")


def state(data) -> dict:
    """The canvas's value, as the browser sends it (explorer/app/sketch_canvas/frontend/sketch.js)."""
    return {"png": data, "strokes": 1}


def drawn_png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zero_png(13_000, 13_000, channels=1)


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if Pillow is asked to open anything."""

    def refuse(*args, **kwargs):
        raise AssertionError("Pillow was asked to decode a value that should have been refused first")

    monkeypatch.setattr(Image, "open", refuse)


def test_a_drawing_is_read_pixel_for_pixel():
    rng = np.random.default_rng(0)
    pixels = np.zeros((SIDE, SIDE, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[100:180, 120:140, :3] = 255
    pixels[5, 7] = rng.integers(0, 256, 4, dtype=np.uint8)
    got = canvas.canvas_pixels(state(data_url(drawn_png(pixels))), SIDE)
    assert got.dtype == np.uint8 and got.shape == (SIDE, SIDE, 4)
    np.testing.assert_array_equal(got, pixels)


def test_nothing_drawn_is_none():
    assert canvas.canvas_pixels(None, SIDE) is None
    assert canvas.canvas_pixels({"png": None, "strokes": 0}, SIDE) is None
    assert canvas.canvas_pixels(state(None), SIDE) is None


def test_the_bomb_is_small_on_the_wire_and_huge_decoded(bomb):
    assert len(bomb) < 400_000  # what a student sends…
    assert canvas.png_size(bomb) == (13_000, 13_000)  # …and what it would take: 169 M pixels


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(bomb, no_decoding):
    url = data_url(bomb)
    assert len(url) < canvas.max_data_url_chars(SIDE)  # short enough: the header is what refuses it
    tracemalloc.start()
    try:
        with pytest.raises(canvas.CanvasError, match="13,000 × 13,000 pixels, the canvas is 280 × 280"):
            canvas.canvas_pixels(state(url), SIDE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * len(url) + 1_000_000  # the base64 text decoded once, never the pixels (169 MB)


def test_an_rgba_bomb_is_refused_by_its_length_before_base64(no_decoding):
    url = canvas.DATA_URL_PREFIX + "A" * (canvas.max_data_url_chars(SIDE) + 1)
    tracemalloc.start()
    try:
        with pytest.raises(canvas.CanvasError, match="characters"):
            canvas.canvas_pixels(state(url), SIDE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000


def test_the_length_bound_admits_the_largest_honest_canvas():
    noise = np.random.default_rng(1).integers(0, 256, (SIDE, SIDE, 4), dtype=np.uint8)  # incompressible
    png = drawn_png(noise)
    assert len(data_url(png)) <= canvas.max_data_url_chars(SIDE)
    np.testing.assert_array_equal(canvas.canvas_pixels(state(data_url(png)), SIDE), noise)


@pytest.mark.parametrize("size", [(279, 280), (280, 281), (28, 28), (0, 0), (2**31 - 1, 1)])
def test_other_sizes_are_refused_before_decoding(size, no_decoding):
    header = struct.pack(">IIBBBBB", *size, 8, 6, 0, 0, 0)
    png = canvas.PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IEND", b"")
    with pytest.raises(canvas.CanvasError, match=f"{size[0]:,} × {size[1]:,} pixels"):
        canvas.canvas_pixels(state(data_url(png)), SIDE)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (SIDE, SIDE)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "url, said",
    [
        (data_url(_jpeg(), "data:image/jpeg;base64,"), "not a PNG data URL"),
        (data_url(_jpeg()), "not a PNG image"),  # a JPEG that claims to be a PNG
        ("data:image/svg+xml;base64,PHN2Zz4=", "not a PNG data URL"),
        ("http://example.com/x.png", "not a PNG data URL"),
        (canvas.DATA_URL_PREFIX + "not base64!", "not base64"),
        (canvas.DATA_URL_PREFIX, "not a PNG image"),
        (canvas.DATA_URL_PREFIX + base64.b64encode(canvas.PNG_SIGNATURE).decode(), "not a PNG image"),
    ],
)
def test_other_formats_are_refused(url, said, no_decoding):
    with pytest.raises(canvas.CanvasError, match=said):
        canvas.canvas_pixels(state(url), SIDE)


def test_a_truncated_png_of_the_right_size_is_refused():
    whole = drawn_png(np.random.default_rng(2).integers(0, 256, (SIDE, SIDE, 4), dtype=np.uint8))
    for cut in (33, 60, len(whole) // 2, len(whole) - 2000):  # every cut takes pixels away
        with pytest.raises(canvas.CanvasError, match="truncated or corrupt"):
            canvas.canvas_pixels(state(data_url(whole[:cut])), SIDE)


@pytest.mark.parametrize(
    "value, said",
    [
        ([1, 2, 3], "the canvas value is a list"),
        ("data:image/png;base64,", "the canvas value is a str"),
        (7, "the canvas value is a int"),
        ({"drawing": {"data": None}}, "1 field.s. this canvas never sends"),
        ({"png": None, "raw": [], "x" * 10_000: 1}, "2 field.s. this canvas never sends"),
        ({"png": None, "strokes": -1}, "stroke count is int '-1'"),
        ({"png": None, "strokes": True}, "stroke count is bool"),
        ({"png": None, "strokes": "9" * 100}, "stroke count is str '9999"),
        ({"png": 12, "strokes": 1}, "its image is a int"),
        ({"png": {"a": 1}}, "its image is a dict"),
    ],
)
def test_other_json_shapes_are_refused_in_words(value, said, no_decoding):
    with pytest.raises(canvas.CanvasError, match=said):
        canvas.canvas_pixels(value, SIDE)
