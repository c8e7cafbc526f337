"""Lecture mode without a browser: address values, the sketch in the address, lesson files, exported HTML."""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.app import lessons, query
from explorer.compute import convolution
from explorer.data import digits
from explorer.figures import animation, cnn_animation, export


@pytest.mark.parametrize(
    "raw,expected",
    [("7", 7), (" 0 ", 0), ("999", 999), ("1000", None), ("-1", None), ("1e3", None), ("x", None), ("9" * 40, None)],
)
def test_whole_numbers_in_range_only(raw, expected):
    value, problem = query.whole({"n": raw}, "n", 0, 999)
    assert value == expected
    assert (problem is None) == (expected is not None)
    if problem:
        assert "n=" in problem and "0 to 999" in problem and len(problem) < 200  # names it, quotes it short


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "2.5", "0.0", "abc", "1" * 100])
def test_numbers_outside_the_range_or_not_finite_are_refused(raw):
    value, problem = query.number({"t": raw}, "t", 0.1, 2.0)
    assert value is None and "0.1 to 2" in problem.plain


def test_markup_is_quoted_back_literally_and_cut():
    _, problem = query.choice({"cell": "<script>alert(1)</script>" * 20}, "cell", ["GRU", "LSTM"])
    assert "“\\<script\\>alert\\(1\\)\\<\\/script\\>" in problem and "…" in problem  # escaped: shown as typed
    assert "'<script>alert(1)</script><script>alert(1" in problem.plain


def test_a_sketch_survives_the_address_exactly(heldout=None):
    held = digits.load_heldout()
    for image in held.images[:50]:
        x = image.astype(np.float32) / 255.0
        code = query.encode_sketch(x)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", code) and len(code) < 1200
        np.testing.assert_array_equal(query.decode_sketch(code), x)  # bit for bit: the same prediction


def test_a_drawn_sketch_is_read_on_the_8_bit_grid_so_its_address_reproduces_it():
    rng = np.random.default_rng(0)
    centred = rng.random((28, 28)) * (rng.random((28, 28)) > 0.8)  # a preprocessed sketch: any floats
    x = query.quantised(centred)
    assert np.abs(x - centred).max() <= 0.5 / 255 + 1e-7
    np.testing.assert_array_equal(query.decode_sketch(query.encode_sketch(x)), x)


@pytest.mark.parametrize(
    "raw,says",
    [
        ("", "1 to 4,000"),
        ("A" * 5000, "1 to 4,000"),
        ("%%%", "not a sketch"),
        ("aGVsbG8", "not a sketch"),  # base64 of "hello": not compressed
        (query.encode_sketch(np.zeros((28, 28))), "empty"),
    ],
)
def test_bad_sketches_say_what_is_wrong(raw, says):
    with pytest.raises(ValueError, match=says):
        query.decode_sketch(raw)


def test_a_sketch_of_the_wrong_size_is_refused():
    import base64
    import zlib

    code = base64.urlsafe_b64encode(zlib.compress(bytes(100))).decode().rstrip("=")
    with pytest.raises(ValueError, match="100 pixels"):
        query.decode_sketch(code)


def test_the_shipped_lesson_is_valid_and_follows_the_lecture():
    found = lessons.available()
    lesson = lessons.load(found["cnn-vs-rnn"])
    assert lesson.title == "CNN vs RNN in 13 scenes" and len(lesson.scenes) == 13
    pages = [s.page for s in lesson.scenes]
    assert pages[:5] == ["digit"] * 5 and pages[5:8] == ["text"] * 3 and pages[-2:] == ["guide", "class"]
    layers = [s.params.get("layer") for s in lesson.scenes[:5]]
    assert layers == ["input", "conv1", "conv1", "pool 1", "softmax"]  # grid → convolution → map → pooling → answer


GOOD_SCENE = '[[scene]]\ntitle = "A"\npage = "digit"\nnote = "n"\nparams = { sample = 3 }\n'


