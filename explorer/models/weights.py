"""Save and load trained weights: explorer/assets/weights/<name>.npz plus <name>.json (config, metrics, versions).

Every failure to load, from a missing file to one that parses but holds the wrong structure (a JSON list, an
archive without the model's arrays, arrays of the wrong shape or kind), becomes a `WeightsError` whose message
names the file (relative to the project, never the server's own path) and the command that rebuilds it, so the
app can show it instead of a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer import models
from explorer.data import ASSETS

DEFAULT_DIR = ASSETS / "weights"
WEIGHTS_ENV = "EXPLORER_WEIGHTS_DIR"
PROJECT = ASSETS.parents[1]  # the folder that holds the explorer package


class WeightsError(RuntimeError):
    """A weights file is missing or unusable; str(error) is written for the user."""


def weights_dir() -> Path:
    """explorer/assets/weights, or the folder named by $EXPLORER_WEIGHTS_DIR."""
    return Path(os.environ.get(WEIGHTS_ENV) or DEFAULT_DIR)


def train_command(name: str) -> str:
    group = name if name in ("digit-cnn", "digit-mlp", "char-cnn") else name.rsplit("-", 1)[0]
    return f"python -m explorer train {group}"


def shown_path(path: Path) -> str:
    """`path` as a message may show it: relative to the project (explorer/assets/weights/digit-cnn.npz), else
    relative to $EXPLORER_WEIGHTS_DIR, else the file name alone; never where the server keeps its files."""
    path = Path(path).absolute()
    for base, prefix in ((PROJECT.absolute(), ""), (weights_dir().absolute(), f"${WEIGHTS_ENV}/")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return path.name


def _paths(name: str, folder: Path) -> tuple[Path, Path]:
    return folder / f"{name}.npz", folder / f"{name}.json"


def flat_params(model: nnx.Module) -> dict[str, np.ndarray]:
    """parameter path ('["conv1"]["kernel"]') → its values, for every nnx.Param of the model."""
    leaves = jax.tree_util.tree_flatten_with_path(nnx.state(model, nnx.Param))[0]
    return {jax.tree_util.keystr(path): np.asarray(leaf) for path, leaf in leaves}


def load_params(model: nnx.Module, saved: dict[str, np.ndarray], stacked: int | None = None, index: int = 0) -> None:
    """Put `saved` arrays into `model`'s parameters; ValueError naming the first missing, misshapen or non-numeric
    array. With `stacked` = K, each saved array is (K, *shape) and entry `index` is used (checkpoints)."""
    paths, treedef = jax.tree_util.tree_flatten_with_path(nnx.state(model, nnx.Param))
    leaves = []
    for path, leaf in paths:
        key = jax.tree_util.keystr(path)
        if key not in saved:
            raise ValueError(f"the array {key} is missing")
        arr = saved[key]
        expected = tuple(leaf.shape) if stacked is None else (stacked, *leaf.shape)
        if arr.shape != expected:
            raise ValueError(f"{key} has shape {arr.shape}, expected {expected}")
        if not np.issubdtype(arr.dtype, np.floating):
            raise ValueError(f"{key} holds {arr.dtype} values, not floats")
        leaves.append(jnp.asarray(arr if stacked is None else arr[index], leaf.dtype))
    nnx.update(model, jax.tree_util.tree_unflatten(treedef, leaves))


def build_from_config(name: str, config) -> nnx.Module:
    """The model `name` built from a saved config; ValueError when the config is not one of `name`'s."""
    try:
        return models.build(name, models.config_from_dict(name, config))
    except Exception as e:  # any config value the constructor chokes on: wrong key, type or size
        raise ValueError(f"its config does not build {name} ({type(e).__name__}: {e})") from e


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array in an .npz (no pickled objects); ValueError, OSError or BadZipFile when it is not one."""
    loaded = np.load(path, allow_pickle=False)
    if not isinstance(loaded, np.lib.npyio.NpzFile):  # a bare .npy array: no names to match parameters by
        raise ValueError("it holds one bare array, not named arrays")
    with loaded as f:
        return {k: f[k] for k in f.files}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(name: str, model: nnx.Module, meta: dict, folder: Path | None = None) -> Path:
    """Write the parameters and a JSON of `meta` + config + checksum; returns the .npz path."""
    folder = folder or weights_dir()
    folder.mkdir(parents=True, exist_ok=True)
    npz, js = _paths(name, folder)
    np.savez_compressed(npz, **flat_params(model))
    record = {"name": name, "config": model.config.to_dict(), "sha256": _sha256(npz), **meta}
    js.write_text(json.dumps(record, indent=2) + "\n")
    return npz


def load_meta(name: str, folder: Path | None = None) -> dict:
    """The weights' JSON record: a JSON object with the model's `config` (an object) and the `sha256` of the .npz."""
    folder = folder or weights_dir()
    _, js = _paths(name, folder)
    fix = f"Rebuild it with `{train_command(name)}`."
    if not js.exists():
        raise WeightsError(f"The weights description for {name} is missing ({shown_path(js)}). {fix}")
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise WeightsError(f"The weights description for {name} is unreadable ({shown_path(js)}: {e}). {fix}") from e
    if not isinstance(meta, dict):
        problem = f"a JSON {type(meta).__name__}, not an object"
    elif not isinstance(meta.get("config"), dict):
        problem = "no config object"
    elif not isinstance(meta.get("sha256"), str):
        problem = "no sha256 checksum"
    else:
        return meta
    raise WeightsError(f"The weights description for {name} holds {problem} ({shown_path(js)}). {fix}")


def load(name: str, folder: Path | None = None) -> tuple[nnx.Module, dict]:
    """The trained model and its metadata, or a WeightsError that says how to rebuild it."""
    folder = folder or weights_dir()
    npz, _ = _paths(name, folder)
    fix = f"Rebuild it with `{train_command(name)}`."
    if not npz.exists():
        raise WeightsError(f"The weights file for {name} is missing ({shown_path(npz)}). {fix}")
    meta = load_meta(name, folder)
    try:
        checksum = _sha256(npz)
    except OSError as e:
        raise WeightsError(f"The weights file for {name} is unreadable ({shown_path(npz)}: {e}). {fix}") from e
    if meta["sha256"] != checksum:
        raise WeightsError(
            f"The weights file for {name} is corrupted: its checksum does not match ({shown_path(npz)}). {fix}"
        )
    try:
        model = build_from_config(name, meta["config"])
        load_params(model, read_arrays(npz))
    except (ValueError, OSError, zipfile.BadZipFile) as e:
        raise WeightsError(f"The weights file for {name} does not fit the model ({shown_path(npz)}: {e}). {fix}") from e
    return model, meta
