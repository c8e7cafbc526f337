"""The Text page's math against independent references: the traced model, Flax's own layers, jax.grad."""

from __future__ import annotations

import math
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from explorer import models
from explorer.compute import recurrence, saliency, update_equation
from explorer.data import vocab
from explorer.models import compiled, weights
from explorer.models.charcnn import CharCNNConfig

TEXT = "The cat sat on the mat, and then it ran off to find the dog."


@pytest.fixture(scope="module", params=["simple", "gru", "lstm"])
def reader(request, tmp_path_factory):
    """A freshly built char RNN saved and loaded the way the app loads it (jit-compiled, padded)."""
    name = f"char-rnn-{request.param}"
    folder = tmp_path_factory.mktemp(request.param)
    weights.save(name, models.build(name, seed=3), {}, folder)
    return compiled.load_reader(name, folder)


@pytest.mark.parametrize("t", [0, 1, 17, len(TEXT) - 1])
def test_step_terms_reproduce_the_traced_state_gates_and_memory(reader, t):
    trace = reader.trace(TEXT)
    terms = recurrence.terms_at(reader.model.weights(), trace, t)
    # recomputed outside the compiled trace: the same float32 operations, possibly fused or ordered differently
    close = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(terms.h, np.asarray(trace.hidden[0, t]), **close)
    for name, gate in trace.gates.items():
        np.testing.assert_allclose(terms.value[name], np.asarray(gate[0, t]), **close)
    if reader.model.kind == "lstm":
        np.testing.assert_allclose(terms.c, np.asarray(trace.cell[0, t]), **close)
        np.testing.assert_array_equal(terms.c_prev, np.asarray(trace.cell[0, t - 1]) if t else 0)
    np.testing.assert_array_equal(terms.h_prev, np.asarray(trace.hidden[0, t - 1]) if t else 0)


def test_the_terms_add_up_and_match_flax_parameters_computed_by_hand(reader):
    """Independent of explorer.ops: recompute the parts from the nnx cell's own parameters in float64."""
    model, t = reader.model, 9
    trace = reader.trace(TEXT)
    terms = recurrence.terms_at(model.weights(), trace, t)
    x = np.asarray(model.embed(jnp.asarray(vocab.encode(TEXT[t]))), np.float64)[0]
    h_prev = np.asarray(trace.hidden[0, t - 1], np.float64)
    cell = model.rnn.cell
    if model.kind == "simple":
        expected = np.tanh(
            x @ np.asarray(cell.dense_i.kernel[...])
            + np.asarray(cell.dense_i.bias[...])
            + h_prev @ np.asarray(cell.dense_h.kernel[...])
        )
        np.testing.assert_allclose(terms.x_part["h"] + terms.h_part["h"] + terms.bias["h"], terms.pre["h"], atol=1e-6)
    elif model.kind == "lstm":
        c_prev = np.asarray(trace.cell[0, t - 1], np.float64)
        part = lambda a, b: (
            x @ np.asarray(getattr(cell, a).kernel[...])
            + h_prev @ np.asarray(getattr(cell, b).kernel[...])
            + np.asarray(getattr(cell, b).bias[...])
        )
        sig = lambda v: 1 / (1 + np.exp(-v))
        i, f, g, o = sig(part("ii", "hi")), sig(part("if_", "hf")), np.tanh(part("ig", "hg")), sig(part("io", "ho"))
        expected = o * np.tanh(f * c_prev + i * g)
        for k in "ifgo":
            np.testing.assert_allclose(terms.x_part[k] + terms.h_part[k] + terms.bias[k], terms.pre[k], atol=1e-6)
    else:
        w = model.weights()
        xr, xz, xn = np.split(x @ np.asarray(w.w_x, np.float64) + np.asarray(w.b), 3)
        hr, hz, hn = np.split(h_prev @ np.asarray(w.w_h, np.float64), 3)
        sig = lambda v: 1 / (1 + np.exp(-v))
        r, z = sig(xr + hr), sig(xz + hz)
        expected = (1 - z) * np.tanh(xn + r * hn) + z * h_prev
        np.testing.assert_allclose(
            terms.pre["n"], terms.x_part["n"] + terms.bias["n"] + terms.value["r"] * terms.h_part["n"], atol=1e-6
        )
    np.testing.assert_allclose(terms.h, expected, atol=2e-6)


