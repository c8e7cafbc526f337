"""A real series to forecast: yearly sunspot numbers 1700–2008, its held-out stretch, windows and scaling.

statsmodels ships the series; it is a training-time dependency only (extra "train"),
so `from_statsmodels` is run once to write explorer/assets/series_sunspots.npz and the app and
its tests `load` that file. The last HELDOUT_YEARS years are never used for fitting:
every figure the app reports for this series is measured on them, in sunspot numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from explorer.data import ASSETS

SERIES_FILE = ASSETS / "series_sunspots.npz"
HELDOUT_YEARS = 40  # 1969–2008: the last 40 years, almost four 11-year cycles, are held out
WINDOW = 24  # years of history a model reads to predict the next year: more than two 11-year cycles
MAX_USER_VALUES = 2000  # a pasted series longer than this is more than the page can train on interactively
MAX_USER_MAGNITUDE = 1e100  # |value| at most: the spread of the series (a sum of squares) stays finite in float64

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # plain decimals; no nan, inf or 1_000
_SEPARATORS = re.compile(r"[,\s]+")
_QUOTE_CHARS = 30


@dataclass(frozen=True)
class Series:
    years: np.ndarray  # (N,) int32, consecutive
    values: np.ndarray  # (N,) float64
    name: str
    source: str  # credit line, shown under every chart of the series


def from_statsmodels() -> Series:
    """The yearly sunspot numbers as statsmodels ships them (needs the "train" extra)."""
    import statsmodels
    from statsmodels.datasets import sunspots  # training-only dependency (extra "train")

    data = sunspots.load_pandas().data
    years = data["YEAR"].to_numpy(dtype=np.float64)
    if not np.array_equal(years, np.round(years)):
        raise ValueError("statsmodels' sunspot YEAR column is not whole years")
    source = (
        f"Yearly sunspot numbers 1700–2008 from statsmodels' `sunspots` dataset (statsmodels {statsmodels.__version__}),"
        " which credits the National Geophysical Data Center (NOAA NGDC, http://www.ngdc.noaa.gov/stp/solar/solarda3.html);"
        " public domain."
    )
    return Series(
        years=years.astype(np.int32),
        values=data["SUNACTIVITY"].to_numpy(dtype=np.float64),
        name="Yearly sunspot number",
        source=source,
    )


def save(series: Series, path: Path = SERIES_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        years=series.years.astype(np.int32),
        values=series.values.astype(np.float64),
        name=np.str_(series.name),
        source=np.str_(series.source),
    )


def load(path: Path = SERIES_FILE) -> Series:
    """The series shipped in explorer/assets/ (no statsmodels needed)."""
    with np.load(path, allow_pickle=False) as f:
        return Series(
            years=f["years"].astype(np.int32),
            values=f["values"].astype(np.float64),
            name=str(f["name"]),
            source=str(f["source"]),
        )


def split(series: Series, heldout: int = HELDOUT_YEARS) -> tuple[Series, Series]:
    """(train, held-out): the last `heldout` years are held out, so a forecast is judged on years it never saw."""
    n_train = len(series.values) - heldout
    if n_train < WINDOW + 1:
        raise ValueError(f"{len(series.values)} values leave fewer than {WINDOW + 1} to train on")

    def part(sl: slice) -> Series:
        return Series(series.years[sl], series.values[sl], series.name, series.source)

    return part(slice(None, n_train)), part(slice(n_train, None))


def windows(values: np.ndarray, window: int = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """Every run of `window` consecutive values (X, (M, window), oldest first) and the value after it (y, (M,)).

    M = N − window: the last run has no value after it, so it is not a training example.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or len(v) <= window:
        raise ValueError(f"windows of {window} need a 1-D series of more than {window} values, got shape {v.shape}")
    x = np.lib.stride_tricks.sliding_window_view(v[:-1], window).copy()
    return x, v[window:].copy()


@dataclass(frozen=True)
class Scaler:
    """Standardisation with the TRAIN part's mean and std only: the held-out years must not leak into the inputs.

    The models read scaled values; every error is reported after `inverse`, in sunspot numbers.
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, values: np.ndarray) -> Scaler:
        v = np.asarray(values, dtype=np.float64)
        std = float(v.std())
        if not std > 0:
            raise ValueError("a constant series cannot be standardised (its standard deviation is 0)")
        return cls(mean=float(v.mean()), std=std)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def scaler_for(series: Series) -> Scaler:
    """The scaler fitted on `series`' train part (everything before the held-out years)."""
    return Scaler.fit(split(series)[0].values)


def check_user_series(values) -> np.ndarray:
    """A series the user pasted, as float64 (N,), or ValueError with a sentence the page can show as is."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if len(v) < WINDOW + 1:
        raise ValueError(
            f"The series has {len(v)} values; at least {WINDOW + 1} are needed "
            f"(a model reads {WINDOW} values to predict the next one)."
        )
    if len(v) > MAX_USER_VALUES:
        raise ValueError(f"The series has {len(v):,} values; at most {MAX_USER_VALUES:,} are accepted.")
    bad = np.flatnonzero(~np.isfinite(v))
    if len(bad):
        raise ValueError(f"Value {bad[0] + 1} is {v[bad[0]]}; every value must be a finite number.")
    huge = np.flatnonzero(np.abs(v) > MAX_USER_MAGNITUDE)
    if len(huge):
        raise ValueError(
            f"Value {huge[0] + 1} is {v[huge[0]]:g}; values must lie within ±{MAX_USER_MAGNITUDE:g} (the models read "
            "the series standardised by its mean and spread, and the spread of larger values overflows)."
        )
    if not v.std() > 0:
        raise ValueError(f"All {len(v)} values are equal to {v[0]:g}: a constant series has nothing to forecast.")
    return v


def parse_numbers(text: str) -> np.ndarray:
    """Numbers separated by commas, spaces or new lines → float64 (N,); ValueError names the first non-number."""
    tokens = [t for t in _SEPARATORS.split(text) if t]
    if not tokens:
        raise ValueError("No numbers found: paste numbers separated by commas, spaces or new lines.")
    for i, token in enumerate(tokens):
        if not _NUMBER.fullmatch(token):
            shown = token if len(token) <= _QUOTE_CHARS else token[:_QUOTE_CHARS] + "…"
            raise ValueError(
                f'"{shown}" (item {i + 1}) is not a number: paste numbers separated by commas, spaces or new lines.'
            )
    return np.array([float(t) for t in tokens], dtype=np.float64)
