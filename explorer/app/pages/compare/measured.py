"""Compare page, sections 3–5: the measured table, parallel vs sequential, vanishing gradients.

Measurements are stored per process (resources.measurements, an st.cache_resource): once anyone has measured,
everyone sees the numbers, and no measurement runs again until the server restarts.
"""

from __future__ import annotations

import os
import time

import numpy as np
import streamlit as st

from explorer import models
from explorer.app import resources, ui
from explorer.compute import gradients, measured_table, scaling
from explorer.data import corpus, vocab
from explorer.figures import compare as figures
from explorer.figures import palette
from explorer.models.rnn import CELL_TITLES, CELLS

GRADIENT_STEPS = 100  # characters of held-out text the gradient norms are measured over
SCALING_MODELS = scaling.MODELS


def table_rows() -> tuple[list[measured_table.Row], list[str]]:
    """Every available model's row (measured where the store has it) and the messages of missing models."""
    store, rows, missing = resources.measurements("table"), [], []
    for name in models.DIGIT_AND_TEXT_MODELS:
        model, meta = resources.model_and_meta(name)
        if model is None:
            missing.append(meta)
            continue
        quick = store.get(name + ":quick")
        if quick is None:
            quick = store[name + ":quick"] = measured_table.quick_row(name, model, meta)
        rows.append(store.get(name, quick))
    return rows, missing


def _measure_table(report) -> float:
    """Runs in the shared worker thread: every model's row measured now, into the per-process store."""
    store = resources.measurements("table")
    names = [n for n in models.DIGIT_AND_TEXT_MODELS if resources.model_and_meta(n)[0] is not None]
    start = time.perf_counter()
    for i, name in enumerate(names):
        report(i / len(names), f"{name}: held-out evaluation and latency at batch 1 and 64")
        model, meta = resources.model_and_meta(name)
        store[name] = measured_table.measured_row(name, model, meta)
    store["seconds"] = time.perf_counter() - start
    return store["seconds"]


@st.fragment(run_every=1.0)
def _progress(name: str) -> None:
    """A running measurement's progress, refreshed every second; the whole page reruns once it is done."""
    job = resources.shared_work().get(name)
    if job is None or not job.running:
        st.rerun()
    who = "you" if st.session_state.get(f"started_{name}") == id(job) else "another student"
    elapsed = time.monotonic() - job.started
    st.progress(job.fraction, text=f"Measuring (started by {who} {elapsed:.0f} s ago): {job.message}")


def _measurement(name: str, button: str, label: str, help_text: str, work) -> bool:
    """The button that starts a shared measurement, or its progress while it runs; True once it has a result."""
    job = resources.shared_work().get(name)
    if job is not None and job.running:
        _progress(name)
        return False
    if job is not None and job.error:
        st.error(f"The last measurement failed ({job.error}); press the button to try again.", icon=":material/error:")
    if job is None or job.error:
        if st.button(label, icon=":material/speed:", key=button, help=help_text):
            job = resources.shared_work().start(name, work)
            st.session_state[f"started_{name}"] = id(job)
            _progress(name)
        return False
    return True


def table_section() -> None:
    st.markdown("Every number below is computed from the shipped models; none is typed in.")
    rows, missing = table_rows()
    for message in missing:
        st.warning(message, icon=":material/error:")
    measured = all(r.latency_b1_ms is not None for r in rows)
    if not measured:
        measured = _measurement(
            "table",
            "compare-measure-table",
            "Measure latency and re-run the evaluation now",
            "Compiles each model for batch 1 and 64, times it, and re-scores it on the held-out data (under a minute). "
            "One measurement serves everyone on this server.",
            _measure_table,
        )
        if measured:
            rows, _ = table_rows()
    with st.container(key="compare-table"):
        st.dataframe(
            measured_table.table_records(rows), hide_index=True, width="stretch", placeholder="not measured yet"
        )
    notes = dict(measured_table.NOTES)
    if not measured:
        notes["held-out score"] = (
            "recorded by `python -m explorer evaluate` when the weights were trained (the test suite re-runs it); "
            "press the button to re-run it here."
        )
        notes["latency"] = "not measured yet in this server process: press the button."
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in notes.items()))


# ---------------------------------------------------------------- parallel vs sequential


