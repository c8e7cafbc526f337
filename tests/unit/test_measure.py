"""The Compare page's numbers are the models' numbers: each checked against an independent computation."""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from explorer import models
from explorer.app.pages.compare.page import SECTIONS
from explorer.compute import (
    decision_guide,
    evaluation,
    gradients,
    measured_table,
    probes,
    recurrence,
    saliency,
    scaling,
    side_by_side,
    summary,
)
from explorer.data import corpus, digits, vocab
from explorer.models import compiled, weights

TEXT = "Return the number of items in the list. If the list is empty, raise an error, or else give back zero. " * 2


def _trained(name: str):
    """The shipped model and its record; missing or damaged weights fail the test (WeightsError), never skip it."""
    return weights.load(name)


def _param_leaves(model: nnx.Module) -> int:
    """Independent count: walk the module graph and add up every nnx.Param's size."""
    return sum(node.size for _, node in nnx.iter_graph(model) if isinstance(node, nnx.Param))


# ---------------------------------------------------------------- the measured table


@pytest.mark.parametrize("name", models.DIGIT_AND_TEXT_MODELS)
def test_parameters_equal_the_count_of_nnx_param_leaves(name):
    model = models.build(name)
    expected = _param_leaves(model)
    row = measured_table.quick_row(name, model, {})
    assert row.parameters == expected == models.count_params(model)
    assert measured_table.table_records([row])[0]["parameters"] == expected
    assert sum(layer.params for layer in summary.summarise(model)) == expected


def test_forward_pass_memory_holds_the_output_and_grows_with_the_batch():
    """XLA's account of one forward pass: its output part is exactly the logits' bytes (computed here by running
    the model), and a batch of 64 needs more than a batch of 1."""
    for name in ("digit-cnn", "row-rnn-lstm", "char-cnn"):
        model = models.build(name)
        x1, x64 = measured_table.example_input(name, 1), measured_table.example_input(name, 64)
        fn, state = compiled.jit_method(model, "__call__")
        stats = fn.lower(state, x1).compile().memory_analysis()
        assert stats.output_size_in_bytes == np.asarray(model(x1)).nbytes
        one, many = measured_table.forward_memory_bytes(model, x1), measured_table.forward_memory_bytes(model, x64)
        assert one == stats.temp_size_in_bytes + stats.output_size_in_bytes and many > one


def test_training_time_says_how_it_was_measured():
    assert measured_table.training_seconds_per_epoch({"training": {"seconds_per_epoch": 0.4}}) == (0.4, "median epoch")
    steps = {"training": {"seconds_per_epoch": 14.6, "seconds_per_step": 0.04}}
    assert measured_table.training_seconds_per_epoch(steps) == (14.6, "median step × steps per pass")
    assert measured_table.training_seconds_per_epoch({}) == (None, "not recorded")


def test_digit_accuracy_cell_equals_an_independent_count():
    """The table's accuracy against a plain count of right answers from the model's own __call__."""
    model, meta = _trained("row-rnn-simple")
    held = digits.load_heldout()
    row = measured_table.measured_row("row-rnn-simple", model, meta, repeat=1)
    x = digits.to_model_input(held.images)
    right = sum(
        int((np.asarray(model(jnp.asarray(x[i : i + 250]))).argmax(-1) == held.labels[i : i + 250]).sum())
        for i in range(0, len(x), 250)
    )
    assert row.score == pytest.approx(right / len(x), abs=1e-9)
    assert measured_table.table_records([row])[0]["held-out score"] == round(row.score * 100, 1)
    assert row.latency_b1_ms > 0 and row.latency_b64_ms > 0
    assert row.train_s_per_epoch == meta["training"]["seconds_per_epoch"]


def test_bits_per_char_cell_equals_an_independent_float64_sum():
    """bits/char against −Σ log2 p(next char) in float64 over the same independent chunks, from model(ids)."""
    model, meta = _trained("char-rnn-simple")
    name, score = measured_table.heldout_score("char-rnn-simple", model)
    assert name == "bits/char"
    chunks = evaluation.text_chunks(corpus.load_heldout())
    total, count = 0.0, 0
    for i in range(0, len(chunks), 64):
        batch = chunks[i : i + 64]
        logits = np.asarray(model(jnp.asarray(batch[:, :-1])), np.float64)
        logp = (
            logits
            - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True))
            - logits.max(-1, keepdims=True)
        )
        total -= np.take_along_axis(logp, batch[:, 1:, None], -1).sum() / np.log(2)
        count += batch[:, 1:].size
    assert score == pytest.approx(total / count, abs=2e-4)
    assert measured_table.quick_row("char-rnn-simple", model, meta).score == pytest.approx(score, abs=1e-4)


