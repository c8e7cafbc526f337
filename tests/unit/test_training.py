"""explorer.training: the one fit loop against hand-applied optax steps, the losses fall, each family's config builds
the optimiser its shipped run used, and the package stands below cli (layers, no circles)."""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from flax import nnx

from explorer import models
from explorer.data import digits, vocab
from explorer.models import checkpoints, weights
from explorer.training import checkpoints as writing
from explorer.training import configs, losses, optimizer
from explorer.training import digits as digit_training
from explorer.training import text as text_training
from explorer.training.loop import fit, train_step

ROOT = Path(__file__).resolve().parents[2]
# float32 on both sides, the same operations in another order (jit-fused vs eager): agree to about 1e-7 relative
STEP_ATOL = 1e-6


class Tiny(nnx.Module):
    """logits = x @ W + b: small enough to write its gradient's optimiser steps out by hand."""

    def __init__(self, rngs: nnx.Rngs):
        self.linear = nnx.Linear(3, 4, rngs=rngs)

    def __call__(self, x):
        return self.linear(x)


def _reference_steps(params: dict, x, y, steps: int, lr: float, total: int, weight_decay: float, clip: float):
    """`steps` optax updates written out independently of explorer.training: the same chain, built by hand."""
    sched = optax.warmup_cosine_decay_schedule(0.0, lr, max(1, total // 20), total, lr * 0.02)
    tx = optax.chain(optax.clip_by_global_norm(clip), optax.adamw(sched, weight_decay=weight_decay))

    def loss(p):
        logits = x @ p["kernel"] + p["bias"]
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))

    state = tx.init(params)
    for _ in range(steps):
        updates, state = tx.update(jax.grad(loss)(params), state, params)
        params = optax.apply_updates(params, updates)
    return params


def test_the_fit_loop_steps_as_hand_applied_optax_steps():
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(size=(8, 3)), jnp.float32) * 5  # large inputs: clipping is active
    y = jnp.asarray(rng.integers(0, 4, size=8))
    model = Tiny(nnx.Rngs(0))
    start = {"kernel": model.linear.kernel[...], "bias": model.linear.bias[...]}
    cfg = configs.TextTraining(lr=0.05, clip=0.5, weight_decay=0.01)
    opt = optimizer.make_optimizer(model, cfg, 40)
    steps = 3  # step 0 of the warm-up has rate 0: three steps, so two of them move the weights
    log = fit(model, opt, losses.classification, [[(x, y)] * steps], total_steps=steps, quiet=True)
    want = _reference_steps(start, x, y, steps, 0.05, 40, 0.01, 0.5)
    np.testing.assert_allclose(model.linear.kernel[...], want["kernel"], rtol=0, atol=STEP_ATOL)
    np.testing.assert_allclose(model.linear.bias[...], want["bias"], rtol=0, atol=STEP_ATOL)
    assert np.abs(np.asarray(want["kernel"] - start["kernel"])).max() > 1e-3  # the steps did move the weights
    assert log.steps == steps and np.isfinite(log.final_loss)


def test_one_train_step_is_one_optax_step_on_the_loss_gradient():
    rng = np.random.default_rng(1)
    x, y = jnp.asarray(rng.normal(size=(5, 3)), jnp.float32), jnp.asarray(rng.integers(0, 4, size=5))
    model = Tiny(nnx.Rngs(1))
    start = {"kernel": model.linear.kernel[...], "bias": model.linear.bias[...]}
    tx = optax.sgd(0.3)  # a constant rate: the one step moves the weights by exactly -0.3 × gradient
    opt = nnx.Optimizer(model, tx, wrt=nnx.Param)
    loss = train_step(model, opt, losses.classification, x, y)
    grads = nnx.grad(losses.classification)(Tiny(nnx.Rngs(1)), x, y)
    np.testing.assert_allclose(
        model.linear.kernel[...], start["kernel"] - 0.3 * grads.linear.kernel[...], atol=STEP_ATOL
    )
    np.testing.assert_allclose(model.linear.bias[...], start["bias"] - 0.3 * grads.linear.bias[...], atol=STEP_ATOL)
    logits = np.asarray(x, np.float64) @ np.asarray(start["kernel"], np.float64) + np.asarray(start["bias"], np.float64)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    assert float(loss) == pytest.approx(-logp[np.arange(5), np.asarray(y)].mean(), rel=1e-5)  # float64 reference


