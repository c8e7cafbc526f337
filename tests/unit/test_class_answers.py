"""The answers a class-room sketch and review carry, against the nnx models called directly (float64 softmax of
their own logits) and the Sentiment page's reading."""

import numpy as np
import pytest

from explorer.classroom import answers
from explorer.compute import measured_table, sentiment
from explorer.data import digits
from explorer.models import weights

TOLERANCE = 1e-5  # float32 forward passes compiled two ways agree far closer than this


@pytest.fixture(scope="module")
def models():
    return {name: weights.load(name)[0] for name in (answers.CLASS_CNN, answers.CLASS_RNN)}


def test_sketch_answers_are_each_networks_softmax_on_the_uint8_input(models):
    held = digits.load_heldout()
    forward = {name: measured_table.compiled_forward(m) for name, m in models.items()}
    for i in (0, 1, 2):
        pixels = held.images[i]
        made = answers.sketch(forward[answers.CLASS_CNN], forward[answers.CLASS_RNN], pixels, int(held.labels[i]))
        np.testing.assert_array_equal(made.pixels, pixels)
        assert made.meant == int(held.labels[i])
        x = pixels.astype(np.float32)[None, :, :, None] / 255.0
        for name, probs in ((answers.CLASS_CNN, made.cnn), (answers.CLASS_RNN, made.rnn)):
            logits = np.asarray(models[name](x), np.float64)[0]
            reference = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
            np.testing.assert_allclose(probs, reference, atol=TOLERANCE)
            assert probs.sum() == pytest.approx(1.0, abs=1e-12)
        # the shipped networks read these held-out digits right
        assert made.cnn.argmax() == held.labels[i] and made.rnn.argmax() == held.labels[i]


def test_sketch_pixels_round_like_the_sketch_address():
    image = np.linspace(0, 1, 784).reshape(28, 28)
    image[0, 0], image[0, 1] = -0.5, 1.5  # out of range: clipped
    pixels = answers.sketch_pixels(image)
    assert pixels.dtype == np.uint8 and pixels[0, 0] == 0 and pixels[0, 1] == 255
    np.testing.assert_array_equal(pixels[1:], np.round(image[1:] * 255).astype(np.uint8))
    with pytest.raises(ValueError):
        answers.sketch_pixels(np.zeros((27, 28)))


def test_review_answers_are_the_sentiment_readers_own():
    readers = sentiment.load_readers()
    reading = sentiment.read(readers, "A wonderful, moving film. I loved it!")
    made = answers.review(reading, liked=True, max_chars=10)
    assert made.text == "A wonderfu" and made.liked is True
    assert made.rnn_positive == pytest.approx(1 / (1 + np.exp(-reading.rnn_logit)), abs=1e-12)
    assert made.cnn_positive == pytest.approx(1 / (1 + np.exp(-reading.cnn_logit)), abs=1e-12)
    assert made.vader_compound == reading.vader_compound
    assert made.rnn_positive > 0.5 and made.vader_compound > 0.05  # a plainly positive review
