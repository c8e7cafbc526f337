"""Lecture mode pieces shared by every page: the view bar (presenter toggle, "Copy link to this view"), the
presenter style, and the step keys.

Presenter mode (`?present=1`, or the toggle) makes the text projector-sized, hides captions and long prose,
makes the step controls large and gives them keys: ← / → step, Space plays and pauses. Inside a lesson the
arrows move between scenes and the page's own steps take Shift+← / Shift+→.
"""

from __future__ import annotations

import time

import streamlit as st

from explorer.app import accessible, fair_turns

PLAY_EVERY_S = 0.7  # one step per 0.7 s while playing: slow enough to read a projected number

# Sizes in rem scale with the root font size, which is what a projector needs: every label, button and
# paragraph grows together. Captions, help text and expanders (the long prose) are hidden; the Digit page's two
# sections are expanders too (they run only while open), and they are what a lecturer projects: they stay.
_PRESENTER_CSS = """
<style>
html { font-size: 21px !important; }
[data-testid="stCaptionContainer"], [data-testid="stExpander"], [data-testid="stTooltipIcon"] { display: none; }
:is(.st-key-inside-open, .st-key-playground-open) [data-testid="stExpander"] { display: block; }
[data-testid="stMainBlockContainer"] { padding-top: 4.6rem; max-width: 100%; }
.st-key-step-keys button, .st-key-lesson-nav button { min-height: 2.8rem; font-size: 1.15rem; font-weight: 600; }
h1 { font-size: 2.1rem !important; }
.katex-display > .katex { font-size: 1em; }  /* 21 px: the Text page's half-column equations fit their column */

</style>
"""

# The link is read in the browser, where the address is always current (the server's copy of the query string
# is not refreshed on every rerun). navigator.clipboard needs a secure context (https or localhost); elsewhere
# the link is selected in a text field and copied with the older execCommand. The Class page's lecturer key is
# left out of the copied link: whoever gets the link sees the view, never the room's controls.
_COPY_LINK_HTML = """
<div class="explorer-copy-link" style="display:flex;gap:.5rem;align-items:center">
<button type="button" style="font:inherit;padding:.25rem .75rem;border-radius:.5rem;border:1px solid #bbb;
 background:white;cursor:pointer">Copy link to this view</button>
<input type="text" readonly aria-label="Link to this view" style="display:none;width:28rem;font:inherit">
<span style="color:#555;font-size:.85rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap"></span>
</div>
<script>
for (const box of document.querySelectorAll('.explorer-copy-link')) {
  if (box.dataset.ready) continue;
  box.dataset.ready = '1';
  const [button, field, said] = ['button', 'input', 'span'].map((tag) => box.querySelector(tag));
  button.addEventListener('click', () => {
    const address = new URL(window.location.href);
    address.searchParams.delete('key');  // a class room's lecturer key stays in the lecturer's own address
    const link = address.href;
    field.value = link;
    const done = () => { said.textContent = 'Copied: ' + link; };
    const fallback = () => {
      field.style.display = 'inline-block';
      field.select();
      said.textContent = document.execCommand('copy') ? 'Copied.' : 'Select the link and copy it.';
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, fallback);
    else fallback();
  });
}
</script>
"""


def projected(fig):
    """In presenter mode, the figure with every text at least 20 px (explorer/figures/projector.py); else fig."""
    if not presenting() or not hasattr(fig, "spec"):
        return fig
    from explorer.figures.projector import projected_spec

    return projected_spec(fig.spec)


def presenting() -> bool:
    return bool(st.session_state.get("present", False))


def in_lesson() -> bool:
    return bool(st.session_state.get("lesson_active", False))


def view_bar() -> None:
    """Top of every page: the presenter toggle (kept in the address as `present=1`) and the copy-link button."""
    if "present_read" not in st.session_state:  # the address opens presenter mode: `present=1`
        st.session_state.present_read = True
        st.session_state.present = str(st.query_params.get("present", "")).strip().lower() in ("1", "true", "yes")
    with st.container(key="view-bar", horizontal=True, vertical_alignment="center"):
        st.toggle(
            "Presenter mode",
            key="present",
            help="Projector-sized text, captions hidden, large step controls; ← / → step, Space plays and pauses.",
        )
        st.html(_COPY_LINK_HTML, unsafe_allow_javascript=True)
    # Written by hand, not bound: the address says `present=1`, as a lecturer would type it, and keeps saying it
    # on every page (a bound parameter belongs to one page's script).
    if presenting() and st.query_params.get("present") != "1":
        st.query_params["present"] = "1"
    elif not presenting() and "present" in st.query_params:
        del st.query_params["present"]
    if presenting():
        st.html(_PRESENTER_CSS)
        legend = f"Keys: **{_keys()[0]}** / **{_keys()[1]}** step · **Space** play / pause"
        st.markdown(f":small[{legend}" + (" · **←** / **→** scene]" if in_lesson() else "]"))


