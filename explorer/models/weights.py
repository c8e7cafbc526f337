"""Save and load trained weights: explorer/assets/weights/<name>.npz plus <name>.json (config, metrics, versions).

Every failure to load becomes a `WeightsError` whose message names the command
that rebuilds the file, so the app can show it instead of a traceback.
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


class WeightsError(RuntimeError):
    """A weights file is missing or unusable; str(error) is written for the user."""


def weights_dir() -> Path:
    """explorer/assets/weights, or the folder named by $EXPLORER_WEIGHTS_DIR."""
    return Path(os.environ.get("EXPLORER_WEIGHTS_DIR") or DEFAULT_DIR)


def train_command(name: str) -> str:
    group = name if name in ("digit-cnn", "digit-mlp", "char-cnn") else name.rsplit("-", 1)[0]
    return f"python -m explorer train {group}"


def _paths(name: str, folder: Path) -> tuple[Path, Path]:
    return folder / f"{name}.npz", folder / f"{name}.json"


def flat_params(model: nnx.Module) -> dict[str, np.ndarray]:
    leaves = jax.tree_util.tree_flatten_with_path(nnx.state(model, nnx.Param))[0]
    return {jax.tree_util.keystr(path): np.asarray(leaf) for path, leaf in leaves}


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
    folder = folder or weights_dir()
    _, js = _paths(name, folder)
    fix = f"Rebuild it with `{train_command(name)}`."
    if not js.exists():
        raise WeightsError(f"The weights description for {name} is missing ({js}). {fix}")
    try:
        return json.loads(js.read_text())
    except (OSError, ValueError) as e:
        raise WeightsError(f"The weights description for {name} is unreadable ({js}: {e}). {fix}") from e


def load(name: str, folder: Path | None = None) -> tuple[nnx.Module, dict]:
    """The trained model and its metadata, or a WeightsError that says how to rebuild it."""
    folder = folder or weights_dir()
    npz, _ = _paths(name, folder)
    fix = f"Rebuild it with `{train_command(name)}`."
    if not npz.exists():
        raise WeightsError(f"The weights file for {name} is missing ({npz}). {fix}")
    meta = load_meta(name, folder)
    if meta.get("sha256") != _sha256(npz):
        raise WeightsError(f"The weights file for {name} is corrupted: its checksum does not match ({npz}). {fix}")
    try:
        model = models.build(name, models.config_from_dict(name, meta["config"]))
        with np.load(npz) as f:
            saved = {k: f[k] for k in f.files}
        state = nnx.state(model, nnx.Param)
        paths, treedef = jax.tree_util.tree_flatten_with_path(state)
        leaves = []
        for path, leaf in paths:
            arr = saved[jax.tree_util.keystr(path)]
            if arr.shape != leaf.shape:
                raise ValueError(f"{jax.tree_util.keystr(path)} has shape {arr.shape}, expected {leaf.shape}")
            leaves.append(jnp.asarray(arr, leaf.dtype))
        nnx.update(model, jax.tree_util.tree_unflatten(treedef, leaves))
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as e:
        raise WeightsError(f"The weights file for {name} does not fit the model ({npz}: {e}). {fix}") from e
    return model, meta
