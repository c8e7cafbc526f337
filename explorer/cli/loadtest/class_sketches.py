"""Real submissions for class-room tests and benches: held-out digits with both networks' answers on them."""

from __future__ import annotations

import jax
import numpy as np

from explorer.classroom import Sketch
from explorer.data import digits
from explorer.models import weights

CLASS_CNN = "digit-cnn"
CLASS_RNN = "row-rnn-lstm"  # the row RNN the Digit page (and so the join view) shows by default


def heldout_sketches(n: int, start: int = 0) -> list[Sketch]:
    """Held-out digits start..start+n (wrapping round the held-out set) as students would send them: the 28×28
    uint8 input, the held-out label as the digit meant, and the trained CNN's and row RNN's softmax on it (one
    batched forward pass of each model, in float32 as the app runs them)."""
    held = digits.load_heldout()
    index = (start + np.arange(n)) % len(held.labels)
    images = held.images[index]
    x = digits.to_model_input(images)
    answers = []
    for name in (CLASS_CNN, CLASS_RNN):
        model, _ = weights.load(name)
        answers.append(np.asarray(jax.nn.softmax(model(x)), np.float64))
    return [Sketch(images[i].copy(), int(held.labels[index[i]]), answers[0][i], answers[1][i]) for i in range(n)]
