"""Lesson page: a lecture as a sequence of scenes. Each scene opens a page at prepared address parameters, with
a short note for the presenter; ← / → move between scenes, and `?lesson=…&scene=…` is the address of each."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.app import lessons, query, resources
from explorer.app.pages.compare import page as compare
from explorer.app.pages.compare import readers
from explorer.app.pages.digit import inside as digit_inside
from explorer.app.pages.digit import page as digit
from explorer.app.pages.guide import page as guide
from explorer.app.pages.sentiment import page as sentiment
from explorer.app.pages.text import page as text
from explorer.compute import recurrence

PAGES = {"digit": digit, "text": text, "compare": compare, "guide": guide, "sentiment": sentiment}


@st.cache_resource(show_spinner=False, ttl=60)
def _load(slug: str, path: str) -> lessons.Lesson | str:
    """The lesson, or the message saying why its file cannot be played (re-read a minute later at most)."""
    try:
        return lessons.load(Path(path))
    except lessons.LessonError as e:
        return str(e)


def open_scene(scene: lessons.Scene) -> None:
    """Put every parameter the scene's page reads into its state: the scene's value, or the page's default, so
    that nothing of the previous scene lingers."""
    p = scene.params
    state = st.session_state
    # the scene, not the page's own reading of the address, decides the input
    state[f"{scene.page}_query_applied"] = True
    state[f"{scene.page}_query_problems"] = []
    if scene.page == "digit":
        values, _ = query.parse_digit_params(p, resources.heldout_digits().images.shape[0])
        digit.open_view(values or {"sample": 0})
        layer = digit_inside.LAYER_BY_LABEL[p.get("layer", "conv1")]
        state.layer, state.cell = layer, values.get("cell", "lstm")
        state.map, state.frame = int(p.get("map", 0)), int(p.get("frame", 0))
        state.row = int(p.get("row", digit_inside.ROWS.get(layer, 28) // 2))
        state.frame_playing = False
    elif scene.page == "text":
        typed = p.get("text", text.DEFAULT_TEXT)
        text.open_view(typed)
        read = recurrence.prepare_text(typed).text
        state.text_last = state.text_read = read  # not a new text: keep the scene's step
        state.step = int(p.get("step", len(read)))
        state.cell = query.CELL_BY_TITLE[p.get("cell", "LSTM")]
        state.temperature, state.seed = float(p.get("temperature", 0.7)), int(p.get("seed", 0))
        state.text_playing = False
        if "unit" in p:
            state.unit = int(p["unit"])
        else:
            state.unit_auto = True  # the page picks the unit that moves most over this text
    elif scene.page == "compare":
        state.section = p.get("section", compare.SECTIONS[0])
        state.cell = query.CELL_BY_TITLE.get(p.get("cell", ""), state.get("rnn_cell", "lstm"))
        readers.open_view(p)
    elif scene.page == "sentiment":
        review = p.get("review", sentiment.DEFAULT_REVIEW)
        sentiment.open_view(review)
        read = review[: sentiment.data.MAX_CHARS]
        state.review_last = read  # not a new review: keep the scene's word
        state.word = int(p.get("word", max(1, min(len(sentiment.data.tokenize(read)), sentiment.data.MAX_WORDS))))
        state.order_seed, state.review_playing, state.review_example = int(p.get("order_seed", 0)), False, None
    else:
        guide.open_view(p)


def _move(delta: int, n: int) -> None:
    st.session_state.scene = min(max(int(st.session_state.get("scene", 1)) + delta, 1), n)


def render() -> None:
    found = lessons.available()
    if not found:
        st.error(f"No lesson files in {lessons.LESSONS}.", icon=":material/error:")
        return
    if "lesson_pick" not in st.session_state:  # the address names the lesson: ?lesson=<file name>
        asked, bad = query.choice(st.query_params, "lesson", list(found))
        st.session_state.lesson_problems = [bad] if bad else []
        st.session_state.lesson_pick = asked or next(iter(found))
    slug = st.selectbox("Lesson", list(found), key="lesson_pick", label_visibility="collapsed")
    if st.query_params.get("lesson") != slug:
        st.query_params["lesson"] = slug
    lesson = _load(slug, str(found[slug]))
    if isinstance(lesson, str):
        st.error(f"This lesson cannot be played: {lesson}", icon=":material/error:")
        return
    n = len(lesson.scenes)
    if "lesson_scene_checked" not in st.session_state:
        st.session_state.lesson_scene_checked = True
        st.session_state.lesson_problems += [bad for bad in [query.whole(st.query_params, "scene", 1, n)[1]] if bad]
    for problem in st.session_state.lesson_problems:
        st.warning(problem, icon=":material/link_off:")
    with st.container(key="lesson-nav"):
        prev_col, slider_col, next_col = st.columns([0.17, 0.66, 0.17], vertical_alignment="bottom")
        with slider_col:
            number = st.slider(lesson.title, 1, n, key="scene", bind="query-params")
        prev_col.button(
            "◀ Previous",
            key="scene-prev",
            on_click=_move,
            args=(-1, n),
            disabled=number <= 1,
            width="stretch",
            shortcut="Left",
        )
        next_col.button(
            "Next ▶",
            key="scene-next",
            on_click=_move,
            args=(1, n),
            disabled=number >= n,
            width="stretch",
            shortcut="Right",
        )
    scene = lesson.scenes[number - 1]
    if st.session_state.get("lesson_open") != (slug, number):
        st.session_state.lesson_open = (slug, number)
        open_scene(scene)
    with st.container(key="lesson-scene", border=True):
        st.markdown(f"#### Scene {number} of {n}: {scene.title}")
        st.markdown(scene.note)
    PAGES[scene.page].render()


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.lesson import page

    page.render()