# ---------------------------------------------------------------- gradients through time


def _jacobian_norms_with_the_flax_cell(model, ids) -> np.ndarray:
    """Independent reference: run the nnx cell itself to s_t, then jax.jacrev of s_t ↦ h_T, one t at a time."""
    cell, kind, H = model.rnn.cell, model.kind, model.hidden
    xs = model.embed(jnp.asarray(ids)[None])  # (1, T, E)
    T = xs.shape[1]
    states = []
    zero = jnp.zeros((1, H), jnp.float32)
    carry = (zero, zero) if kind == "lstm" else zero  # Flax's LSTM carry is (c, h)
    for t in range(T):
        carry, _ = cell(carry, xs[:, t])
        states.append(carry)
    norms = []
    for t in range(T):
        flat0 = jnp.concatenate(states[t], -1)[0] if kind == "lstm" else states[t][0]

        def h_T(flat, t=t):
            c = (flat[None, :H], flat[None, H:]) if kind == "lstm" else flat[None]
            for s in range(t + 1, T):
                c, _ = cell(c, xs[:, s])
            return (c[1] if kind == "lstm" else c)[0]

        norms.append(float(jnp.linalg.norm(jax.jacrev(h_T)(flat0))))
    return np.array(norms)


@pytest.mark.parametrize("cell", ["simple", "gru", "lstm"])
def test_gradient_norms_equal_an_independent_jacrev(cell):
    ids = vocab.encode("def f(x):")
    model = models.build(f"char-rnn-{cell}", seed=3)
    ours = gradients.char_gradient_norms(model, ids)
    ref = _jacobian_norms_with_the_flax_cell(model, ids)
    np.testing.assert_allclose(ours, ref, rtol=2e-3, atol=1e-7)
    assert ours[-1] == pytest.approx(np.sqrt(model.hidden), rel=1e-5)  # ∂h_T/∂h_T = I (LSTM: [0, I])


def test_gradient_norms_of_a_trained_cell_equal_an_independent_jacrev():
    model, _ = _trained("char-rnn-simple")
    ids = vocab.encode(corpus.load_heldout()[:12])
    np.testing.assert_allclose(
        gradients.char_gradient_norms(model, ids), _jacobian_norms_with_the_flax_cell(model, ids), rtol=2e-3, atol=1e-7
    )