def _keys() -> tuple[str, str]:
    return ("Shift+←", "Shift+→") if in_lesson() else ("←", "→")


def _shortcuts() -> tuple[str | None, str | None, str | None]:
    """(previous, next, play) keys: only in presenter mode, where the page has one stepper (keys elsewhere would
    fight sliders and text boxes for the arrows)."""
    if not presenting():
        return None, None, None
    return ("Shift+Left", "Shift+Right", "Space") if in_lesson() else ("Left", "Right", "Space")


def stepper(key: str, lo: int, hi: int, label: str, *, play_key: str) -> int:
    """Previous / slider / next and play / pause over lo…hi, kept under `key` and in the address as `key=N`,
    every value included (a link to the first step opens the first step). A page that starts elsewhere sets
    st.session_state[key] first; a value in the address wins when the page opens. Returns the current value.
    While playing, the caller calls `advance_if_playing` last."""
    if hi <= lo:
        return lo
    _read_address(key, lo, hi)
    if st.session_state.pop(f"{key}_advance", False):  # the step a playing run asked for (see advance_if_playing)
        _move(key, 1, lo, hi)
    current = st.session_state.get(key)
    if current is not None and not lo <= int(current) <= hi:
        st.session_state[key] = min(max(int(current), lo), hi)
    prev_key, next_key, play_shortcut = _shortcuts()
    playing = bool(st.session_state.get(play_key, False))
    with st.container(key="step-keys"):
        widths = [0.18, 0.45, 0.17, 0.2] if presenting() else [0.12, 0.62, 0.12, 0.14]  # room for the key hints
        prev_col, slider_col, next_col, play_col = st.columns(widths, vertical_alignment="bottom")
        with slider_col:  # first, so that a value from the address is known before the buttons are drawn
            pos = st.slider(label, lo, hi, key=key)
        prev_col.button(
            "◀ Back" if presenting() else "◀ Previous",
            key=f"{key}-prev",
            on_click=_move,
            args=(key, -1, lo, hi),
            disabled=pos <= lo,
            width="stretch",
            shortcut=prev_key,
        )
        next_col.button(
            "Next ▶",
            key=f"{key}-next",
            on_click=_move,
            args=(key, 1, lo, hi),
            disabled=pos >= hi,
            width="stretch",
            shortcut=next_key,
        )
        play_col.button(
            "❚❚ Pause" if playing else "▶ Play",
            key=f"{key}-play",
            on_click=_toggle_play,
            args=(key, play_key, lo, hi),
            width="stretch",
            shortcut=play_shortcut,
        )
        accessible.announce(
            f"{label}: {int(pos) - lo + 1} of {hi - lo + 1}"
        )  # a screen reader hears each step, played or pressed
    _write_address(key, int(pos))
    return int(pos)


# Written by hand, not bound with `bind="query-params"`: Streamlit leaves a bound widget's default (here lo) out of
# the address, so a link to the first character would open the last. The address is read when it says something
# this session did not write (a page opened from a link); a value that is not a step in lo…hi is replaced, with a
# warning.
def _read_address(key: str, lo: int, hi: int) -> None:
    from explorer.app import query

    raw = query.first(st.query_params, key)
    if raw is None or raw == st.session_state.get(f"{key}_written"):
        return
    value, bad = query.whole(st.query_params, key, lo, hi)
    if value is not None:
        st.session_state[key] = value
    else:  # a page that checks its address has dropped a bad value already; on the others, it is said here
        st.warning(bad, icon=":material/link_off:")


def _write_address(key: str, pos: int) -> None:
    st.session_state[f"{key}_written"] = str(pos)
    if st.query_params.get(key) != str(pos):
        st.query_params[key] = str(pos)


def _move(key: str, delta: int, lo: int, hi: int) -> None:
    st.session_state[key] = min(max(int(st.session_state.get(key, lo)) + delta, lo), hi)


def _toggle_play(key: str, play_key: str, lo: int, hi: int) -> None:
    playing = not st.session_state.get(play_key, False)
    st.session_state[play_key] = playing
    if playing and int(st.session_state.get(key, lo)) >= hi:
        st.session_state[key] = lo  # play from the start when it already stands at the end


def advance_if_playing(key: str, play_key: str, lo: int, hi: int, *, scope: str = "app") -> None:
    """Call last in the run that drew the stepper: while playing, wait a moment, step, and run again. A click or
    key meanwhile starts a newer run, which replaces this one."""
    if not st.session_state.get(play_key):
        return
    if int(st.session_state.get(key, lo)) >= hi:
        st.session_state[play_key] = False
        return
    fair_turns.step_aside()  # other tabs' runs go on while this one waits
    time.sleep(PLAY_EVERY_S)
    st.session_state[f"{key}_advance"] = True  # the widget is drawn in this run: the next run moves it
    st.rerun(scope=scope)