def test_digit_training_lowers_the_loss():
    held = digits.load_heldout()
    data = digits.Digits(held.images[:256], held.labels[:256])
    model = models.build("digit-cnn", seed=0)
    x, y = jnp.asarray(digits.to_model_input(data.images)), jnp.asarray(data.labels)
    before = float(losses.classification(model, x, y))
    digit_training.fit_digits(model, data, configs.DigitTraining(epochs=4, batch=32), quiet=True)
    assert float(losses.classification(model, x, y)) < before * 0.8


def test_text_training_lowers_the_loss():
    text = vocab.normalise("the cat sat on the mat. " * 200)
    model = models.build("char-rnn-gru", seed=0)
    chunk = jnp.asarray(vocab.encode(text[:257]))[None]
    before = float(losses.next_character(model, chunk))
    text_training.fit_text(model, text, configs.TextTraining(steps=40, batch=8, length=32, lr=1e-2), quiet=True)
    assert float(losses.next_character(model, chunk)) < before * 0.7


def test_augmentation_keeps_shape_and_values_finite():
    from explorer.training.augment import augment

    x = jnp.asarray(np.random.default_rng(0).random((2, 28, 28, 1), np.float32))
    out = augment(jax.random.key(0), x)
    assert out.shape == x.shape and np.isfinite(np.asarray(out)).all()
    assert not np.allclose(out, x)  # it does move the digits


SHIPPED_RUNS = {  # a model of each family → the config its shipped run used
    "digit-cnn": configs.DigitTraining(),
    "char-rnn-lstm": configs.TextTraining(),
    "forecast-cnn": configs.SeriesTraining(),
    "hybrid-clip": configs.ClipTraining(),
    "sentiment-rnn": configs.SentimentTraining(),
}


@pytest.mark.parametrize("name", SHIPPED_RUNS)
def test_each_family_config_is_the_shipped_runs(name):
    cfg = SHIPPED_RUNS[name]
    recorded = json.loads((weights.DEFAULT_DIR / f"{name}.json").read_text())["training"]
    for key, value in dataclasses.asdict(cfg).items():
        default = {"weight_decay": 0.0, "clip": None}.get(key)  # older records leave out what was not used
        assert recorded.get(key, default) == value, key


@pytest.mark.parametrize("name", SHIPPED_RUNS)
def test_each_family_builds_adamw_with_warmup_cosine(name):
    cfg, total = SHIPPED_RUNS[name], 200
    sched = optax.warmup_cosine_decay_schedule(0.0, cfg.lr, 10, total, cfg.lr * 0.02)
    by_hand = optax.adamw(sched, weight_decay=cfg.weight_decay)
    if cfg.clip:
        by_hand = optax.chain(optax.clip_by_global_norm(cfg.clip), by_hand)
    built = optimizer.transform(cfg, total)
    assert optimizer.schedule(cfg.lr, total)(0) == 0.0
    assert float(optimizer.schedule(cfg.lr, total)(10)) == pytest.approx(cfg.lr, rel=1e-6)  # the peak after warm-up
    assert float(optimizer.schedule(cfg.lr, total)(total)) == pytest.approx(cfg.lr * 0.02, rel=1e-5)
    params = {"w": jnp.ones((4, 3)), "b": jnp.full((3,), 2.0)}  # non-zero: weight decay shows
    rng = np.random.default_rng(2)
    s1, s2 = built.init(params), by_hand.init(params)
    for step in range(15):  # through the warm-up and into the cosine
        g = {k: jnp.asarray(rng.normal(size=v.shape) * 10, jnp.float32) for k, v in params.items()}  # norm > clip
        u1, s1 = built.update(g, s1, params)
        u2, s2 = by_hand.update(g, s2, params)
        for k in params:
            np.testing.assert_allclose(u1[k], u2[k], rtol=1e-6, atol=1e-9, err_msg=f"step {step} {k}")


def test_clipping_is_used_where_the_config_says():
    assert configs.TextTraining().clip == 1.0  # the simple RNN needs it
    assert all(c.clip is None for n, c in SHIPPED_RUNS.items() if n != "char-rnn-lstm")
    g = {"w": jnp.full((2,), 100.0)}
    clipped = optimizer.transform(configs.TextTraining(), 100)
    unclipped = optimizer.transform(dataclasses.replace(configs.TextTraining(), clip=None), 100)
    params = {"w": jnp.zeros(2)}
    # adam normalises the gradient, so a clip only shows through its state: the first moment is the clipped gradient
    _, state = clipped.update(g, clipped.init(params), params)
    _, plain = unclipped.update(g, unclipped.init(params), params)
    mu = jax.tree.leaves(state[1][0].mu)[0]
    assert float(jnp.linalg.norm(mu)) == pytest.approx(0.1 * 1.0, rel=1e-5)  # (1 − b1) × clipped norm 1
    assert float(jnp.linalg.norm(jax.tree.leaves(plain[0].mu)[0])) == pytest.approx(0.1 * 100 * np.sqrt(2), rel=1e-5)


