"""Compare page: the same input through both kinds of network, and the usual CNN-vs-RNN table measured live.

Each section is a lazy tab: only the open one runs, so the page opens fast and the
expensive measurements run only where (and when) they are asked for.
"""

from __future__ import annotations

import streamlit as st

from explorer.app import query, state
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


PARAMS = ("section", *readers.PARAMS, *probes.PARAMS)  # the address parameters the page reads


def address_problems(params) -> list[str]:
    """Warnings for the page's address parameters that cannot be shown (each names the valid values)."""
    problems = [bad for _, bad in [query.choice(params, "section", SECTIONS)] if bad]
    return problems + readers.address_problems(params) + probes.address_problems(params)


def open_view(params, *, whole_view: bool = True) -> None:
    """Open the tab an address or a lesson scene names (`section`, else the first) at the inputs it names."""
    if state.sets(params, whole_view)("section"):
        st.session_state.section = query.choice(params, "section", SECTIONS)[0] or SECTIONS[0]
    readers.open_view(params, whole_view=whole_view)


def bound_options(params) -> dict:
    """The Compare page's parameters bound to option widgets, and their options (see `query.settle`)."""
    cells = list(query.CELL_BY_TITLE)
    return {"section": SECTIONS, "cell": cells, "text_cell": cells} | probes.bound_options(params)


def render() -> None:
    st.title("Compare: the same input, both ways")
    st.caption(
        "Every article on CNNs vs RNNs ends with the same table: CNNs are parallel and fast, RNNs sequential and slow; "
        "CNNs have no memory, RNNs remember; RNNs suffer vanishing gradients; CNNs need a fixed input size. "
        "Each tab turns one of those claims into a measurement with the shipped models, on this machine, now."
    )

    for problem in state.open_address_once(
        "compare", st.query_params, address_problems, open_view, bound_options(st.query_params)
    ):
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
