"""What the app adds for keyboard and screen-reader users (WCAG 2.1 AA): a visible focus ring, text that meets
contrast, text alternatives for charts, and a live region that announces a new prediction, step or scene.

Nothing here runs JavaScript (the proxy's Content-Security-Policy allows no inline script but two by hash). No
text (a student's typed words included) is ever read as markdown or HTML: chart texts go through `st.html`, which
reads no markdown, HTML-escaped; the live region through `st.markdown` (the one element whose HTML the browser
keeps from run to run and updates in place), every character but letters, digits and spaces as an HTML entity.
"""

from __future__ import annotations

import html

import streamlit as st

# Visually hidden, still read by screen readers (the usual "sr-only" recipe). The element container that holds
# only such text leaves the page's flow, so a chart's text alternative adds no gap above the chart.
# Captions: Streamlit fades the whole caption (opacity 0.6), its links and code too: #828180 on white was 3.9:1,
# a link 2.96:1. A solid warm grey instead: 5.9:1 on white, 5.7:1 on the code background.
# The Text page's equations (an LSTM step with its numbers is up to ~950 px wide) get the row to themselves, the
# gate bars below: in a 55 % column they scrolled sideways in a box a keyboard cannot scroll (axe:
# scrollable-region-focusable).
# Focus: Streamlit draws a faint ring (or none) on some controls; every focusable thing gets a 2 px ring in the
# text colour, shown for keyboard focus only (:focus-visible), 3:1 or more against every background here.
_CSS = """
<style>
.explorer-sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
[data-testid="stElementContainer"]:has(.explorer-sr-only) { position: absolute !important; width: 1px;
  height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); margin: 0; padding: 0; }
[data-testid="stCaptionContainer"] { opacity: 1; color: #66645f; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-equation) { flex-wrap: wrap; }
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-equation) > [data-testid="stColumn"] {
  flex: 1 1 100%; min-width: 100%; }
:is(a, button, input, select, textarea, summary, [tabindex], [role=tab], [role=slider]):focus-visible {
  outline: 2px solid #1f1e1d !important; outline-offset: 2px !important; }
</style>
"""


def install() -> None:
    """Once per run of every page, from streamlit_app.py: the style above, in the page's own flow (a <style>-only
    st.html goes to Streamlit's event container, which a rerun can leave empty for a moment); the empty
    screen-reader-only span takes its element out of the flow, so it takes no room."""
    st.html(_CSS + '<span class="explorer-sr-only"></span>')


def literal(text: str) -> str:
    """`text` as HTML that shows exactly these characters: every character but letters, digits and spaces as a
    numeric entity, so neither markdown (`*`, `_`, `:red[…]`, `$…$`) nor HTML (`<`, `&`) reads anything into it."""
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"&#{ord(ch)};" for ch in str(text))


def hidden_text(text: str) -> None:
    """Text only a screen reader reads (a chart's text alternative), at this place in the page."""
    # st.html reads no markdown, so escaping HTML's five characters is enough (a third of literal()'s bytes)
    st.html(f'<p class="explorer-sr-only">{html.escape(text)}</p>')


def announce(text: str) -> None:
    """A polite live region saying `text`: a screen reader reads it out when it changes. Call it at the same
    place on every run (a fixed position in a keyed container), so the browser keeps the same region and only
    its text changes; a region drawn anew is not announced."""
    st.markdown(
        f'<div class="explorer-sr-only" role="status" aria-live="polite" aria-atomic="true">{literal(text)}</div>',
        unsafe_allow_html=True,
    )
