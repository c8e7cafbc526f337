"""Typed page state (app/state.py) and each page's open_view: the typed defaults before any page wrote them, and
a lesson scene opening the same view as the scene's parameters in the address."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from explorer.app import lessons
from tests.support.apptest import new_app


def _defaults_script():
    import streamlit as st

    from explorer.app import state

    choice = state.digit_choice()
    st.session_state.seen = (choice.source, choice.sample, choice.shared, state.digit_input(), state.rnn_cell())
    st.session_state.text_cell_seen = state.text_rnn_cell()
    state.set_rnn_cell("gru")
    state.choose_digit(state.DigitChoice("sample", 7))
    st.session_state.after = (state.rnn_cell(), state.digit_choice().source, state.digit_choice().sample)


def test_typed_defaults_before_any_page_wrote_them_and_what_a_page_writes():
    at = AppTest.from_function(_defaults_script).run()
    assert not at.exception and not at.error
    assert at.session_state["seen"] == ("sketch", 0, None, None, "lstm")
    assert at.session_state["text_cell_seen"] == "lstm"
    assert at.session_state["after"] == ("gru", "sample", 7)


# what each page's view is made of, in session state (the keys its open_view sets)
VIEW_KEYS = {
    "digit": ("digit_source", "sample_index", "cell", "layer", "map", "row", "frame"),
    "text": ("text_read", "step", "cell", "temperature", "seed"),
    "compare": ("section", "cell", "compare_sample_index", "compare_text_start"),
    "sentiment": ("review_typed", "word", "order_seed"),
    "guide": lessons.page("guide").PARAMS,
}
SCENES = {}  # the first shipped scene of each page
for slug, path in lessons.available().items():
    for number, scene in enumerate(lessons.load(path).scenes, start=1):
        SCENES.setdefault(scene.page, (slug, number, scene))


def _view(at, page: str) -> dict:
    return {key: at.session_state[key] for key in VIEW_KEYS[page] if key in at.session_state}


# a Class scene has no view to open from parameters (a room is started in it: tests/app/test_class_page.py)
@pytest.mark.parametrize("page", sorted(set(SCENES) - {"class"}))
def test_a_lesson_scene_and_its_address_open_the_same_view(page):
    slug, number, scene = SCENES[page]
    by_lesson = new_app()
    by_lesson.query_params.update({"lesson": slug, "scene": str(number)})
    by_lesson.switch_page("explorer/app/pages/lesson/page.py").run()
    by_address = new_app()
    by_address.query_params.update(scene.params)
    by_address.switch_page(f"explorer/app/pages/{page}/page.py").run()
    for at in (by_lesson, by_address):
        assert not at.exception and not at.error and not at.warning
    lesson_view, address_view = _view(by_lesson, page), _view(by_address, page)
    both = set(lesson_view) & set(address_view)  # a widget in a closed tab keeps no state on either
    named = {k for k in scene.params if k in VIEW_KEYS[page]}
    assert both and named <= both
    assert {k: lesson_view[k] for k in both} == {k: address_view[k] for k in both}


@pytest.mark.parametrize("page", lessons.PAGES)
def test_every_lesson_page_declares_checks_and_opens_its_parameters(page):
    module = lessons.page(page)
    assert module.PARAMS and len(set(module.PARAMS)) == len(module.PARAMS)
    assert callable(module.address_problems) and callable(module.open_view)
    assert module.address_problems({}) == []
    name = module.PARAMS[0]
    with pytest.raises(lessons.LessonError, match=f"{page} page has no parameter 'nonsense'.*{name}"):
        lessons.parse(
            f'title = "t"\n[[scene]]\ntitle = "s"\npage = "{page}"\nnote = "n"\nparams = {{ nonsense = 1 }}\n', "x"
        )