def test_equation_lines_show_the_traced_numbers(reader):
    trace = reader.trace(TEXT)
    t, unit = 12, 5
    terms = recurrence.terms_at(reader.model.weights(), trace, t)
    lines = update_equation.lines(terms, unit)
    final = float(re.findall(r"(?:=|\\approx) (-?\d+\.\d{3,})(?:\\quad.*)? \\end\{aligned\}$", lines[-1])[0])
    assert final == pytest.approx(float(trace.hidden[0, t, unit]), abs=5e-4)
    for name, gate in trace.gates.items():  # one line per gate, ending in the gate's traced value
        line = next(ln for ln in lines if ln.startswith(rf"\begin{{aligned}} {name}_t"))
        assert float(re.findall(r"(?:=|\\approx) (-?\d+\.\d{3,})(?:\\quad.*)? \\end", line)[0]) == pytest.approx(
            float(gate[0, t, unit]), abs=5e-4
        )
    if reader.model.kind == "lstm":
        c_line = next(ln for ln in lines if "c_t &=" in ln)
        assert float(re.findall(r"(?:=|\\approx) (-?\d+\.\d{3,})(?:\\quad.*)? \\end", c_line)[0]) == pytest.approx(
            float(trace.cell[0, t, unit]), abs=5e-4
        )


def test_recurrent_contributions_add_up_to_the_recurrent_part(reader):
    w = reader.model.weights()
    trace = reader.trace(TEXT)
    terms = recurrence.terms_at(w, trace, 20)
    block = recurrence.BLOCKS[w.kind][-1 if w.kind == "gru" else 0]
    top, rest = recurrence.recurrent_contributions(w, terms.h_prev, block, 7, k=5)
    mags = [abs(p) for *_, p in top]
    assert mags == sorted(mags, reverse=True) and len(top) == 5
    for j, h, wt, p in top:
        assert h == terms.h_prev[j] and p == pytest.approx(h * wt)
    assert sum(p for *_, p in top) + rest == pytest.approx(float(terms.h_part[block][7]), abs=1e-5)


def _reference_saliency(model, ids, t, target):
    """‖∂ log p(target) / ∂ e_s‖ with jax.grad through Flax's own nnx.RNN (not explorer.ops)."""

    def log_p(emb, m):
        return jax.nn.log_softmax(m.head(m._scan(emb))[0, t])[target]

    grad = nnx.grad(log_p, argnums=0)(model.embed(jnp.asarray(ids[None])), model)  # nnx.RNN needs nnx's transform
    return np.linalg.norm(np.asarray(grad[0]), axis=-1)


@pytest.mark.parametrize("t", [0, 25, len(TEXT) - 1])
def test_saliency_is_causal_and_matches_jax_grad(reader, t):
    ids = vocab.encode(TEXT)
    model = reader.model
    sal = saliency.saliency(model, ids, t)
    assert sal.shape == (len(ids),) and sal.dtype == np.float32
    assert np.all(sal[t + 1 :] == 0.0)  # computed, not masked: later characters cannot reach the prediction
    assert np.all(sal[: t + 1] > 0)
    target = int(np.argmax(np.asarray(model(jnp.asarray(ids[None])))[0, t]))
    np.testing.assert_allclose(sal, _reference_saliency(model, ids, t, target), rtol=1e-4, atol=1e-7)
    other = (target + 1) % vocab.SIZE
    np.testing.assert_allclose(
        saliency.saliency(model, ids, t, target=other),
        _reference_saliency(model, ids, t, other),
        rtol=1e-4,
        atol=1e-7,
    )


def test_saliency_does_not_change_when_text_is_added_after_t(reader):
    ids = vocab.encode(TEXT)
    longer = vocab.encode(TEXT + " More words follow here.")
    np.testing.assert_allclose(
        saliency.saliency(reader.model, longer, 30)[: len(ids)], saliency.saliency(reader.model, ids, 30), rtol=1e-6
    )


def test_saliency_rejects_steps_and_lengths_it_cannot_compute(reader):
    ids = vocab.encode(TEXT)
    with pytest.raises(ValueError):
        saliency.saliency(reader.model, ids, len(ids))
    with pytest.raises(ValueError):
        saliency.saliency(reader.model, vocab.encode("a" * (compiled.MAX_TEXT + 1)), 3)


