"""Compare page: the same input through both kinds of network, and the usual CNN-vs-RNN table measured live.

Each section is a lazy tab: only the open one runs, so the page opens fast and the
expensive measurements run only where (and when) they are asked for.
"""

from __future__ import annotations

import streamlit as st

from explorer.app import query
from explorer.app.pages.compare import measured, probes, readers

# The Compare page's tabs, in order; also its address: /compare?section=<title> (the Guide links to them).
SECTIONS = (
    "One digit, two readers",
    "One text, two readers",
    "Measured table",
    "Parallel vs sequential",
    "Vanishing gradients",
    "Invariance probes",
    "Variable length",
)

RENDER = dict(
    zip(
        SECTIONS,
        (
            readers.digit_section,
            readers.text_section,
            measured.table_section,
            measured.scaling_section,
            measured.gradients_section,
            probes.invariance_section,
            probes.variable_length_section,
        ),
    )
)


def address_problems(params) -> list[str]:
    problems = [bad for _, bad in [query.choice(params, "section", SECTIONS)] if bad]
    problems += [bad for _, bad in [query.choice(params, "cell", list(query.CELL_BY_TITLE))] if bad]
    return problems + probes.address_problems(params)


def render() -> None:
    st.title("Compare: the same input, both ways")
    st.caption(
        "Every article on CNNs vs RNNs ends with the same table: CNNs are parallel and fast, RNNs sequential and slow; "
        "CNNs have no memory, RNNs remember; RNNs suffer vanishing gradients; CNNs need a fixed input size. "
        "Each tab turns one of those claims into a measurement with the shipped models, on this machine, now."
    )

    if not st.session_state.get("compare_query_applied"):
        st.session_state.compare_query_applied = True
        st.session_state.compare_query_problems = address_problems(st.query_params) + readers.open_view(st.query_params)
    for problem in st.session_state.compare_query_problems:
        st.warning(problem, icon=":material/link_off:")
    # Bound to the address (?section=...): a lecturer can open a prepared tab, the Guide can link to one.
    tabs = st.tabs(list(RENDER), key="section", bind="query-params")
    for tab, section in zip(tabs, RENDER.values()):
        with tab:
            if tab.open:
                section()


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.compare import page

    page.render()
