"""Hostile values from the address, a teacher's lesson file or a pasted series: shown as literal text, refused in
words, bounded before parsing. The markdown is checked with an independent CommonMark renderer (markdown-it)."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from explorer.app import lessons, query
from explorer.data import series

HOSTILE = [
    "[Log in again](http://evil.example/login)",
    "![x](http://evil.example/pixel.png)",
    "<img src=http://evil.example/p.png>",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "# heading",
    "1. list",
    "**bold** _it_ `code`",
    ":red[alarm] :material/warning:",
    "$x^2$",
    "a\nb\r\nc",
    "\u202eevil\u200f\x00\x1b[31m",
    "<http://evil.example>",
    "http://evil.example/auto",
]


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


@pytest.mark.parametrize("raw", HOSTILE)
def test_a_quoted_value_renders_as_its_own_text(raw):
    html = rendered(query.literal(raw, None))
    assert "<a" not in html and "<img" not in html and "<script" not in html
    assert re.fullmatch(r"<p>.*</p>\n", html, re.S)  # one paragraph: no heading, list or code block formed
    assert "<em>" not in html and "<strong>" not in html and "<code>" not in html
    for c in "[]()!<>$:*_`#":  # every markup character the value holds comes out literally
        if c in raw:
            assert f"\\{c}" in query.literal(raw, None)
    assert "\n" not in query.literal(raw, None) and "\u202e" not in query.literal(raw, None)


def test_a_quoted_value_is_cut():
    shown = query.literal("x" * 500)
    assert shown == "x" * query.MAX_SHOWN + "…"


@pytest.mark.parametrize("raw", HOSTILE)
def test_an_address_problem_quotes_the_value_literally(raw):
    _, bad = query.whole({"sample": raw}, "sample", 0, 9)
    html = rendered(bad)
    assert "<a" not in html and "<img" not in html and "<script" not in html
    assert bad.name == "sample"


@pytest.mark.parametrize("raw", ["", " ", "inf", "-inf", "nan", "1e3", "9" * 40, "٣", "1.0", "0x1"])
def test_integer_parameters_refuse_what_is_not_a_whole_number_in_range(raw):
    assert query.whole({"seed": raw}, "seed", 0, 2**31 - 1)[0] is None


@pytest.mark.parametrize("raw", ["gru", "GRU", " Gru ", "gRu"])
def test_options_match_in_any_case_and_come_back_in_their_own_spelling(raw):
    assert query.choice({"cell": raw}, "cell", list(query.CELL_BY_TITLE)) == ("GRU", None)
    assert query.choice({"cell": "simple rnn"}, "cell", list(query.CELL_BY_TITLE)) == ("Simple RNN", None)


def test_settle_drops_refused_values_and_respells_options():
    address = {"seed": "inf", "cell": "lstm", "unit": "3", "section": "x"}
    problems = [query.whole(address, "seed", 0, 9)[1], query.choice(address, "section", ["A"])[1]]
    query.settle(address, problems, {"cell": list(query.CELL_BY_TITLE)})
    assert address == {"cell": "LSTM", "unit": "3"}


# ------------------------------------------------------------------------------------------- teacher-side files

SCENE = '[[scene]]\ntitle = "A"\npage = "digit"\nnote = "n"\nparams = { sample = 3 }\n'


def test_a_one_scene_lesson_is_valid():
    lesson = lessons.parse('title = "One"\n' + SCENE, "one", "one.toml")
    assert len(lesson.scenes) == 1 and lesson.scenes[0].params == {"sample": "3"}


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a=", "}")])
def test_a_deeply_nested_lesson_is_refused_with_its_line_not_a_recursion_error(opener, closer):
    source = 'title = "Deep"\n\nx = ' + opener * 5000 + closer * 5000 + "\n" + SCENE
    with pytest.raises(lessons.LessonError, match=r"deep\.toml, line 3: arrays or tables nested 5,?000 deep"):
        lessons.parse(source, "deep", "deep.toml")


def test_brackets_inside_strings_and_comments_are_not_nesting():
    source = 'title = "[[[[[[[[[[[["\n# {{{{{{{{{{{{{{{{\n' + SCENE.replace('note = "n"', "note = '''[[[[[[[[[[[[[['''")
    assert lessons.parse(source, "s", "s.toml").title == "[[[[[[[[[[[["


def test_a_huge_lesson_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text('title = "H"\n' + "# padding\n" * 20_000 + SCENE)
    with pytest.raises(lessons.LessonError, match="at most 65,536") as caught:
        lessons.load(path)
    assert str(tmp_path) not in str(caught.value)  # no server path in a message


def test_lesson_messages_name_paths_relative_to_the_project(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "L"\n' + SCENE.replace("sample = 3", "colour = 3"))
    with pytest.raises(lessons.LessonError) as caught:
        lessons.load(path)
    assert str(caught.value).startswith("bad.toml, line 6") and str(tmp_path) not in str(caught.value)
    shipped = next(iter(lessons.available().values()))
    assert lessons.shown_path(shipped) == f"explorer/lessons/{shipped.name}"


# ------------------------------------------------------------------------------------------- a pasted series


def test_a_huge_value_in_a_pasted_series_is_refused_in_words():
    values = series.parse_numbers(", ".join(["1", "2"] * 15 + ["1e308"]))
    with pytest.raises(ValueError, match=r"Value 31 is 1e\+308; values must lie within ±1e\+100"):
        series.check_user_series(values)


def test_the_largest_accepted_values_keep_a_finite_scale():
    values = series.check_user_series([series.MAX_USER_MAGNITUDE, -series.MAX_USER_MAGNITUDE] * 1000)
    scaler = series.Scaler.fit(values)
    assert scaler.std == pytest.approx(1e100, rel=1e-12)  # the population std of ±a is a
