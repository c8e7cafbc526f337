"""Lesson page: a lecture as a sequence of scenes. Each scene opens a page at prepared address parameters, with
a short note for the presenter; ← / → move between scenes, and `?lesson=…&scene=…` is the address of each."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.app import accessible, lessons, present, query, state


@st.cache_resource(show_spinner=False, ttl=60)
def _load(slug: str, path: str) -> lessons.Lesson | str:
    """The lesson, or the message saying why its file cannot be played (re-read a minute later at most)."""
    try:
        return lessons.load(Path(path))
    except lessons.LessonError as e:
        return str(e)


def open_scene(scene: lessons.Scene) -> None:
    """Open the scene's page at the scene's parameters (the page's defaults for the others, so that nothing of the
    previous scene lingers): the scene, not the page's own reading of the address, decides the view."""
    lessons.page(scene.page).open_view(scene.params)
    state.mark_opened(scene.page)


# The keyed section of a scene's page that the scene's note talks about, where it is not the page's top: the digit
# page's maps (a layer other than the input and the answer) are ~2,300 px below its top, the text page's step
# ~1,000 px. The lesson draws that section first, right under the note (CSS `order`, the page's code unchanged).
_MAP_LAYER_SCENE = "inside-detail"


def focus(scene: lessons.Scene) -> str | None:
    """The key of the section the scene's note is about when the page would show it below the first screen."""
    if scene.page == "digit" and scene.params.get("layer", "input") not in ("input", "softmax"):
        return _MAP_LAYER_SCENE
    if scene.page == "text" and "step" in scene.params:
        return "text-step"
    return None


def _focus_style(key: str) -> str:
    """The section `key` of the page drawn first inside the lesson-page container (flex columns), and within it its
    charts before its prose and controls; every other part after it, in the page's order. In presenter mode the
    lesson's file picker is hidden too (the address names the lesson), so that the chart starts on the first screen
    at 1280 × 720."""
    # the section and each block around it inside the page (an expander's body is a flex column too): each first
    # among its siblings, so the section comes first however deep the page draws it
    section = f".st-key-lesson-page :is(.st-key-{key}, :has(.st-key-{key}))"
    charts = f".st-key-{key} > .stPrintGraphic, .st-key-{key} > :has(.stPrintGraphic)"
    picker = ".st-key-lesson_pick { display: none; }" if present.presenting() else ""
    return f"<style>{section} {{ order: -1; }} {charts} {{ order: -1; }} {picker}</style>"


def _move(delta: int, n: int) -> None:
    st.session_state.scene = min(max(int(st.session_state.get("scene", 1)) + delta, 1), n)


def render() -> None:
    found = lessons.available()
    if not found:
        st.error(f"No lesson files in {lessons.shown_path(lessons.LESSONS)}.", icon=":material/error:")
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
        st.error(f"This lesson cannot be played: {query.literal(lesson, None)}", icon=":material/error:")
        return
    n = len(lesson.scenes)
    if "lesson_scene_checked" not in st.session_state:
        st.session_state.lesson_scene_checked = True
        st.session_state.lesson_problems += [bad for bad in [query.whole(st.query_params, "scene", 1, n)[1]] if bad]
        query.settle(st.query_params, st.session_state.lesson_problems)  # before the bound slider reads them
    for problem in st.session_state.lesson_problems:
        st.warning(problem, icon=":material/link_off:")
    with st.container(key="lesson-nav"):
        prev_col, slider_col, next_col = st.columns([0.17, 0.66, 0.17], vertical_alignment="bottom")
        with slider_col:
            # a one-scene lesson has nothing to slide over (and Streamlit refuses a slider from 1 to 1)
            number = st.slider(lesson.title, 1, n, key="scene", bind="query-params") if n > 1 else 1
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
        accessible.announce(f"Scene {number} of {n}: {scene.title}")
    shown_first = focus(scene)
    if shown_first:
        st.html(_focus_style(shown_first))
    with st.container(key="lesson-page"):
        lessons.page(scene.page).render()


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.lesson import page

    page.render()