def test_checkpoints_written_while_training_load_back(tmp_path):
    held = digits.load_heldout()
    data = digits.Digits(held.images[:64], held.labels[:64])
    model = models.build("digit-mlp", seed=0)
    timing = digit_training.fit_digits(model, data, configs.DigitTraining(epochs=2, batch=32), quiet=True, held=data)
    timing["checkpoints"].save("digit-mlp", tmp_path)
    run = checkpoints.load("digit-mlp", tmp_path)
    assert [int(s) for s in run.steps] == writing.schedule(4) == [0, 1, 2, 3, 4]
    for a, b in zip(jax.tree.leaves(weights.flat_params(run.model_at(4))), jax.tree.leaves(weights.flat_params(model))):
        np.testing.assert_array_equal(a, b)  # exact: the same float32 values, written and read back
    assert run.heldout_score[-1] >= run.heldout_score[0] and run.metric == "accuracy"


def test_the_weights_record_is_written_in_one_place(tmp_path):
    from explorer.training.records import save_trained

    model = models.build("forecast-cnn", seed=0)
    cfg = configs.SeriesTraining()
    save_trained(
        "forecast-cnn", model, tmp_path, data={"source": "x"}, metrics={"mae": 1.0}, timing={"seconds": 2.0}, cfg=cfg
    )
    meta = weights.load_meta("forecast-cnn", tmp_path)
    assert meta["training"] == {"seconds": 2.0, **dataclasses.asdict(cfg)}
    assert set(meta) == {"name", "config", "sha256", "data", "metrics", "training", "versions"}
    assert meta["versions"]["jax"] == jax.__version__


def test_training_imports_without_cli():
    code = (
        "import sys, explorer.training.groups, explorer.training.digits, explorer.training.text, "
        "explorer.training.series, explorer.training.clips, explorer.training.sentiment, explorer.compute.evaluation; "
        "print(sorted(m for m in sys.modules if m.startswith(('explorer.cli', 'explorer.app', 'explorer.figures'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# the class room (its store, the networks' answers to a sketch, the projector's summaries) reads data and compute
# and shares a floor with training and figures; the app and the command line sit above it
LAYER = {"data": 0, "models": 1, "compute": 2, "training": 3, "figures": 3, "classroom": 3, "app": 4, "cli": 5}


def _import_graph() -> dict[str, set[str]]:
    """explorer module → the explorer modules it imports (inside functions too), as layers_check reads them."""
    files = {}
    for path in (ROOT / "explorer").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        files[name.removesuffix(".__init__")] = path
    graph = {}
    for name, path in files.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [
                    f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in files else node.module for a in node.names
                ]
            else:
                continue
            for t in targets:
                while t and t not in files:
                    t = t.rpartition(".")[0]
                if t.startswith("explorer.") and t != name:
                    deps.add(t)
        graph[name] = deps
    return graph


def test_training_models_compute_and_cli_import_only_below_them():
    graph = _import_graph()
    breaches = []
    for name, deps in graph.items():
        room = name.split(".")[1] if name.count(".") else ""
        if room not in ("models", "compute", "training", "classroom", "cli"):
            continue
        for dep in deps:
            other = dep.split(".")[1]
            if other != room and LAYER.get(other, 9) >= LAYER[room]:
                breaches.append(f"{name} imports {dep}")
    assert breaches == []


def test_no_import_circle_through_models_compute_training_or_cli():
    graph = _import_graph()
    seen, on_path, circles = set(), [], []

    def visit(node: str) -> None:
        if node in on_path:
            circles.append(on_path[on_path.index(node) :])
            return
        if node in seen:
            return
        seen.add(node)
        on_path.append(node)
        for dep in sorted(graph.get(node, ())):
            visit(dep)
        on_path.pop()

    for name in sorted(graph):
        if name.split(".")[1:2] and name.split(".")[1] in ("models", "compute", "training", "cli"):
            visit(name)
    # a module importing a sibling through its package (`from explorer.models import cells`) is not a circle
    ours = [c for c in circles if all(m.split(".")[1] in ("models", "compute", "training", "cli") for m in c)]
    real = [c for c in ours if not (len(c) == 2 and any(c[i] == c[1 - i].rpartition(".")[0] for i in (0, 1)))]
    assert real == []
