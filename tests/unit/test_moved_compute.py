"""The sums the Sentiment, Training and Compare pages used to compute themselves, now in compute/, against
independent float64 recomputations and hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest

from explorer import models
from explorer.compute import backprop, gradients, sentiment, vader
from explorer.data import digits


def test_largest_move_is_the_word_where_the_log_odds_jumped_most():
    logits = np.array([0.1, 0.3, -2.0, -1.5, 1.0])
    assert sentiment.largest_move(logits, 1) == 0  # one word: nothing moved
    assert sentiment.largest_move(logits, 2) == 1
    assert sentiment.largest_move(logits, 4) == 2  # 0.3 → −2.0
    assert sentiment.largest_move(logits, 5) == 4  # −1.5 → 1.0 (2.5) beats 2.3
    rng = np.random.default_rng(0)
    z = rng.normal(size=40)
    for read in range(2, 41):
        moves = [abs(float(z[i]) - float(z[i - 1])) for i in range(1, read)]
        assert sentiment.largest_move(z, read) == 1 + moves.index(max(moves))


def test_vader_totals_count_the_listed_words_and_add_their_valences():
    words, _ = vader.words("The acting is great but the plot is not good at all!")
    in_list, total = vader.totals(words)
    assert in_list == len([w for w in words if w.lexicon != 0]) and in_list >= 2
    assert total == pytest.approx(float(np.sum(np.array([w.after_rules for w in words], np.float64))), rel=1e-12)
    assert vader.totals([]) == (0, 0.0)


@pytest.fixture(scope="module")
def step_and_weights():
    model = models.build("digit-mlp", seed=0)
    held = digits.load_heldout()
    w1 = np.asarray(model.hidden.kernel[...], np.float64)
    step = backprop.mlp_step(model, held.images[3].astype(np.float32) / 255.0, int(held.labels[3]), 0.5)
    return step, w1


def test_the_unrolled_steps_counts_against_float64(step_and_weights):
    step, w1 = step_and_weights
    assert backprop.active_units(step) == sum(1 for v in step.z1 if v > 0)
    top = backprop.steepest_units(step, 4)
    size = np.abs(step.d_z1)
    assert len(top) == 4 and list(size[top]) == sorted(size, reverse=True)[:4]
    # the step's own update, W1 − η·∂L/∂W1, recomputed: its largest change
    expected = np.max(np.abs((w1 - step.lr * step.d_w1) - w1))
    assert backprop.largest_weight_change(step, w1) == pytest.approx(expected, rel=1e-6)


def test_change_by_training_is_the_ratio_of_the_norms_back_steps_before_the_end():
    trained, untrained = np.array([1e-8, 2e-4, 3e-2, 1.0]), np.array([4e-9, 0.0, 6e-2, 1.0])
    assert gradients.change_by_training(trained, untrained, 1) == pytest.approx(0.5)
    assert gradients.change_by_training(trained, untrained, 3) == pytest.approx(2.5)
    assert gradients.change_by_training(trained, untrained, 2) is None  # the untrained norm is exactly 0
