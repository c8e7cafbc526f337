"""Every per-process resource of the app, declared once: the compiled models, the held-out data, the training
checkpoints and the measured tables (each an st.cache_resource, so every session shares one copy).

Pages ask for them here; the warm-up (ui.warm_up) fills the ones in REGISTRY marked `warm`, in order, so the first
student to open a page finds them ready. Nothing here imports a page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from explorer import classroom, models
from explorer.app.shared_work import SharedWork
from explorer.classroom import answers
from explorer.compute import clip_reading, forecasting, measured_table, probes, sentiment, series_models, summary
from explorer.data import digits, series
from explorer.data import sentiment as sentiment_data
from explorer.models import checkpoints, compiled, weights
from explorer.models.rnn import CELLS


def weights_folder() -> str:
    """The weights folder every cache below is keyed by (a resource measured with other weights is not reused)."""
    return str(weights.weights_dir())


# ---------------------------------------------------------------- models and data


@st.cache_resource(show_spinner="Loading and compiling the model…", max_entries=32)
def _compiled_reader(name: str, folder: str) -> compiled.Reader:
    return compiled.load_reader(name, Path(folder))


def model(name: str) -> tuple[compiled.Reader | None, str]:
    """(the compiled model, "") from the one per-process cache of models, or (None, the message that names the
    command rebuilding its weights). Every page and section loads models through here."""
    try:
        return _compiled_reader(name, weights_folder()), ""
    except weights.WeightsError as e:
        return None, str(e)


def model_and_meta(name: str) -> tuple:
    """(the nnx model, its metadata) from the same cache as `model`, or (None, the error message to show)."""
    found, message = model(name)
    return (found.model, found.meta) if found is not None else (None, message)


@st.cache_resource(show_spinner=False, max_entries=8)
def compiled_forward(name: str, folder: str):
    """The model's own __call__, compiled once per process (one compilation per input length)."""
    return measured_table.compiled_forward(model_and_meta(name)[0])


@st.cache_resource(show_spinner=False)
def heldout_digits() -> digits.Digits:
    """The 1,000 held-out MNIST digits: images (1000, 28, 28) uint8, labels (1000,)."""
    return digits.load_heldout()


@st.cache_resource(show_spinner="Loading the clip models…")
def clip_models(folder: str) -> tuple[dict, str]:
    """({name: (model, meta)} of the Hybrid page's clip models, the message of the last one missing or "")."""
    found, message = {}, ""
    for name in models.CLIP_MODELS:
        try:
            found[name] = weights.load(name, Path(folder))
        except weights.WeightsError as e:
            message = str(e)
    return found, message


@st.cache_resource(show_spinner=False)
def untrained_mlp():
    """The digit MLP at its initial weights (seed 0): the Training page's unrolled step starts from it."""
    return models.build("digit-mlp", seed=0)


# ---------------------------------------------------------------- training checkpoints


@st.cache_resource(show_spinner="Loading the training checkpoints…")
def training_runs(folder: str) -> dict:
    """name → checkpoints.Run, or name → the message saying why they are missing."""
    out = {}
    for name in checkpoints.MODELS:
        try:
            out[name] = checkpoints.load(name, Path(folder))
        except weights.WeightsError as e:
            out[name] = str(e)
    return out


@st.cache_resource(show_spinner=False)
def checkpoint_traces(name: str):
    """(trace(state, x), states, models): one compiled trace per model structure, with the weights of every
    checkpoint as its argument (so scrubbing never compiles)."""
    run = training_runs(str(checkpoints.DEFAULT_DIR))[name]
    models_at = [run.model_at(k) for k in range(len(run.steps))]
    fn, _ = compiled.jit_method(models_at[0], "trace")
    return fn, [compiled.split_once(m)[1] for m in models_at], models_at


@st.cache_resource(show_spinner=False)
def unsure_digit(folder: str) -> int:
    """The first held-out digit the trained MLP is unsure of (p of its label below 0.6), else 0."""
    found = model("digit-mlp")[0]
    if found is None:
        return 0
    held = heldout_digits()
    probs = np.asarray(found.trace(digits.to_model_input(held.images)).probs)
    unsure = np.flatnonzero(probs[np.arange(len(held.labels)), held.labels] < 0.6)
    return int(unsure[0]) if len(unsure) else 0


# ---------------------------------------------------------------- forecasting


@dataclass(frozen=True)
class ForecastModels:
    full: series.Series  # the whole yearly series
    start: int  # index of the first held-out year
    found: dict  # name → (model, scaler)
    message: str  # why a model is missing, or ""


