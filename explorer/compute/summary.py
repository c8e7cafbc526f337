"""A Keras-style summary (layer, output shape, parameters) generated from the real models.

Parameters come from each submodule's nnx.Param leaves; output shapes from the
model's own trace, evaluated abstractly with `jax.eval_shape` (nothing is run).
B is the batch, T the number of characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
from flax import nnx

from explorer import models
from explorer.models import compiled
from explorer.models.charcnn import CharCNN
from explorer.models.cnn import DigitCNN
from explorer.models.mlp import DigitMLP
from explorer.models.rnn import CELL_TITLES, CharRNN, RowRNN

_T = compiled.MAX_TEXT  # a text length for evaluating shapes; shown as T


@dataclass(frozen=True)
class Layer:
    name: str  # what the layer does
    module: str  # the attribute path of the nnx submodule holding its parameters, "" for none
    output_shape: str  # e.g. "(B, 28, 28, 8)"
    params: int


def _params(module: nnx.Module | None) -> int:
    return 0 if module is None else models.count_params(module)


def _shape(array, text: bool) -> str:
    dims = ["B"] + [str(d) for d in array.shape[1:]]
    if text and len(dims) > 1:
        dims[1] = "T"
    return "(" + ", ".join(dims) + ")"


def _spec(model: nnx.Module, trace) -> list[tuple[str, str, object]]:
    """(layer name, submodule path, trace array) in the order the forward pass computes them."""
    if isinstance(model, DigitCNN):
        k = model.config.kernel
        return [
            ("input", "", trace.input),
            (f"conv {k}×{k}, {model.config.channels1} filters, same padding", "conv1", trace.conv1),
            ("ReLU", "", trace.relu1),
            ("max-pool 2×2", "", trace.pool1),
            (f"conv {k}×{k}, {model.config.channels2} filters, same padding", "conv2", trace.conv2),
            ("ReLU", "", trace.relu2),
            ("max-pool 2×2", "", trace.pool2),
            ("flatten", "", trace.flat),
            ("dense", "dense", trace.logits),
            ("softmax", "", trace.probs),
        ]
    if isinstance(model, DigitMLP):
        return [
            ("input", "", trace.input),
            ("flatten: 784 pixels, their positions forgotten", "", trace.flat),
            (f"dense, {model.config.hidden} units", "hidden", trace.hidden_pre),
            ("ReLU", "", trace.hidden),
            ("dense", "out", trace.logits),
            ("softmax", "", trace.probs),
        ]
    cell = CELL_TITLES.get(getattr(model, "kind", ""), "")
    if isinstance(model, RowRNN):
        return [
            ("input: 28 rows of 28 pixels", "", trace.inputs),
            (f"{cell} cell, scanned over the rows (hidden {model.hidden})", "rnn", trace.hidden),
            ("dense read-out after every row (the last row's is the answer)", "head", trace.logits),
            ("softmax", "", trace.probs),
        ]
    if isinstance(model, CharRNN):
        return [
            ("character embedding", "embed", trace.inputs),
            (f"{cell} cell, scanned over the characters (hidden {model.hidden})", "rnn", trace.hidden),
            ("dense → next character", "head", trace.logits),
            ("softmax", "", trace.probs),
        ]
    if isinstance(model, CharCNN):
        rows = [("character embedding", "embed", trace.embedded)]
        for n, (d, pre, out) in enumerate(zip(model.config.dilations, trace.pre, trace.layers)):
            rows.append((f"causal conv, kernel {model.config.kernel}, dilation {d}", f"convs.{n}", pre))
            rows.append(("ReLU" if n == 0 else "ReLU + residual", "", out))
        return rows + [("dense → next character", "head", trace.logits), ("softmax", "", trace.probs)]
    raise TypeError(f"no summary for {type(model).__name__}")


def _module(model: nnx.Module, path: str) -> nnx.Module | None:
    if not path:
        return None
    obj = model
    for part in path.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def summarise(model: nnx.Module) -> list[Layer]:
    """Every layer of `model` in order, with its output shape and its own parameter count."""
    text = isinstance(model, (CharRNN, CharCNN))
    x = jnp.zeros((1, _T), jnp.int32) if text else jnp.zeros((1, 28, 28, 1), jnp.float32)
    trace = jax.eval_shape(lambda inp: model.trace(inp), x)
    return [
        Layer(name, path, _shape(arr, text), _params(_module(model, path))) for name, path, arr in _spec(model, trace)
    ]


def records(layers: list[Layer]) -> list[dict]:
    """Layers → table rows, with a total line last."""
    rows = [
        {
            "layer": layer.name,
            "module": layer.module or "—",
            "output shape": layer.output_shape,
            "parameters": layer.params,
        }
        for layer in layers
    ]
    rows.append(
        {"layer": "total", "module": "", "output shape": "", "parameters": sum(layer.params for layer in layers)}
    )
    return rows