def test_saliency_respects_the_cnn_window_and_the_embedded_forward_is_the_models_own():
    ids = vocab.encode(TEXT[:120])
    rnn = models.build("char-rnn-gru")
    cnn = models.build("char-cnn")
    sal = saliency.saliency(cnn, ids, 100)
    first, last = recurrence.cnn_window(cnn.config, 100)
    assert np.all(sal[:first] == 0) and np.all(sal[last + 1 :] == 0) and sal[first : last + 1].max() > 0
    for model in (rnn, cnn):  # the embedded forward pass is the model's own
        x = jnp.asarray(ids)[None]
        np.testing.assert_allclose(model.logits_from_embedded(model.embed(x)), model(x), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- two readers, probes, variable length


def test_row_by_row_probabilities_after_the_last_row_equal_the_row_rnn_output():
    model = models.build("row-rnn-gru", seed=1)
    x = digits.to_model_input(digits.load_heldout().images[:1])
    hidden, probs = side_by_side.row_reading(model.trace(jnp.asarray(x)))
    assert hidden.shape == (28, model.hidden) and probs.shape == (28, 10)
    np.testing.assert_allclose(probs[-1], jax.nn.softmax(model(jnp.asarray(x)))[0], rtol=1e-4, atol=1e-6)


def test_invariance_curves_at_zero_equal_the_unshifted_prediction():
    cnn, rnn = models.build("digit-cnn"), models.build("row-rnn-lstm")
    image = digits.load_heldout().images[3].astype(np.float32) / 255
    x = jnp.asarray(digits.to_model_input(image))
    for probe, spec in probes.DIGIT_PROBES.items():
        curves = side_by_side.digit_probe(cnn.trace, rnn.trace, probe, image)
        zero = spec.settings.index(0)
        np.testing.assert_allclose(curves.p_cnn[zero], jax.nn.softmax(cnn(x))[0], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(curves.p_rnn[zero], jax.nn.softmax(rnn(x))[0], rtol=1e-4, atol=1e-6)
        assert curves.p_cnn.shape == (len(spec.settings), 10)


def test_digit_transforms_on_hand_made_images():
    img = np.zeros((28, 28), np.float32)
    img[3:10, 5] = 1
    img[3, 5:12] = 0.5
    assert probes.shift(img, dx=2)[4, 7] == 1 and probes.shift(img, dx=2)[4, 5] == 0
    assert probes.shift(img, dy=-3)[1, 5] == 1 and probes.shift(img, dy=-3)[0, 5] == 0.5
    assert probes.shift(img, dx=40).sum() == 0 and probes.shift(img, dx=-5)[4, 0] == 1
    np.testing.assert_array_equal(probes.rotate(img, 90), np.rot90(img))
    np.testing.assert_array_equal(probes.shuffle_rows(img, 0), img)
    moved = probes.shuffle_rows(img, 28)
    assert sorted(map(tuple, moved)) == sorted(map(tuple, img)) and not np.array_equal(moved, img)


def test_inserting_before_the_window_cannot_move_the_cnn():
    cnn = models.build("char-cnn")
    fwd = measured_table.compiled_forward(cnn)
    trace_text = lambda s: cnn.trace(jnp.asarray(vocab.encode(s))[None])
    curve = side_by_side.insertion_curve(trace_text, TEXT[:100], [0, 5, 30], target=vocab.encode("e")[0])
    np.testing.assert_allclose(curve, curve[0], rtol=1e-5)
    assert curve[0] == pytest.approx(side_by_side.final_probs(trace_text, TEXT[:100])[vocab.encode("e")[0]])
    assert probes.shuffle_words("a b c", 0) == "a b c" and sorted(probes.shuffle_words("a b c d", 5).split()) == list(
        "abcd"
    )
    rows = side_by_side.variable_length(fwd, vocab.encode(TEXT), [8, 32])
    assert [r["output shape"] for r in rows] == ["(1, 8, 97)", "(1, 32, 97)"]


def test_digit_cnn_needs_28_by_28():
    rows = side_by_side.digit_size_check(models.build("digit-cnn"), [28, 32])
    assert rows[0]["works"] == "yes" and rows[0]["output shape"] == "(1, 10)"
    assert rows[1]["works"].startswith("no")


# ---------------------------------------------------------------- scaling, summary, guide


def test_scaling_measures_every_point_and_interprets_them():
    named = {"char-rnn-simple": models.build("char-rnn-simple"), "char-cnn": models.build("char-cnn")}
    seen = []
    points = scaling.measure(named, lengths=(8, 32), batches=(1, 2), progress=lambda f, m: seen.append(f))
    assert len(points) == 8 and all(p.forward_ms > 0 and p.compile_s > 0 for p in points)
    assert seen[0] == 0 and seen[-1] == 1.0
    text = scaling.interpretation(
        points, "char-rnn-simple", "char-cnn", {n: scaling.macs_per_char(m) for n, m in named.items()}
    )
    assert "batch 1" in text and "batch 2" in text


def _points(rnn_ms: list[float], cnn_ms: list[float], lengths=(16, 128, 512, 2048)) -> list:
    return [scaling.Point("rnn", 1, n, t, 0.1) for n, t in zip(lengths, rnn_ms)] + [
        scaling.Point("cnn", 1, n, t, 0.1) for n, t in zip(lengths, cnn_ms)
    ]


def test_the_scaling_sentences_follow_the_measured_slopes():
    """Synthetic points with known slopes (1.0 and 0.7): the words change with the numbers, and no cause is
    named that was not measured."""
    proportional = [0.1 * n for n in (16, 128, 512, 2048)]  # slope 1.0
    slower = [0.5 * n**0.7 for n in (16, 128, 512, 2048)]  # slope 0.7
    text = scaling.interpretation(_points(proportional, slower), "rnn", "cnn")
    assert "the RNN's time grows about in proportion to the length (log-log slope 1.00)" in text
    assert "the CNN's grows more slowly than the length" in text and "(slope 0.70)" in text
    assert "the claim holds" in text and "few" not in text and "reason" not in text
    reversed_ = scaling.interpretation(_points(slower, proportional), "rnn", "cnn", {"rnn": 10, "cnn": 23}, cores=2)
    assert "the claim is reversed" in reversed_ and "2.3× the RNN's arithmetic" in reversed_
    assert "2 CPU cores" in reversed_


def test_summary_shapes_come_from_the_model():
    layers = summary.summarise(models.build("digit-cnn"))
    shapes = {layer.module: layer.output_shape for layer in layers if layer.module}
    assert shapes == {"conv1": "(B, 28, 28, 8)", "conv2": "(B, 14, 14, 16)", "dense": "(B, 10)"}
    cnn = models.build("char-cnn")
    assert [layer.params for layer in summary.summarise(cnn) if layer.module == "convs.1"] == [
        models.count_params(cnn.convs[1])
    ]
    assert summary.records(layers)[-1]["parameters"] == models.count_params(models.build("digit-cnn"))


def test_every_guide_path_reaches_a_recommendation_with_linked_reasons():
    paths = decision_guide.all_paths()
    reached = {decision_guide.recommend(p).choice for p in paths}
    assert reached == set(decision_guide.CHOICES)
    for p in paths:
        rec = decision_guide.recommend(p)
        assert rec.reasons
        for r in rec.reasons:
            from explorer.app.pages.guide.page import PAGE_FILES

            assert r.page is None or r.page in PAGE_FILES  # a page the Guide can link to
            assert r.page is None or Path(PAGE_FILES[r.page]).exists()
            if r.page == "compare":
                assert r.where in SECTIONS
    assert (
        decision_guide.recommend({"data": "sequence", "order": "yes"}) is None
    )  # unanswered questions: no recommendation


def test_gradient_norms_cannot_underflow():
    """The untrained GRU, 99 steps back: every Jacobian entry is tiny but not 0 (the true norm is ~1e-19, whose
    square is far below float32's smallest number). The norm must match a float64 norm of the same Jacobian."""
    model = models.build("char-rnn-gru")
    xs = np.asarray(model.embed(jnp.asarray(vocab.encode(corpus.load_heldout()[:100]))))
    w = model.weights()
    jac = np.asarray(gradients.state_jacobians(w, jnp.asarray(xs)), np.float64)  # (T, H, S) as computed
    expected = np.sqrt((jac**2).sum(axis=(1, 2)))
    got = gradients.gradient_norms(w, xs)
    assert expected[0] < 1e-17 and np.all(expected > 0)  # the case that underflowed
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_the_guides_shift_claim_is_the_measurement():
    """Shift accuracy against an independent count with the models' own __call__ (np.roll-free: pad and crop),
    and the Guide's sentence says what those numbers say, whichever way they go."""
    held = digits.load_heldout()
    images, labels = held.images[:60], held.labels[:60]
    cnn, rnn = _trained("digit-cnn")[0], _trained("row-rnn-lstm")[0]
    call = lambda m: lambda x: np.asarray(m(jnp.asarray(x))).argmax(-1)
    measured = probes.shift_accuracy({"digit-cnn": call(cnn), "row-rnn-lstm": call(rnn)}, images, labels)
    padded = np.pad(images.astype(np.float32) / 255.0, ((0, 0), (4, 4), (4, 4)))
    crops = [padded[:, 4:32, 0:28], padded[:, 4:32, 8:36], padded[:, 0:28, 4:32], padded[:, 8:36, 4:32]]
    for name, model in (("digit-cnn", cnn), ("row-rnn-lstm", rnn)):
        right = sum(int((call(model)(c[..., None]) == labels).sum()) for c in crops)
        assert measured.shifted[name] == pytest.approx(right / (4 * len(labels)))
    text = decision_guide.shift_sentence(measured)
    assert f"{measured.shifted['digit-cnn']:.1%}" in text and f"{measured.shifted['row-rnn-lstm']:.1%}" in text
    better = probes.ShiftAccuracy(
        10, 4, {"digit-cnn": 0.9, "row-rnn-lstm": 0.9}, {"digit-cnn": 0.8, "row-rnn-lstm": 0.5}
    )
    worse = probes.ShiftAccuracy(
        10, 4, {"digit-cnn": 0.9, "row-rnn-lstm": 0.9}, {"digit-cnn": 0.5, "row-rnn-lstm": 0.8}
    )
    assert "the CNN holds up better" in decision_guide.shift_sentence(better)
    assert "the row RNN holds up better" in decision_guide.shift_sentence(worse)
