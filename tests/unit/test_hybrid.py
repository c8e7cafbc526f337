"""Clips of moving digits and the four clip models (hybrid CNN→RNN and its three comparisons)."""

import json

import jax
import numpy as np
import pytest

from explorer import models
from explorer.compute import evaluation
from explorer.data import clips, digits
from explorer.models import hybrid, weights

RIGHT, LEFT, DOWN, UP = range(4)


def dot(row: int, col: int) -> np.ndarray:
    image = np.zeros((28, 28), np.float32)
    image[row, col] = 1.0
    return image


def ink(frame: np.ndarray) -> tuple[int, int]:
    (r,), (c,) = np.nonzero(frame)
    return int(r), int(c)


def test_a_dot_moves_one_pixel_per_frame_hand_checked():
    # the digit's top-left corner: right x = 0..7, left x = 8..1, down y = 0..7, up y = 8..1; 4 across the motion
    assert [ink(f) for f in clips.make_clip(dot(10, 12), RIGHT)] == [(14, 12 + t) for t in range(8)]
    assert [ink(f) for f in clips.make_clip(dot(10, 12), LEFT)] == [(14, 20 - t) for t in range(8)]
    assert [ink(f) for f in clips.make_clip(dot(10, 12), DOWN)] == [(10 + t, 16) for t in range(8)]
    assert [ink(f) for f in clips.make_clip(dot(10, 12), "up")] == [(18 - t, 16) for t in range(8)]
    assert clips.make_clip(dot(0, 0), RIGHT)[0, 4, 0] == 1.0  # hand-checked: frame 0 of "right" starts at the edge


@pytest.mark.parametrize("direction, axis, step", [(RIGHT, 1, 1), (LEFT, 1, -1), (DOWN, 0, 1), (UP, 0, -1)])
def test_a_digit_ink_moves_exactly_one_pixel_per_frame(direction, axis, step):
    held = digits.load_heldout()
    clip = clips.make_clip(held.images[0] / 255.0, direction)
    assert clip.shape == (clips.FRAMES, clips.SIZE, clips.SIZE) and clip.dtype == np.float32
    for t in range(clips.FRAMES - 1):
        np.testing.assert_array_equal(clip[t + 1], np.roll(clip[t], step, axis=axis))
    np.testing.assert_allclose(clip.sum(axis=(1, 2)), held.images[0].sum() / 255.0, rtol=1e-6)  # no ink lost


def test_every_direction_is_centred_at_the_centre_frame():
    image = digits.load_heldout().images[3] / 255.0
    frames = [clips.make_clip(image, d)[clips.CENTRE_FRAME] for d in range(4)]
    for frame in frames[1:]:
        np.testing.assert_array_equal(frame, frames[0])
    np.testing.assert_array_equal(frames[0][4:32, 4:32], image.astype(np.float32))


def test_make_set_is_seeded_uint8_and_matches_make_clip():
    held = digits.load_heldout()
    few = digits.Digits(held.images[:50], held.labels[:50])
    x, y, d = clips.make_set(few, seed=5, per_digit=2)
    x2, _, d2 = clips.make_set(few, seed=5, per_digit=2)
    assert x.dtype == np.uint8 and x.shape == (100, 8, 36, 36)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(d, d2)
    np.testing.assert_array_equal(y, np.tile(few.labels, 2))
    assert set(d.tolist()) == {0, 1, 2, 3}
    for i in (0, 49, 50, 99):
        np.testing.assert_allclose(
            clips.to_model_input(x[i])[0], clips.make_clip(few.images[i % 50] / 255.0, d[i]), atol=1e-6
        )


def test_an_empty_sketch_is_refused():
    with pytest.raises(ValueError, match="empty"):
        clips.clip_from_sketch(np.zeros((28, 28), np.float32), "right")
    with pytest.raises(ValueError, match="28×28"):
        clips.clip_from_sketch(np.ones((20, 20), np.float32), 0)
    with pytest.raises(ValueError, match="direction"):
        clips.clip_from_sketch(dot(5, 5), "sideways")
    assert clips.clip_from_sketch(dot(5, 5), "down").shape == (8, 36, 36)


