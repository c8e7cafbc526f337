"""CNN vs RNN Explorer: `streamlit run streamlit_app.py`."""

import streamlit as st

from explorer.app import accessible, fair_turns, pages, present, responsive, ui

# An emoji favicon is drawn in the page (a data: URL); a ":material/…:" one is fetched from fonts.gstatic.com,
# which an offline class cannot reach and the proxy's Content-Security-Policy refuses.
st.set_page_config(page_title="CNN vs RNN Explorer", page_icon="🧠", layout="wide")
ui.warm_up()  # compiles every model once per process, in the background
ui.memory_keeper()  # frees finished sessions' memory once a minute, in the background
fair_turns.install()  # a drawing student's run goes before tabs that take much of the interpreter
ui.tolerate_non_finite_whole_numbers()  # a tampered client's NaN in a whole-number input: its default
ui.tolerate_unreadable_json()  # a tampered client's widget value that is not JSON: its default
accessible.install()  # focus rings, screen-reader-only text (WCAG 2.1 AA; see README, Accessibility)

digit = st.Page(pages.file("digit"), title="Digit (CNN)", icon=":material/draw:", url_path="digit")
listed = [
    digit,
    st.Page(pages.file("text"), title="Text (RNN)", icon=":material/keyboard:", url_path="text"),
    st.Page(pages.file("compare"), title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page(pages.file("forecast"), title="Forecast", icon=":material/timeline:", url_path="forecast"),
    st.Page(pages.file("hybrid"), title="Hybrid", icon=":material/movie:", url_path="hybrid"),
    st.Page(pages.file("sentiment"), title="Sentiment", icon=":material/reviews:", url_path="sentiment"),
    st.Page(pages.file("training"), title="Training", icon=":material/model_training:", url_path="training"),
    st.Page(pages.file("guide"), title="Guide", icon=":material/explore:", url_path="guide"),
    st.Page(pages.file("class_room"), title="Class", icon=":material/groups:", url_path="class"),
]


def _open_digit_page() -> None:
    """The app's root address opens the Digit page at its own stable address, keeping any parameters."""
    st.switch_page(digit, query_params=st.query_params.to_dict())


lesson = st.Page(pages.file("lesson"), title="Lesson", icon=":material/school:", url_path="lesson")
listed.append(lesson)
start = st.Page(_open_digit_page, title="Start", url_path="start", default=True, visibility="hidden")
page = st.navigation([start, *listed], position="top")
st.session_state.lesson_active = page.url_path == "lesson"  # there ← / → move between scenes
# Drawn by this main script, not by a page, so that its address parameter (`present`) lives across pages.
present.view_bar()
responsive.apply()  # phones, tablets and small laptops: media queries, one <style>
page.run()