@pytest.mark.parametrize(
    "source,says",
    [
        ('title = "L"\n[[scene]\n', "line 2"),  # TOML syntax: tomllib names the line
        (
            'title = "L"\n' + GOOD_SCENE + '[[scene]]\ntitle = "B"\npage = "digits"\nnote = "n"\n',
            "line 9: page 'digits'",
        ),
        (
            'title = "L"\n' + GOOD_SCENE.replace("sample = 3", "sample = 3000"),
            "line 6: Ignored the address parameter sample",
        ),
        (
            'title = "L"\n' + GOOD_SCENE.replace("sample = 3", "colour = 3"),
            "line 6: the digit page has no parameter 'colour'",
        ),
        ('title = "L"\n' + GOOD_SCENE.replace('note = "n"', 'note = "' + "x" * 700 + '"'), "at most 600"),
        ('title = "L"\n' + GOOD_SCENE.replace('title = "A"\n', ""), "scene 1 \\(line 2\\): the scene needs a title"),
        (
            'title = "L"\n[[scene]]\ntitle = "T"\npage = "text"\nnote = "n"\nparams = { text = "abc", step = 9 }\n',
            "line 6: Ignored the address parameter step='9': expected a whole number from 1 to 3",
        ),
        (
            'title = "L"\n[[scene]]\ntitle = "T"\npage = "compare"\nnote = "n"\nparams = { section = "Nope" }\n',
            "section='Nope'",
        ),
        ('title = "L"\n', "at least one"),
        ("[[scene]]\n", "needs a title"),
    ],
)
def test_a_bad_lesson_file_names_its_line(source, says):
    with pytest.raises(lessons.LessonError, match=says):
        lessons.parse(source, "bad", "bad.toml")


def _conv_figure():
    x = np.random.default_rng(1).random((28, 28, 1)).astype(np.float32)
    kernel = np.ones((3, 3, 1), np.float32) / 9
    row = convolution.conv_row(x, kernel, 0.0, 5, padding=1)
    output = convolution.conv_map(x, kernel, 0.0, 1, 1, 1)
    return cnn_animation.conv_animation(convolution.pad(x, 1).transpose(2, 0, 1), kernel, row, output, "in", "out")


def test_an_animation_opens_at_the_frame_the_address_names():
    fig = _conv_figure()
    frame = fig.spec["frames"][7]
    shown = animation.start_at(fig, 7)
    shown.validated()
    for index, change in zip(frame["traces"], frame["data"]):
        for key, value in change.items():
            assert shown.spec["data"][index][key] is value
    assert shown.spec["layout"]["sliders"][0]["active"] == 7
    assert (
        shown.spec["layout"]["title"]["text"] == frame["layout"]["title"]["text"] != fig.spec["layout"]["title"]["text"]
    )
    assert animation.start_at(fig, 0) is fig and animation.start_at(fig, 99) is fig


def test_the_exported_html_carries_plotly_and_every_frame():
    html = export.standalone_html(_conv_figure(), "conv <1>")
    assert "<title>conv &lt;1&gt;</title>" in html
    assert not re.search(r"<script[^>]+src=", html)  # nothing fetched: plotly.js is inside
    assert "Plotly.newPlot" in html and "addFrames" in html and len(html) > 3_000_000


def test_the_exported_html_of_a_figure_builder_is_that_figures():
    """A page may hand over a builder, so the figure only the download needs is built on the press."""
    from tests.support.apptest import standalone_figure
    from tests.support.plotly_arrays import plain

    fig = _conv_figure()
    built = standalone_figure(export.standalone_html(lambda: fig, "conv"))
    direct = fig.to_dict()
    assert plain(built["data"]) == plain(direct["data"]) and plain(built["frames"]) == plain(direct["frames"])
    assert len(built["frames"]) == len(fig.spec["frames"]) > 1


def test_the_shipped_sentiment_lesson_is_valid():
    lesson = lessons.load(lessons.available()["sentiment"])
    assert lesson.title == "Three ways to read a review" and {s.page for s in lesson.scenes} == {"sentiment"}


def test_a_sentiment_scene_with_a_bad_word_names_its_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "B"\n[[scene]]\ntitle = "x"\npage = "sentiment"\nnote = "n"\nparams = { word = 99 }\n')
    with pytest.raises(lessons.LessonError, match=r"line \d+.*word"):
        lessons.load(path)
