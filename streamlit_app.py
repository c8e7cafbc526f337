"""CNN vs RNN Explorer: `streamlit run streamlit_app.py`."""

import streamlit as st

from explorer.app import present, ui

st.set_page_config(page_title="CNN vs RNN Explorer", page_icon=":material/neurology:", layout="wide")
ui.warm_up()  # compiles every model once per process, in the background
ui.memory_keeper()  # frees finished sessions' memory once a minute, in the background

digit = st.Page("explorer/app/pages/digit/page.py", title="Digit (CNN)", icon=":material/draw:", url_path="digit")
pages = [
    digit,
    st.Page("explorer/app/pages/text/page.py", title="Text (RNN)", icon=":material/keyboard:", url_path="text"),
    st.Page("explorer/app/pages/compare/page.py", title="Compare", icon=":material/compare:", url_path="compare"),
    st.Page("explorer/app/pages/forecast/page.py", title="Forecast", icon=":material/timeline:", url_path="forecast"),
    st.Page("explorer/app/pages/hybrid/page.py", title="Hybrid", icon=":material/movie:", url_path="hybrid"),
    st.Page("explorer/app/pages/sentiment/page.py", title="Sentiment", icon=":material/reviews:", url_path="sentiment"),
    st.Page(
        "explorer/app/pages/training/page.py", title="Training", icon=":material/model_training:", url_path="training"
    ),
    st.Page("explorer/app/pages/guide/page.py", title="Guide", icon=":material/explore:", url_path="guide"),
]


def _open_digit_page() -> None:
    """The app's root address opens the Digit page at its own stable address, keeping any parameters."""
    st.switch_page(digit, query_params=st.query_params.to_dict())


lesson = st.Page("explorer/app/pages/lesson/page.py", title="Lesson", icon=":material/school:", url_path="lesson")
pages.append(lesson)
start = st.Page(_open_digit_page, title="Start", url_path="start", default=True, visibility="hidden")
page = st.navigation([start, *pages], position="top")
st.session_state.lesson_active = page.url_path == "lesson"  # there ← / → move between scenes
# Drawn by this main script, not by a page, so that its address parameter (`present`) lives across pages.
present.view_bar()
page.run()
