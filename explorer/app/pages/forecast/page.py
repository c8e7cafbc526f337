"""Forecast page: a real yearly series (sunspots, 1700–2008), the last 40 years held out. A GRU reads the last
24 years one at a time; a causal 1-D CNN reads them all at once; three honest baselines beside them."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer.app import present, query, resources, ui
from explorer.compute import forecasting, series_models
from explorer.data import series as series_data
from explorer.figures import forecast as figures

TITLES = {"forecast-rnn": "GRU (RNN)", "forecast-cnn": "causal CNN"}
SHOWN = {"persistence": "persistence", "seasonal_naive": "seasonal naive", "linear_ar": "linear AR", **TITLES}


def _table(folder: str) -> tuple[dict, dict, list[dict]]:
    """(one-step forecasts, rolled-out forecasts, table rows), keyed and labelled by the titles shown."""
    forecasts, errors = resources.forecast_errors(folder)
    one = {SHOWN[name]: f.one_step for name, f in forecasts.items()}
    rolled = {SHOWN[name]: f.rolled for name, f in forecasts.items()}
    rows = [
        {
            "model": SHOWN[r.name],
            "one-step MAE": r.one_step_mae,
            "one-step RMSE": r.one_step_rmse,
            "rolled-out MAE": r.rollout_mae,
            "parameters": r.params,
        }
        for r in errors
    ]
    return one, rolled, rows


def _verdict(rows: list[dict]) -> str:
    """What the table says, from its numbers."""
    by = {r["model"]: r["one-step MAE"] for r in rows}
    neural = [n for n in TITLES.values() if n in by]
    if not neural:
        return ""
    best = min(neural, key=by.get)
    naive = min(by["persistence"], by["seasonal naive"])
    parts = [
        f"The best neural model here is the {best}: one step ahead it is off by {by[best]:.1f} sunspots on average, "
        + ("better" if by[best] < naive else "no better")
        + f" than repeating last year ({by['persistence']:.1f}) or the year one cycle ago ({by['seasonal naive']:.1f})."
    ]
    beaten = [n for n in neural if by["linear AR"] < by[n]]
    if beaten:
        parts.append(
            f"The linear autoregression, a least-squares fit with {series_data.WINDOW + 1} numbers, beats the "
            + " and the ".join(beaten)
            + f" ({by['linear AR']:.1f}): with a few hundred years to learn from, a fixed weighted sum of the last "
            f"{series_data.WINDOW} years is hard to beat."
        )
    return " ".join(parts)


def render() -> None:
    st.title("Forecast: a real series, year by year")
    loaded = resources.forecast_models(resources.weights_folder())
    full, start, found, message = loaded.full, loaded.start, loaded.found, loaded.message
    st.caption(
        f"{full.source} Trained on {int(full.years[0])}–{int(full.years[start - 1])}; the last "
        f"{len(full.years) - start} years ({int(full.years[start])}–{int(full.years[-1])}) are held out. Every "
        f"model reads the {series_data.WINDOW} years before the one it predicts."
    )
    if message:
        st.error(message, icon=":material/error:")
        return
    one, rolled, rows = _table(resources.weights_folder())
    how = st.segmented_control(
        "Forecast",
        ["one step ahead", "rolled out"],
        default="one step ahead",
        key="fc_how",
        required=True,
        help="One step: each year from the true years before it. Rolled out: from 1968 on, each forecast is fed "
        "back in as if it were true, 40 years ahead.",
    )
    shown = one if how != "rolled out" else rolled
    with st.container(key="forecast-series"):
        ui.plot(
            figures.series_figure(full.years, full.values, start, shown, f"The held-out years, {how}"),
            key="forecast-series-figure",
        )
    with st.container(key="forecast-table"):
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                k: st.column_config.NumberColumn(format="%.2f")
                for k in ("one-step MAE", "one-step RMSE", "rolled-out MAE")
            },
        )
        st.markdown(_verdict(rows))
    _inside(full, start, found)
    _your_series(found)


@st.fragment
def _inside(full, start: int, found: dict) -> None:
    """Its own fragment: a step (buttons, slider, keys, play) reruns only this, not the series and the table."""
    st.subheader("Inside: the same window, read two ways")
    w = series_data.WINDOW
    target_year = st.select_slider(
        "Year to forecast (held out)", [int(y) for y in full.years[start:]], int(full.years[start + 10]), key="fc_year"
    )
    t = int(np.searchsorted(full.years, target_year))
    window, years = full.values[t - w : t], full.years[t - w : t]
    model, scaler = found["forecast-rnn"]
    trace = model.trace(scaler.forward(window)[None].astype(np.float32))
    readout = scaler.inverse(np.asarray(trace.readout[0], np.float64))
    if "fc_read" not in st.session_state:
        st.session_state.fc_read = w  # it opens having read the whole window
    read = present.stepper("fc_read", 1, w, "Years the GRU has read", play_key="fc_playing")
    with st.container(key="forecast-rnn-reading"):
        ui.plot(
            figures.rnn_reading_figure(years, window, readout, np.asarray(trace.hidden[0]), read, full.values[t]),
            key="forecast-rnn-figure",
        )
        st.markdown(
            f"After reading {int(years[0])}–{int(years[read - 1])} the GRU's state says **{readout[read - 1]:.1f}** for "
            f"{int(years[read - 1]) + 1}"
            + (
                f"; after all {w} years, **{readout[-1]:.1f}** for {target_year} (it was {full.values[t]:.1f})."
                if read == w
                else "."
            )
        )
    cnn, cnn_scaler = found["forecast-cnn"]
    ctrace = cnn.trace(cnn_scaler.forward(window)[None].astype(np.float32))
    prediction = float(cnn_scaler.inverse(np.asarray(ctrace.prediction, np.float64))[0])
    rf = cnn.config.receptive_field
    with st.container(key="forecast-cnn-layers"):
        ui.plot(
            figures.cnn_layers_figure(years, [np.asarray(a[0]) for a in ctrace.layers], cnn.config.dilations, rf),
            key="forecast-cnn-figure",
        )
        st.markdown(
            f"The causal CNN computes every position of every layer at once; each position sees only the years up to "
            f"it. Its forecast is read from the last position, whose receptive field is {rf} steps "
            f"(1 + {cnn.config.kernel - 1} × ({' + '.join(map(str, cnn.config.dilations))})): "
            + _receptive_field_sentence(rf, w, cnn_scaler.mean)
            + f" Forecast: **{prediction:.1f}** for {target_year}."
        )
    present.advance_if_playing("fc_read", "fc_playing", 1, w, scope="fragment")


def _receptive_field_sentence(rf: int, window: int, mean: float) -> str:
    """What the last position's receptive field covers in a window of `window` years (`mean`: the scaler's mean)."""
    if rf <= window:
        return f"the last {rf} of the {window} years (the band)."
    beyond = rf - window
    return (
        f"all {window} years of the window (the band, which stops at the window's edge) and {beyond} more "
        f"step{'s' if beyond > 1 else ''} before it, where the causal padding puts a zero in standardised units: the "
        f"training years' mean ({mean:.1f} sunspots), not a real year."
    )


def _your_series(found: dict) -> None:
    st.subheader("Your own series")
    st.caption(
        "Paste at least 25 numbers (commas, spaces or new lines). Both models, trained on sunspots, forecast the next "
        "10 values of your series, standardised by its own mean and spread: a test of what they learned about cycles, "
        "not a forecasting service."
    )
    text = st.text_area("Numbers", key="fc_user", height=80, placeholder="e.g. 5, 11, 16, 23, 36, 58, 29, 20, 10, …")
    if not text.strip():
        return
    try:
        values = series_data.check_user_series(series_data.parse_numbers(text))
    except ValueError as e:
        st.warning(query.literal(e, None), icon=":material/data_alert:")  # it quotes what was pasted
        return
    own = series_data.Scaler.fit(values)
    history = values[-series_data.WINDOW :]
    forecasts = {
        TITLES[name]: forecasting.rollout(series_models.predictor(model, own), history, 10)
        for name, (model, _) in found.items()
    }
    if not all(np.isfinite(f).all() for f in forecasts.values()):  # never silently an empty chart
        st.warning(
            "The models' forecasts of this series are not finite numbers, so none is drawn.",
            icon=":material/data_alert:",
        )
        return
    with st.container(key="forecast-user"):
        n = len(values)
        years = np.arange(n + 10)
        padded = np.concatenate([values, np.full(10, np.nan)])
        ui.plot(
            figures.series_figure(years, padded, n, forecasts, "Your series and the next 10 values"),
            key="forecast-user-figure",
        )


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.forecast import page

    page.render()