@st.cache_resource(show_spinner="Loading the forecasting models…")
def forecast_models(folder: str) -> ForecastModels:
    """The sunspot series and the forecasting models, once per process."""
    full = series.load()
    start = len(series.split(full)[0].values)
    found, message = {}, ""
    for name in models.FORECAST_MODELS:
        try:
            loaded_model, meta = weights.load(name, Path(folder))
            found[name] = (loaded_model, series_models.scaler_of(meta))
        except weights.WeightsError as e:
            message = str(e)
    return ForecastModels(full, start, found, message)


@st.cache_resource(show_spinner=False)
def forecast_errors(folder: str) -> tuple[dict[str, forecasting.Forecasts], list[forecasting.ErrorRow]]:
    """Every model's forecasts of the held-out years and their errors (sunspot numbers), measured once per process."""
    loaded = forecast_models(folder)
    return series_models.forecast_table(loaded.full.values, loaded.start, loaded.found)


# ---------------------------------------------------------------- sentiment


@st.cache_resource(show_spinner="Loading the sentiment models…")
def sentiment_readers(folder: str) -> tuple[sentiment.Readers | None, str]:
    """(the three readers, "") or (None, why they cannot be loaded)."""
    try:
        return sentiment.load_readers(folder), ""
    except weights.WeightsError as e:
        return None, str(e)


@st.cache_resource(show_spinner="Measuring all three readers on the held-out snippets…")
def sentiment_measured(folder: str) -> dict:
    """`python -m explorer evaluate`'s sentiment rows, measured once per process (a few seconds)."""
    return sentiment.evaluate(folder)


@st.cache_resource(show_spinner=False)
def sentiment_archive_counts() -> dict:
    return sentiment_data.archive_counts()


