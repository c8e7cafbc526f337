"""Real submissions for class-room tests and benches: held-out digits with both networks' answers on them."""

from __future__ import annotations

import numpy as np

from explorer.classroom import Sketch, answers
from explorer.data import digits
from explorer.models import weights


def heldout_sketches(n: int, start: int = 0) -> list[Sketch]:
    """Held-out digits start..start+n (wrapping round the held-out set) as students would send them: the 28×28
    uint8 input, the held-out label as the digit meant, and the trained CNN's and row RNN's probabilities on it,
    computed as the Class page computes them (`answers.digit_probabilities`, one batched forward pass each)."""
    held = digits.load_heldout()
    index = (start + np.arange(n)) % len(held.labels)
    images = held.images[index]
    cnn, rnn = (
        answers.digit_probabilities(weights.load(name)[0], images) for name in (answers.CLASS_CNN, answers.CLASS_RNN)
    )
    return [Sketch(images[i].copy(), int(held.labels[index[i]]), cnn[i], rnn[i]) for i in range(n)]
