"""Weights and checkpoints that parse but hold the wrong structure give a WeightsError naming the file (relative,
never the server's own path) and the command that rebuilds it, never a traceback; the compilation cache and the
weights folder may be missing, unwritable or read-only and the models still load."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from explorer import models
from explorer.models import checkpoints, compiled, weights

NAME = "digit-cnn"
FIX = "python -m explorer train digit-cnn"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A weights folder of its own, named by $EXPLORER_WEIGHTS_DIR as a server would be pointed at it, holding a
    freshly saved digit-cnn."""
    monkeypatch.setenv(weights.WEIGHTS_ENV, str(tmp_path))
    weights.save(NAME, models.build(NAME, seed=0), {"metrics": {}}, tmp_path)
    return tmp_path


def _rewrite_npz(folder: Path, arrays: dict) -> None:
    """Replace the .npz and update the recorded checksum, so only the structure is wrong."""
    path = folder / f"{NAME}.npz"
    np.savez(path, **arrays)
    _set_meta(folder, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def _set_meta(folder: Path, **changes) -> None:
    path = folder / f"{NAME}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def _saved(folder: Path) -> dict:
    with np.load(folder / f"{NAME}.npz") as f:
        return {k: f[k] for k in f.files}


def _fails_cleanly(folder: Path, match: str) -> weights.WeightsError:
    with pytest.raises(weights.WeightsError, match=match) as error:
        weights.load(NAME)
    message = str(error.value)
    assert FIX in message and "$EXPLORER_WEIGHTS_DIR/digit-cnn." in message
    assert str(folder) not in message  # the server's own path is nobody's business
    return error.value


def test_the_saved_model_loads(folder):
    model, meta = weights.load(NAME)
    assert models.count_params(model) == models.count_params(models.build(NAME)) and meta["name"] == NAME


def test_a_json_list_instead_of_an_object(folder):
    (folder / f"{NAME}.json").write_text("[1, 2, 3]")
    _fails_cleanly(folder, "a JSON list, not an object")


@pytest.mark.parametrize("config", [None, [1, 2], "digit-cnn"])
def test_a_config_that_is_not_an_object(folder, config):
    _set_meta(folder, config=config)
    _fails_cleanly(folder, "no config object")


@pytest.mark.parametrize("config", [{"channels1": "eight"}, {"no_such_field": 3}, {"channels1": -4}])
def test_a_config_that_builds_no_model(folder, config):
    _set_meta(folder, config=config)
    _fails_cleanly(folder, "does not fit the model.*config does not build")


def test_no_checksum(folder):
    _set_meta(folder, sha256=12)
    _fails_cleanly(folder, "no sha256")


def test_an_empty_archive_whose_checksum_matches(folder):
    _rewrite_npz(folder, {})
    _fails_cleanly(folder, r"does not fit the model.*is missing")


def test_a_missing_array(folder):
    arrays = _saved(folder)
    arrays.pop(sorted(arrays)[0])
    _rewrite_npz(folder, arrays)
    _fails_cleanly(folder, "is missing")


def test_a_wrongly_shaped_array(folder):
    arrays = _saved(folder)
    key = sorted(arrays)[0]
    arrays[key] = np.zeros((*arrays[key].shape, 2), np.float32)
    _rewrite_npz(folder, arrays)
    _fails_cleanly(folder, "has shape")


def test_arrays_that_are_not_floats(folder):
    arrays = {k: np.full(v.shape, "x") for k, v in _saved(folder).items()}
    _rewrite_npz(folder, arrays)
    _fails_cleanly(folder, "not floats")


def test_one_bare_array_instead_of_named_ones(folder):
    path = folder / f"{NAME}.npz"
    with path.open("wb") as f:
        np.save(f, np.zeros(3, np.float32))
    _set_meta(folder, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    _fails_cleanly(folder, "bare array")


def test_the_compiled_reader_fails_the_same_way(folder):
    """The app's loader (and the warm-up that loops over it) gets the WeightsError, not a traceback."""
    _rewrite_npz(folder, {})
    with pytest.raises(weights.WeightsError, match=FIX):
        compiled.load_reader(NAME, folder)


def test_shipped_files_are_named_relative_to_the_project():
    assert weights.shown_path(weights.DEFAULT_DIR / "digit-cnn.npz") == "explorer/assets/weights/digit-cnn.npz"
    assert weights.shown_path(checkpoints.DEFAULT_DIR / "x.npz") == "explorer/assets/checkpoints/x.npz"
    assert weights.shown_path(Path("/somewhere/else/digit-cnn.npz")) == "digit-cnn.npz"


# --- checkpoints ---------------------------------------------------------------------------------------------


def _checkpoint_arrays() -> dict:
    model = models.build("digit-mlp", seed=0)
    params = {f"param:{k}": np.stack([v, v]) for k, v in weights.flat_params(model).items()}
    return {
        "steps": np.array([0, 1]),
        "heldout": np.array([0.1, 0.2]),
        "train_loss": np.array([np.nan, 2.0]),
        "seconds": np.array([0.0, 1.0]),
        "config": np.asarray(json.dumps(model.config.to_dict())),
        **params,
    }


def _broken(arrays: dict, change: str) -> dict:
    key = next(k for k in arrays if k.startswith("param:"))
    if change == "no steps":
        arrays.pop("steps")
    elif change == "config not JSON":
        arrays["config"] = np.asarray("{nope")
    elif change == "config a list":
        arrays["config"] = np.asarray("[1]")
    elif change == "missing parameter":
        arrays.pop(key)
    elif change == "one checkpoint short":
        arrays[key] = arrays[key][:1]
    elif change == "series of two lengths":
        arrays["seconds"] = np.array([0.0, 1.0, 2.0])
    return arrays


def test_good_checkpoints_load(tmp_path):
    np.savez(tmp_path / "digit-mlp.npz", **_checkpoint_arrays())
    run = checkpoints.load("digit-mlp", tmp_path)
    assert list(run.steps) == [0, 1] and run.model_at(1) is not None


@pytest.mark.parametrize(
    "change",
    [
        "no steps",
        "config not JSON",
        "config a list",
        "missing parameter",
        "one checkpoint short",
        "series of two lengths",
    ],
)
def test_checkpoints_of_the_wrong_structure(tmp_path, monkeypatch, change):
    monkeypatch.setenv(weights.WEIGHTS_ENV, str(tmp_path))
    np.savez(tmp_path / "digit-mlp.npz", **_broken(_checkpoint_arrays(), change))
    with pytest.raises(weights.WeightsError, match="python -m explorer train digit-mlp") as error:
        checkpoints.load("digit-mlp", tmp_path)
    assert str(tmp_path) not in str(error.value) and "digit-mlp.npz" in str(error.value)


# --- the compilation cache and the weights folder ------------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path):
    """Make a folder read-only for this process: chmod, and for root (whom chmod does not stop) the immutable flag."""
    path.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        with pytest.raises(OSError):  # the folder really is read-only, or the test proves nothing
            (path / "probe").write_text("x")
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755)


@pytest.fixture
def default_cache_after():
    yield
    compiled.enable_compilation_cache()  # back to the shared default for the rest of the run


def test_a_missing_cache_folder_is_made(tmp_path, default_cache_after):
    assert compiled.enable_compilation_cache(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()


def test_a_cache_folder_that_cannot_be_made_logs_one_line(tmp_path, caplog, default_cache_after):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger=compiled.__name__):
        assert compiled.enable_compilation_cache(blocked / "jax") is None
    assert len(caplog.records) == 1 and "No compilation cache" in caplog.records[0].getMessage()


def test_a_read_only_cache_and_weights_folder_still_load_models(tmp_path, caplog, default_cache_after, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    shipped = tmp_path / "weights"
    shipped.mkdir()
    for suffix in (".npz", ".json"):
        (shipped / f"{NAME}{suffix}").write_bytes((weights.DEFAULT_DIR / f"{NAME}{suffix}").read_bytes())
    monkeypatch.setenv(compiled.CACHE_ENV, str(cache))
    with read_only(cache), read_only(shipped), caplog.at_level(logging.WARNING, logger=compiled.__name__):
        assert compiled.enable_compilation_cache() is None  # $EXPLORER_JAX_CACHE read-only: no cache, one line
        reader = compiled.load_reader(NAME, shipped)
        found = np.asarray(reader.trace(np.zeros((1, 28, 28, 1), np.float32)).probs)
    assert len(caplog.records) == 1 and "No compilation cache" in caplog.records[0].getMessage()
    shipped_model, _ = weights.load(NAME)
    want = np.asarray(shipped_model.trace(np.zeros((1, 28, 28, 1), np.float32)).probs)
    np.testing.assert_allclose(found, want, rtol=1e-5, atol=1e-6)  # compiled vs eager: float tolerance


def test_the_cache_can_be_turned_off(default_cache_after):
    assert compiled.enable_compilation_cache("") is None