@st.cache_resource(show_spinner=False)
def sentiment_examples(count: int) -> list[tuple[str, float]]:
    """`count` held-out snippets, as many positive as negative, alternating, with people's mean rating."""
    _, held = sentiment_data.load_split()
    pos = [i for i in range(len(held)) if held.labels[i] == 1][: count // 2]
    neg = [i for i in range(len(held)) if held.labels[i] == 0][: count // 2]
    order = [i for pair in zip(pos, neg) for i in pair]
    return [(held.texts[i], float(held.ratings[i])) for i in order]


# ---------------------------------------------------------------- the class room


@st.cache_resource(show_spinner=False, max_entries=4)
def _class_store(place: str) -> classroom.ClassStore:
    return classroom.open_store()


def class_store() -> tuple[classroom.ClassStore | None, str]:
    """(the class-room store this process shares with the others, "") or (None, why it cannot be opened). One per
    process and place (EXPLORER_CLASS_STORE, else the SQLite file under EXPLORER_DATA_DIR); a failure is not
    cached, so the next run tries again."""
    place = os.environ.get(classroom.opening.STORE_VARIABLE, "").strip() or str(classroom.data_dir())
    try:
        return _class_store(place), ""
    except classroom.StoreUnavailable as e:
        return None, str(e)
    except ValueError as e:  # EXPLORER_CLASS_STORE names something that is not a Redis address
        return None, f"The class room store is misconfigured: {e}"


@st.cache_resource(show_spinner=False)
def class_forwards(folder: str) -> tuple[tuple | None, str]:
    """((CNN forward, row RNN forward), "") for the class room's answers, each its model's compiled __call__, or
    (None, the message naming the command that rebuilds the missing weights)."""
    found = []
    for name in (answers.CLASS_CNN, answers.CLASS_RNN):
        reader, message = model(name)
        if reader is None:
            return None, message
        found.append(compiled_forward(name, folder))
    return tuple(found), ""


# ---------------------------------------------------------------- the Compare page's shared measurements


@st.cache_resource(show_spinner=False)
def measurements(kind: str) -> dict:
    """A per-process store for measurements ("table", "scaling"): shared by every session, filled on demand."""
    return {}


@st.cache_resource(show_spinner=False)
def shared_work() -> SharedWork:
    """This process's single-flight runner for the measurements every session shares."""
    return SharedWork()


# ---------------------------------------------------------------- guide


@st.cache_resource(show_spinner="Measuring how the shipped models take shifted digits…")
def shift_measurement(folder: str):
    """Held-out accuracy of the digit CNN and the LSTM row RNN on shifted digits, or None if one is missing."""
    readers = {name: model(name)[0] for name in ("digit-cnn", "row-rnn-lstm")}
    if any(r is None for r in readers.values()):
        return None
    held = heldout_digits()
    last = lambda p: p if p.ndim == 2 else p[:, -1]  # the row RNN answers after its last row
    predict = {n: (lambda x, r=r: last(np.asarray(r.trace(x).probs)).argmax(-1)) for n, r in readers.items()}
    n = probes.SHIFT_DIGITS
    return probes.shift_accuracy(predict, held.images[:n], held.labels[:n])


@st.cache_resource(show_spinner="Measuring the hybrid's first-frame guesses on the held-out clips…")
def first_frame_motion(folder: str) -> clip_reading.FirstFrameMotion | None:
    """Once per process (a few seconds): the direction the hybrid names after frame 1, over the held-out clips;
    None when the hybrid's weights are missing (the Hybrid page reports that)."""
    found = clip_models(folder)[0].get("hybrid-clip")
    return None if found is None else clip_reading.first_frame_motion(found[0], heldout_digits().images)


def small_shift_models(cell: str) -> tuple[str, ...]:
    """The digit models the small-shift measurement compares: the CNN, the row RNN of `cell`, the MLP."""
    return ("digit-cnn", f"row-rnn-{cell}", "digit-mlp")


@st.cache_resource(show_spinner="Measuring the digit models on shifted held-out digits…", max_entries=len(CELLS))
def small_shifts(cell: str) -> probes.SmallShifts | None:
    """Once per process and cell: held-out accuracy of the CNN, the row RNN and the MLP at 0, 1 and 2 px shifts;
    None when one of their weights is missing (the page reports that)."""
    readers = {name: model(name)[0] for name in small_shift_models(cell)}
    if any(r is None for r in readers.values()):
        return None

    def predict(reader, x, batch=1000):  # batched: a 4,000-digit trace of every CNN layer would be large
        out = []
        for i in range(0, len(x), batch):
            p = np.asarray(reader.trace(x[i : i + batch]).probs)
            out.append((p if p.ndim == 2 else p[:, -1]).argmax(-1))  # the row RNN answers after its last row
        return np.concatenate(out)

    held = heldout_digits()
    fns = {name: (lambda x, r=r: predict(r, x)) for name, r in readers.items()}
    return probes.small_shifts(fns, held.images, held.labels)


@st.cache_resource(show_spinner=False)
def model_summary(name: str, folder: str) -> tuple[list[dict], str]:
    """(rows, note): from the trained model, or the same architecture untrained if its weights are missing."""
    found, message = model(name)
    if found is not None:
        shown, note = found.model, "trained weights"
    else:
        shown, note = models.build(name), f"weights missing ({message}); shapes and counts from the same architecture"
    return summary.records(summary.summarise(shown)), note


# ---------------------------------------------------------------- the registry the warm-up iterates


@dataclass(frozen=True)
class Resource:
    name: str
    fill: Callable[[str], object]  # fills the cache for a weights folder; missing weights are the page's to report
    warm: bool  # filled by the warm-up (the heavy ones a first visitor would otherwise wait for)


def _every_model(folder: str) -> list[str]:
    """Load and compile every model of the tables; returns the messages of the missing ones."""
    missing = []
    for name in models.DIGIT_AND_TEXT_MODELS:
        try:
            _compiled_reader(name, folder)
        except weights.WeightsError as e:
            missing.append(str(e))
    return missing


def _forecast_errors_if_loaded(folder: str):
    return None if forecast_models(folder).message else forecast_errors(folder)


def _sentiment_compiled_and_measured(folder: str):
    readers = sentiment_readers(folder)[0]
    if readers is None:
        return None
    sentiment.warm(readers)  # every review length the page pads to, compiled
    return sentiment_measured(folder)


REGISTRY: tuple[Resource, ...] = (
    Resource("models", _every_model, warm=True),
    Resource("clip models", clip_models, warm=True),
    Resource("forecast models", forecast_models, warm=True),
    Resource("forecast errors", _forecast_errors_if_loaded, warm=True),
    Resource("sentiment readers and measured table", _sentiment_compiled_and_measured, warm=True),
    Resource("held-out digits", lambda folder: heldout_digits(), warm=True),
    Resource("hybrid's first-frame guesses", first_frame_motion, warm=True),
    Resource("small shifts (LSTM row RNN)", lambda folder: small_shifts("lstm"), warm=True),
    Resource("training checkpoints", lambda folder: training_runs(str(checkpoints.DEFAULT_DIR)), warm=False),
    Resource("sentiment archive counts", lambda folder: sentiment_archive_counts(), warm=False),
)


def fill_warm(folder: str) -> None:
    """The warm-up's work: every resource marked `warm`, in order."""
    for resource in REGISTRY:
        if resource.warm:
            resource.fill(folder)
