"""The projector's summaries against hand-computed cases: scoreboard, confusion matrices, hardest sketches, the
review splits, and a RoomView kept up to date from Changes (hide, unhide, clear)."""

import numpy as np
import pytest

from explorer.classroom import Changes, Review, Sketch, Submission
from explorer.classroom.summary import RoomView, confusion, review_summary, sketch_summary, sketches


def one_hot_ish(top: int, p_top: float, second: int) -> np.ndarray:
    """Probabilities with `p_top` on `top` and the rest on `second`."""
    p = np.zeros(10)
    p[top] = p_top
    p[second] += 1.0 - p_top
    return p


def sketch_sub(n: int, meant: int, cnn: np.ndarray, rnn: np.ndarray, time: float | None = None) -> Submission:
    pixels = np.full((28, 28), n % 256, np.uint8)
    return Submission(
        f"sketch-{n:04d}", "session-aaaa", float(n if time is None else time), Sketch(pixels, meant, cnn, rnn)
    )


def review_sub(n: int, liked: bool, rnn: float, cnn: float, vader: float, text: str = "text") -> Submission:
    return Submission(f"review-{n:04d}", "session-bbbb", float(n), Review(text, liked, rnn, cnn, vader))


# Four sketches, worked out by hand:
#   #1 meant 3: CNN 3 (0.9), RNN 3 (0.6)       both right, agree
#   #2 meant 7: CNN 7 (0.7), RNN 1 (0.8 on 1, 0.2 on 7)   CNN right, RNN wrong, disagree
#   #3 meant 4: CNN 9 (0.6 on 9, 0.4 on 4), RNN 9 (0.9 on 9, 0.1 on 4)   both wrong, agree
#   #4 meant 0: CNN 6 (0.5 on 6, 0.5 on 0 → argmax takes the first maximum: 0), RNN 0 (1.0)
FOUR = (
    sketch_sub(1, 3, one_hot_ish(3, 0.9, 8), one_hot_ish(3, 0.6, 5)),
    sketch_sub(2, 7, one_hot_ish(7, 0.7, 1), one_hot_ish(1, 0.8, 7)),
    sketch_sub(3, 4, one_hot_ish(9, 0.6, 4), one_hot_ish(9, 0.9, 4)),
    sketch_sub(4, 0, one_hot_ish(6, 0.5, 0), one_hot_ish(0, 1.0, 2)),
)


def test_the_scoreboard_counts_what_each_network_got_right():
    s = sketch_summary(sketches(FOUR))
    assert s.count == 4
    assert s.cnn_right == 3  # #1, #2, #4 (a tie 0.5/0.5 between 0 and 6: argmax names 0, the meant digit)
    assert s.rnn_right == 2  # #1, #4
    assert s.both_wrong == 1  # #3
    assert s.disagree == 1  # #2


def test_confusion_rows_are_the_meant_digit_and_columns_the_answer():
    s = sketch_summary(sketches(FOUR))
    expected_cnn = np.zeros((10, 10), np.int64)
    expected_cnn[3, 3] = expected_cnn[7, 7] = expected_cnn[4, 9] = expected_cnn[0, 0] = 1
    expected_rnn = np.zeros((10, 10), np.int64)
    expected_rnn[3, 3] = expected_rnn[7, 1] = expected_rnn[4, 9] = expected_rnn[0, 0] = 1
    np.testing.assert_array_equal(s.cnn_confusion, expected_cnn)
    np.testing.assert_array_equal(s.rnn_confusion, expected_rnn)
    assert s.cnn_confusion.sum() == s.count


def test_confusion_adds_repeated_pairs():
    np.testing.assert_array_equal(
        confusion(np.array([2, 2, 5]), np.array([2, 2, 3]))[[2, 5]][:, [2, 3]], [[2, 0], [0, 1]]
    )


def test_the_hardest_sketches_have_the_lowest_mean_probability_on_the_meant_digit():
    s = sketch_summary(sketches(FOUR), hardest=3)
    # mean p(meant): #1 (0.9 + 0.6) / 2 = 0.75, #2 (0.7 + 0.2) / 2 = 0.45, #3 (0.4 + 0.1) / 2 = 0.25,
    # #4 (0.5 + 1.0) / 2 = 0.75
    assert [h.index for h in s.hardest] == [2, 1, 0]  # ties (#1 and #4 at 0.75) keep arrival order
    assert s.hardest[0].cnn_p == pytest.approx(0.4, abs=1e-12) and s.hardest[0].rnn_p == pytest.approx(0.1, abs=1e-12)
    assert s.hardest[0].mean_p == pytest.approx(0.25, abs=1e-12)