def test_generation_is_reproducible_and_uses_the_models_probabilities(reader):
    prompt = vocab.encode(TEXT)
    a = recurrence.generate(reader.model, prompt, 40, 1.0, seed=7)
    b = recurrence.generate(reader.model, prompt, 40, 1.0, seed=7)
    c = recurrence.generate(reader.model, prompt, 40, 1.0, seed=8)
    np.testing.assert_array_equal(a.ids, b.ids)
    assert not np.array_equal(a.ids, c.ids)
    assert len(a.text) == 40
    # Re-reading prompt + sampled text: each sampled character's probability is what the trace predicted there.
    probs = np.asarray(reader.trace(TEXT + a.text).probs[0])
    expected = probs[len(prompt) - 1 + np.arange(40), a.ids]
    np.testing.assert_allclose(a.p_model, expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(a.p_sampled, a.p_model, rtol=1e-5)  # temperature 1: the same distribution
    # A shorter request is the start of the same sample.
    np.testing.assert_array_equal(recurrence.generate(reader.model, prompt, 10, 1.0, seed=7).ids, a.ids[:10])


def test_temperature_sharpens_the_sampling_distribution(reader):
    prompt = vocab.encode(TEXT)
    cold = recurrence.generate(reader.model, prompt, 30, 0.1, seed=1)
    hot = recurrence.generate(reader.model, prompt, 30, 2.0, seed=1)
    assert cold.p_sampled.mean() > hot.p_sampled.mean()


def test_generation_rejects_out_of_range_settings(reader):
    prompt = vocab.encode(TEXT)
    for length, temperature in [(0, 1.0), (recurrence.MAX_GENERATE + 1, 1.0), (10, 0.0), (10, 5.0)]:
        with pytest.raises(ValueError):
            recurrence.generate(reader.model, prompt, length, temperature)


def test_top_k_orders_characters_by_probability():
    probs = np.zeros(vocab.SIZE, np.float32)
    for ch, p in {"e": 0.5, " ": 0.2, "a": 0.15, "\n": 0.1, "z": 0.05}.items():
        probs[vocab.encode(ch)[0]] = p
    assert recurrence.top_k(probs, 3) == [("e", 0.5), (" ", pytest.approx(0.2)), ("a", pytest.approx(0.15))]
    assert [c for c, _ in recurrence.top_k(probs)] == ["e", " ", "a", "\n", "z"]


@pytest.mark.parametrize(
    "raw, text, cut, unknown",
    [
        ("", "", False, 0),
        ("hello", "hello", False, 0),
        ("x" * 100_000, "x" * 200, True, 0),
        ("hi 😀!", f"hi {vocab.UNKNOWN}!", False, 1),
        ("שלום", vocab.UNKNOWN * 4, False, 4),
        ("a\x00b\tc\r", f"a{vocab.UNKNOWN}b{vocab.UNKNOWN}c{vocab.UNKNOWN}", False, 3),
    ],
)
def test_prepare_text_cuts_and_maps_unknown_characters(raw, text, cut, unknown):
    prepared = recurrence.prepare_text(raw)
    assert (prepared.text, prepared.cut, prepared.unknown, prepared.original_length) == (text, cut, unknown, len(raw))
    assert len(prepared.ids) == len(prepared.text)
    assert prepared.blank == (not raw.strip())
    assert recurrence.prepare_text(" \t\n ").blank


def test_cnn_window_is_exactly_what_the_char_cnn_can_see():
    """Gradient of the CNN's prediction at t w.r.t. each embedding: non-zero exactly inside the window."""
    config = CharCNNConfig()
    model = models.build("char-cnn", seed=1)
    ids = jnp.asarray(vocab.encode((TEXT * 3)[:150])[None])
    for t in (10, 120):
        first, last = recurrence.cnn_window(config, t)
        assert last == t and first == max(0, t - config.receptive_field + 1)
        grad = jax.grad(lambda e, t=t: jax.nn.log_softmax(_cnn_from_embedding(model, e)[0, t])[3])(model.embed(ids))
        seen = np.flatnonzero(np.linalg.norm(np.asarray(grad[0]), axis=-1) > 0)
        assert seen.min() == first and seen.max() == last


def _cnn_from_embedding(model, x):
    for n, conv in enumerate(model.convs):
        y = jax.nn.relu(conv(x))
        x = y if n == 0 else x + y
    return model.head(x)


def _evaluate_printed(expression: str) -> float:
    """A numeric row of the equation as printed (LaTeX), evaluated with exactly the printed numbers."""
    python = expression.replace(r"\cdot", "*").replace(r"\sigma", "sigmoid").replace(r"\tanh", "tanh")
    assert re.fullmatch(r"[0-9a-z.()*+\- ]+", python), python  # numbers, operators and the two functions only
    return float(eval(python, {"sigmoid": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh}))  # noqa: S307


@pytest.mark.parametrize("name", ["char-rnn-simple", "char-rnn-gru", "char-rnn-lstm"])
def test_every_printed_line_of_the_equation_adds_up(name):
    """Each '= …' step of every numeric row, recomputed by hand from the printed numbers, gives the next one.

    Three-decimal rounding of a sum of three printed terms moves it by at most 0.0015, a product of precisely
    printed factors by at most 0.001: 0.0025 allows both, and catches a gate printed to 3 decimals times a
    memory of 40 (off by 0.02).
    """
    reader = compiled.load_reader(name)
    trace = reader.trace(TEXT)
    w = reader.model.weights()
    checked = 0
    for t in range(0, len(TEXT), 7):
        terms = recurrence.terms_at(w, trace, t)
        for unit in range(w.hidden):
            for line in update_equation.lines(terms, unit):
                numeric = line.split(r"\\ &= ", 1)[1].removesuffix(r" \end{aligned}")
                numeric = numeric.split(r"\quad")[0]  # a sum that cannot add up says by how much (test_truth)
                values = [_evaluate_printed(part) for part in re.split(r" = | \\approx ", numeric)]
                for a, b in zip(values, values[1:]):
                    assert a == pytest.approx(b, abs=2.5e-3), (name, t, unit, numeric)
                checked += 1
    assert checked > 1000
