"""Every page opened with hostile address values in every one of its parameters: no exception, no error box, each
warning's markdown renders as plain text (checked with an independent CommonMark renderer, markdown-it), the rest
of the view opens; options in another case are taken without a warning."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from tests.support.apptest import errors, new_app

PARAMS = {  # every address parameter each page reads (with `present`, which every page's view bar reads)
    "digit": ("sample", "sketch", "cell", "layer", "map", "row", "frame"),
    "text": ("text", "cell", "step", "unit", "temperature", "seed"),
    "compare": ("section", "cell", "digit", "text_start", "text_cell", "probe", "amount", "shuffle_seed"),
    "forecast": ("fc_read",),
    "hybrid": (),
    "sentiment": ("review", "word", "order_seed"),
    "training": ("training_section",),
    "guide": ("guide_data", "guide_order", "guide_variable", "guide_memory", "guide_streaming", "guide_scale"),
    "lesson": ("lesson", "scene"),
    "class_room": ("room", "key"),
}
TYPED = {"text", "review"}  # free text the page reads as its input (shown in a text box, never as markdown)
HOSTILE = {
    "link": "[Log in again](http://evil.example/login)",
    "image": "![x](http://evil.example/pixel.png)",
    "html": "<img src=x onerror=alert(1)><b>bold</b>",
    "empty": "",
    "inf": "inf",
    "-inf": "-inf",
    "nan": "nan",
    "huge": "9" * 400,
    "rtl": "\u202e1\u200f\x07\n# 2",
}
WRONG_CASE = {  # a link written before options matched their exact label
    "digit": {"cell": "gru", "layer": "CONV1"},
    "text": {"cell": "simple rnn"},
    "compare": {"section": "one text, two readers", "cell": "lstm", "text_cell": "gru"},
    "training": {"training_section": "one step, UNROLLED"},
    "guide": {"guide_data": "GRID"},
}


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def opened(page: str, address: dict[str, str]):
    at = new_app()
    at.query_params.update(address)
    at.switch_page(f"explorer/app/pages/{page}/page.py")
    return at.run()


def address(at, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


def assert_view_opens(at, page: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error and not errors(at), errors(at)
    assert at.title, f"{page} shows no title"
    widgets = len(at.slider) + len(at.radio) + len(at.selectbox) + len(at.text_area) + len(at.button)
    assert widgets + len(at.get("plotly_chart")) > 0, f"{page} shows only its warnings"


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("page", list(PARAMS))
def test_hostile_values_in_every_parameter(page, kind):
    value = HOSTILE[kind]
    at = opened(page, {name: value for name in (*PARAMS[page], "present")})
    assert_view_opens(at, page)
    for warning in at.warning:
        html = rendered(warning.value)
        assert "<a" not in html and "<img" not in html and "<b>" not in html and "<h1" not in html, warning.value
        markup = any(c in value for c in "[]()!<>\n")
        assert not markup or value not in warning.value, warning.value  # never quoted as it came
    for shown in [*at.markdown, *at.caption, *at.info]:  # nothing else on screen carries the value as markup
        html = rendered(shown.value)
        assert "evil.example" not in html or "<a" not in html and "<img" not in html, shown.value
    if value and PARAMS[page] and not set(PARAMS[page]) <= TYPED:
        assert at.warning, f"{page} says nothing about {value!r}"


@pytest.mark.parametrize("page", list(WRONG_CASE))
def test_options_in_another_case_open_without_a_warning(page):
    at = opened(page, WRONG_CASE[page])
    assert_view_opens(at, page)
    assert not at.warning, [w.value for w in at.warning]
    for name, value in WRONG_CASE[page].items():  # the address now spells it as the option does
        assert address(at, name).casefold() == value.casefold() and address(at, name) != value


def test_the_first_step_stays_in_the_address():
    at = opened("text", {"text": "abc", "step": "1"})
    assert_view_opens(at, "text")
    assert at.session_state["step"] == 1
    assert address(at, "step") == "1"  # a link to the first character opens the first character


def test_a_one_scene_lesson_plays(tmp_path, monkeypatch):
    from explorer.app import lessons

    (tmp_path / "one.toml").write_text(
        'title = "One"\n[[scene]]\ntitle = "Only"\npage = "digit"\nnote = "n"\nparams = { sample = 3 }\n'
    )
    monkeypatch.setattr(lessons, "LESSONS", tmp_path)
    at = opened("lesson", {"lesson": "one"})
    assert_view_opens(at, "lesson")
    assert any("Scene 1 of 1: Only" in m.value for m in at.markdown)
    assert at.session_state["sample_index"] == 3  # the scene's digit page opened at its sample


def test_a_pasted_series_with_a_huge_value_gets_a_message_not_an_empty_forecast():
    at = opened("forecast", {})
    at.text_area(key="fc_user").input(", ".join(["5", "11", "16", "23"] * 7 + ["1e308"])).run()
    assert not at.exception and not at.error
    said = [w.value.replace("\\", "") for w in at.warning]
    assert any("Value 29 is 1e+308; values must lie within ±1e+100" in w for w in said), said
    assert not any("forecast-user-figure" in (c.proto.id or "") for c in at.get("plotly_chart"))


@pytest.mark.parametrize("kind", ["empty", "inf", "-inf", "nan", "huge", "link"])
def test_hostile_values_on_the_compare_probes_tab(kind):
    """The probes' widgets are drawn only on their own tab: open it, with every other parameter hostile."""
    value = HOSTILE[kind]
    address = {"section": "Invariance probes", "probe": value, "amount": value, "shuffle_seed": value}
    at = opened("compare", address | {"digit": value, "cell": value, "text_cell": value})
    assert_view_opens(at, "compare")
    assert at.get_by_key("compare-probe-curve") or at.get("plotly_chart"), "the probes tab did not open"
    if value:
        assert any("shuffle_seed=" in w.value for w in at.warning), [w.value for w in at.warning]


@pytest.mark.parametrize("page", ["digit", "text"])
def test_a_cell_in_another_case_is_the_cell_shown(page):
    at = opened(page, {"cell": "gru", "text": "abc"} if page == "text" else {"cell": "gRu", "sample": "3"})
    assert_view_opens(at, page)
    assert at.session_state["cell"] == "gru"  # the GRU's answers are the ones on screen