def test_an_empty_room_summarises_to_zeros():
    s = sketch_summary(sketches(()))
    assert (s.count, s.cnn_right, s.rnn_right, s.both_wrong, s.disagree, s.hardest) == (0, 0, 0, 0, 0, ())
    assert s.cnn_confusion.shape == (10, 10) and not s.cnn_confusion.any()
    assert review_summary(()).count == 0


def test_reviews_are_scored_against_the_students_thumbs_and_splits_listed():
    subs = (
        review_sub(1, True, 0.9, 0.8, 0.6),  # all three positive, student liked: all right, no split
        review_sub(2, False, 0.3, 0.7, 0.04),  # GRU neg, CNN pos, VADER 0.04 < 0.05 neg: split; GRU, VADER right
        review_sub(3, True, 0.5, 0.51, 0.05),  # GRU 0.5 is not > 0.5: neg (wrong); CNN, VADER (0.05 ≥ 0.05) pos: split
        review_sub(4, False, 0.1, 0.2, -0.7),  # all negative, right, no split
    )
    r = review_summary(subs + FOUR)  # sketches are ignored
    assert r.count == 4
    assert (r.rnn_right, r.cnn_right, r.vader_right) == (3, 3, 4)  # GRU misses #3, CNN #2
    assert [row.id for row in r.splits] == ["review-0002", "review-0003"]
    assert (r.rows[2].rnn, r.rows[2].cnn, r.rows[2].vader) == (False, True, True)


def changes(added=(), removed=(), cursor=1, reset=False) -> Changes:
    return Changes(tuple(added), tuple(removed), cursor, reset)


def test_a_room_view_follows_additions_hides_unhides_and_clears():
    view = RoomView("ABCDE")
    assert view.apply(changes(FOUR[:2], cursor=2))
    assert view.sketch_summary().count == 2 and view.cursor == 2
    assert not view.apply(changes(cursor=2))  # nothing new: the summary object is kept, not recomputed
    kept = view.sketch_summary()
    assert view.sketch_summary() is kept
    view.apply(changes(FOUR[2:], cursor=4))
    assert view.sketch_summary().count == 4 and view.sketch_summary().both_wrong == 1
    view.apply(changes(removed=["sketch-0003"], cursor=5))  # hidden: gone from every figure
    assert view.sketch_summary().count == 3 and view.sketch_summary().both_wrong == 0
    assert [s.id for s in view.submissions] == ["sketch-0001", "sketch-0002", "sketch-0004"]
    view.apply(changes([FOUR[2]], cursor=6))  # unhidden: back in its place by arrival time
    assert [s.id for s in view.submissions] == ["sketch-0001", "sketch-0002", "sketch-0003", "sketch-0004"]
    view.apply(changes([FOUR[0]], cursor=1, reset=True))  # cleared, then one new
    assert [s.id for s in view.submissions] == ["sketch-0001"] and view.cursor == 1
    assert view.sketch_summary().count == 1


def test_500_submissions_summarise_like_a_per_sketch_loop():
    rng = np.random.default_rng(7)
    subs = []
    for n in range(500):
        cnn, rnn = rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10))
        subs.append(sketch_sub(n, int(rng.integers(10)), cnn, rnn))
    s = sketch_summary(sketches(tuple(subs)), hardest=5)
    loop_cnn = sum(int(np.argmax(x.content.cnn)) == x.content.meant for x in subs)
    loop_rnn = sum(int(np.argmax(x.content.rnn)) == x.content.meant for x in subs)
    assert (s.cnn_right, s.rnn_right) == (loop_cnn, loop_rnn)
    means = sorted((x.content.cnn[x.content.meant] + x.content.rnn[x.content.meant]) / 2 for x in subs)[:5]
    assert [h.mean_p for h in s.hardest] == pytest.approx(means, abs=1e-12)