@pytest.mark.parametrize("name", models.CLIP_MODELS)
def test_trace_equals_call(name):
    model = models.build(name, seed=3)
    x = np.random.default_rng(0).random((3, 8, 36, 36), np.float32)
    digit, direction = model(x)
    trace = model.trace(x)
    assert digit.shape == (3, 10) and direction.shape == (3, 4)
    np.testing.assert_allclose(trace.digit_logits, digit, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(trace.direction_logits, direction, rtol=1e-5, atol=1e-5)
    steps = 8 if name in ("hybrid-clip", "hybrid-pixelrnn") else 1
    assert trace.digit_probs.shape == (3, steps, 10) and trace.direction_probs.shape == (3, steps, 4)
    # the last per-frame read-out is the output
    np.testing.assert_allclose(trace.digit_probs[:, -1], jax.nn.softmax(digit), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(trace.direction_probs[:, -1], jax.nn.softmax(direction), rtol=1e-5, atol=1e-6)


def test_hybrid_shares_one_cnn_over_frames():
    model = models.build("hybrid-clip", seed=1)
    x = np.random.default_rng(1).random((2, 8, 36, 36), np.float32)
    trace = model.trace(x)
    assert trace.features.shape == (2, 8, 64) and trace.hidden.shape == (2, 8, 64)
    assert set(trace.gates) == {"r", "z", "n"}
    for t in (0, 5):
        np.testing.assert_allclose(trace.features[:, t], model.cnn(x[:, t, :, :, None]), rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def heldout():
    return clips.heldout_clips()


@pytest.fixture(scope="module")
def shipped():
    return {name: weights.load(name) for name in models.CLIP_MODELS}


@pytest.mark.parametrize("name", models.CLIP_MODELS)
def test_shipped_metrics_reproduce(name, shipped, heldout):
    model, meta = shipped[name]
    found = evaluation.clip_accuracy(model, *heldout)
    for key, value in found.items():  # within 1 clip of 1,000: another CPU may round a borderline logit differently
        assert value == pytest.approx(meta["metrics"][key], abs=1.5e-3), key
    assert meta["data"]["heldout"] == 1000 and meta["data"]["heldout_clip_seed"] == clips.HELDOUT_CLIP_SEED


def test_shipped_hybrid_reads_digit_and_direction(shipped):
    metrics = shipped["hybrid-clip"][1]["metrics"]
    assert metrics["joint_accuracy"] >= 0.95


def test_one_frame_cnn_cannot_tell_the_direction(shipped):
    metrics = shipped["hybrid-oneframe"][1]["metrics"]
    assert abs(metrics["direction_accuracy"] - 0.25) <= 0.08
    assert metrics["digit_accuracy"] >= 0.9  # it reads the digit well: only the motion is missing


def test_load_names_the_command_that_rebuilds(tmp_path):
    with pytest.raises(weights.WeightsError, match=r"missing.*python -m explorer train hybrid"):
        weights.load("hybrid-clip", tmp_path)
    model = models.build("hybrid-pixelrnn", hybrid.PixelRNNConfig(hidden=8))
    weights.save("hybrid-pixelrnn", model, {"metrics": {}}, tmp_path)
    loaded, meta = weights.load("hybrid-pixelrnn", tmp_path)
    x = np.random.default_rng(2).random((2, 8, 36, 36), np.float32)
    np.testing.assert_array_equal(model(x)[0], loaded(x)[0])
    record = json.loads((tmp_path / "hybrid-pixelrnn.json").read_text())
    record["config"]["hidden"] = 16
    (tmp_path / "hybrid-pixelrnn.json").write_text(json.dumps(record))
    with pytest.raises(weights.WeightsError, match="does not fit"):
        weights.load("hybrid-pixelrnn", tmp_path)


def test_the_recorded_parameter_counts_are_the_models():
    """The Hybrid page's table reads each model's parameters from its weights' record: they must be its own."""
    for name in models.CLIP_MODELS:
        model, meta = weights.load(name)
        assert meta["metrics"]["params"] == models.count_params(model), name