def scaling_section() -> None:
    st.markdown(
        "The claim: an RNN must take its steps one after another, a CNN computes all positions at once, so the CNN is "
        "faster on long sequences. Measured here on the shipped char LSTM (a `lax.scan`) and the causal char CNN, at "
        f"batch 1 and 64, for {', '.join(map(str, scaling.LENGTHS))} characters. Each shape is compiled first; "
        "compilation is timed separately and not counted."
    )
    store = resources.measurements("scaling")
    named = {n: resources.model_and_meta(n)[0] for n in SCALING_MODELS}
    if any(m is None for m in named.values()):
        for n in SCALING_MODELS:
            if named[n] is None:
                st.warning(resources.model_and_meta(n)[1], icon=":material/error:")
        return

    def work(report) -> None:  # runs in the shared worker thread
        start = time.perf_counter()
        store["points"] = scaling.measure(named, progress=report)
        store["seconds"] = time.perf_counter() - start

    if "points" not in store and not _measurement(
        "scaling",
        "compare-measure-scaling",
        "Measure time against length",
        "Compiles and times both models at every length (about 15 seconds); one measurement serves everyone.",
        work,
    ):
        if resources.shared_work().get("scaling") is None:
            st.info("Press the button to measure on this machine (about 15 seconds).", icon=":material/timer:")
        return
    points = store["points"]
    with st.container(key="compare-scaling"):
        ui.plot(figures.scaling_figure(points), key="compare-scaling-figure")
    macs = {n: scaling.macs_per_char(m) for n, m in named.items()}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    st.markdown(scaling.interpretation(points, SCALING_MODELS[0], SCALING_MODELS[1], macs, cores))
    with st.expander("Every point, with its compile time"):
        st.dataframe(
            [
                {
                    "model": p.model,
                    "batch": p.batch,
                    "length": p.length,
                    "forward ms": round(p.forward_ms, 3),
                    "compile s": round(p.compile_s, 3),
                }
                for p in points
            ],
            hide_index=True,
        )
        st.caption(f"Whole measurement: {store['seconds']:.1f} s on this machine.")


# ---------------------------------------------------------------- vanishing gradients


@st.cache_data(show_spinner="Measuring gradients through time…", max_entries=4)
def _gradient_curves(folder: str, steps: int, available: tuple[str, ...]) -> tuple[dict, dict, list[str], list[str]]:
    """Cached per set of available weights, so a model trained later is measured once it appears."""
    text = corpus.load_heldout()[:steps]
    ids = vocab.encode(text)
    curves, colours, untrained, missing = {}, {}, [], []
    for cell in CELLS:
        model, meta = resources.model_and_meta(f"char-rnn-{cell}")
        colour = palette.CELL_COLOURS[cell]
        if model is None:
            missing.append(meta)
        else:
            curves[f"{CELL_TITLES[cell]} (trained)"] = gradients.char_gradient_norms(model, ids)
            colours[f"{CELL_TITLES[cell]} (trained)"] = colour
        label = f"{CELL_TITLES[cell]} (untrained)"
        curves[label] = gradients.char_gradient_norms(models.build(f"char-rnn-{cell}"), ids)
        colours[label], _ = colour, untrained.append(label)
    return curves, colours, untrained, missing


def gradients_section() -> None:
    st.markdown(
        f"Training an RNN sends the error back through time: how strongly does the state at step t still move the "
        f"last hidden state h_T? Below, ‖∂h_T/∂state_t‖ (Frobenius norm of the Jacobian; the state is h for the "
        f"simple RNN and GRU, (c, h) for the LSTM) for each char RNN reading the first {GRADIENT_STEPS} characters of "
        "the held-out text, trained (solid) and freshly initialised (dashed). Log scale: a straight falling line is "
        "exponential decay, the vanishing gradient."
    )
    available = tuple(c for c in CELLS if resources.model_and_meta(f"char-rnn-{c}")[0] is not None)
    curves, colours, untrained, missing = _gradient_curves(resources.weights_folder(), GRADIENT_STEPS, available)
    for message in missing:
        st.warning(message, icon=":material/error:")
    with st.container(key="compare-gradients"):
        ui.plot(figures.gradient_norm_figure(curves, colours, set(untrained)), key="compare-gradient-figure")
    back = min(20, GRADIENT_STEPS - 1)
    st.dataframe(
        [
            {
                "cell": label,
                f"{back} steps back": f"{norms[-1 - back]:.1e}",
                f"{GRADIENT_STEPS - 1} steps back": f"{norms[0]:.1e}",
            }
            for label, norms in curves.items()
        ],
        hide_index=True,
    )
    changes = []
    for cell in CELLS:
        tr, un = curves.get(f"{CELL_TITLES[cell]} (trained)"), curves.get(f"{CELL_TITLES[cell]} (untrained)")
        ratio = None if tr is None or un is None else gradients.change_by_training(tr, un, back)
        if ratio is not None:
            changes.append(f"{CELL_TITLES[cell]} ×{ratio:.2g}")
    zeros = [label for label, n in curves.items() if np.any(n == 0)]
    st.caption(
        "Norms are computed so they cannot underflow (each Jacobian is scaled by its largest entry before squaring), "
        + (
            f"and these are exactly 0 somewhere, every entry of the Jacobian being 0: {', '.join(zeros)}. "
            if zeros
            else "and none is 0: however small, every gradient here is still there. "
        )
        + (f"Training changed the gradient {back} steps back by: {', '.join(changes)}." if changes else "")
    )
