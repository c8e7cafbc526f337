"""CNN vs RNN Explorer: `streamlit run streamlit_app.py`."""

import streamlit as st

st.set_page_config(page_title="CNN vs RNN Explorer", page_icon=":material/neurology:", layout="wide")

pages = [
    st.Page("explorer/pages/digit.py", title="Digit (CNN)", icon=":material/draw:", url_path="digit", default=True),
]
st.navigation(pages).run()
