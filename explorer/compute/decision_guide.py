"""The decision guide: a few questions about the data → which network to use, and why.

Pure logic, no Streamlit: `next_questions` says what to ask given the answers so
far, `recommend` turns a complete set of answers into a Recommendation whose
reasons each point at the page of this app that demonstrates them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from explorer.models.charcnn import CharCNNConfig


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    options: dict  # value → label


@dataclass(frozen=True)
class Reason:
    text: str
    page: str | None  # url path of the page that shows it ("digit", "text", "compare"), None if nowhere here
    where: str  # the part of that page to look at (on the Compare page: the title of its tab)


@dataclass(frozen=True)
class Recommendation:
    choice: str  # one of CHOICES
    summary: str
    reasons: tuple[Reason, ...]


CHOICES = ("CNN", "RNN (LSTM / GRU)", "1-D CNN", "hybrid CNN→RNN", "Transformer")

DATA = Question(
    "data",
    "What does one example of your data look like?",
    {
        "grid": "One grid of values: a photo, a scan, a spectrogram, a map",
        "sequence": "One sequence: text, audio samples, sensor readings, clicks",
        "grid_sequence": "A sequence of grids, or a grid that must become a sequence: video, weather maps over time, image → caption",
    },
)
ORDER = Question(
    "order",
    "Does the order of the elements change the meaning?",
    {
        "yes": "Yes: reorder them and the answer changes (language, a melody, a trend)",
        "no": "No: it matters which patterns occur, not in what order (e.g. spotting keywords)",
    },
)
VARIABLE = Question(
    "variable",
    "Do the examples have different lengths or sizes?",
    {
        "yes": "Yes, they vary",
        "no": "No, always the same size",
    },
)
MEMORY = Question(
    "memory",
    "How far back must the model look to get one output right?",
    {
        "short": "A short window: the last few dozen steps are enough",
        "long": "Far: hundreds or thousands of steps back",
    },
)
STREAMING = Question(
    "streaming",
    "Do elements arrive one at a time, needing an answer after each, with a tight latency or memory budget?",
    {
        "yes": "Yes: streaming, on a small device, answer every step",
        "no": "No: the whole example is available at once",
    },
)
SCALE = Question(
    "scale",
    "Do you have a lot of training data and an accelerator (GPU/TPU)?",
    {
        "yes": "Yes: millions of examples and a GPU",
        "no": "No: a modest data set, a CPU or a small GPU",
    },
)
QUESTIONS = {q.key: q for q in (DATA, ORDER, VARIABLE, MEMORY, STREAMING, SCALE)}

_R = Reason  # shorthand for the tables below
LOCAL = _R(
    "Local patterns (edges, strokes) are found by small kernels slid over the whole input, with few weights.",
    "digit",
    "layer overview and the convolution detail",
)
SHIFT = _R(
    "The same kernel slides over every position, so a stroke is detected wherever it sits; whether the whole "
    "network then tolerates a shifted digit is a measurement, not a given (see the numbers measured here).",
    "compare",
    "Invariance probes",
)


# The largest shift, in pixels along each axis, that training's augmentation gives a digit (`augment` in the
# digit training code draws it uniformly in ±2.5 px, with a small rotation and scaling); tested against it.
TRAINING_SHIFT_PX = 2.5


def shift_sentence(measured, cnn: str = "digit-cnn", rnn: str = "row-rnn-lstm") -> str:
    """The SHIFT reason with the shipped models' measured numbers (a `probes.ShiftAccuracy`), never more."""
    c0, c1 = measured.original[cnn], measured.shifted[cnn]
    r0, r1 = measured.original[rnn], measured.shifted[rnn]
    if c1 - c0 > r1 - r0 + 0.01:
        verdict = "so here the CNN holds up better than the row RNN"
    elif r1 - r0 > c1 - c0 + 0.01:
        verdict = (
            "so here the row RNN holds up better: the kernels find a stroke anywhere, but the CNN's final dense layer "
            "has a separate weight for every position, and training moved each digit by at most "
            f"{TRAINING_SHIFT_PX} px (besides turning and scaling it a little), less than the {measured.pixels} px here"
        )
    else:
        verdict = "so here the two hold up about equally"
    return (
        "The same kernel slides over every position, so a stroke is detected wherever it sits. Measured on "
        f"{measured.n} held-out digits moved {measured.pixels} pixels (left, right, up, down): the CNN's accuracy goes "
        f"from {c0:.1%} to {c1:.1%}, the LSTM row RNN's from {r0:.1%} to {r1:.1%}, {verdict}."
    )


PARALLEL = _R(
    "All positions are computed together, so it uses the hardware in parallel: see where this pays off and where "
    "it does not on a CPU.",
    "compare",
    "Parallel vs sequential",
)
WINDOW = _R(
    f"A causal CNN sees a fixed window of the past (here {CharCNNConfig().receptive_field} characters); "
    "inside it, the whole window is used at once.",
    "compare",
    "One text, two readers",
)
WINDOW_CUT = _R(
    "Anything older than the window cannot matter: inserting text at the start leaves the CNN's prediction exactly "
    "the same.",
    "compare",
    "Invariance probes",
)
ANY_LENGTH = _R(
    "Convolutions slide over any length (output length follows the input); recurrent cells read any number of steps "
    "with the same weights.",
    "compare",
    "Variable length",
)
STEP = _R(
    "One step at a time with a fixed-size state: an answer after every element, constant memory per step.",
    "text",
    "stepping through the characters",
)
GATES = _R(
    "Gated cells (LSTM, GRU) keep gradients alive over many more steps than a simple RNN, so they learn longer "
    "dependencies.",
    "compare",
    "Vanishing gradients",
)
MEMORY_USE = _R(
    "The RNN's prediction can depend on every earlier character; its saliency shows how much it really uses.",
    "compare",
    "One text, two readers",
)
SEQUENTIAL = _R(
    "The price: steps cannot run in parallel, so long sequences take time proportional to their length.",
    "compare",
    "Parallel vs sequential",
)
ATTENTION = _R(
    "Attention connects every position to every earlier one directly, so nothing has to survive hundreds of "
    "recurrent steps, the fade you can measure here.",
    "compare",
    "Vanishing gradients",
)
ATTN_COST = _R(
    "It trains in parallel over positions but costs memory quadratic in length and needs much data; "
    "not demonstrated in this app.",
    None,
    "",
)
HYBRID = _R(
    "A CNN turns each grid (frame, map, image) into a feature vector; an RNN then reads those vectors in order "
    "(or writes the caption word by word).",
    "hybrid",
    "a digit moving across frames, read by a CNN per frame and a GRU",
)
PHRASES = _R(
    "A text CNN max-pools each filter over the whole input, so a telling phrase counts wherever it stands; the "
    "Sentiment page shows where a trained one's filters peak in your review and measures how often shuffling the "
    "words changes its answer.",
    "sentiment",
    "The CNN looks for phrases, anywhere",
)
ORDER_MATTERS = _R(
    "An RNN reads in order and carries one state, so its verdict can turn at a “but”; how much word "
    "order and “not” a trained one really uses is measured on the Sentiment page, against a CNN and a "
    "word list.",
    "sentiment",
    "The RNN reads word by word",
)
FORECAST = _R(
    "On a real series (yearly sunspots) a causal CNN that sees a fixed window is measured against a GRU, a linear "
    "autoregression and naive forecasts, on years none of them trained on.",
    "forecast",
    "Inside: the same window, read two ways",
)
ROW_RNN = _R(
    "An RNN can read a grid too (the row RNN reads a digit row by row) but sees each row only once, in one order.",
    "compare",
    "One digit, two readers",
)


def next_questions(answers: dict) -> list[Question]:
    """The questions to show, in order, given the answers so far (stops after the first unanswered one)."""
    data = answers.get("data")
    if data == "grid":
        path = [DATA, VARIABLE]
    elif data == "grid_sequence":
        path = [DATA, STREAMING] + ([SCALE] if answers.get("streaming") == "no" else [])
    elif data == "sequence":
        path = [DATA, ORDER]
        if answers.get("order") == "yes":
            path += [VARIABLE, STREAMING]
            if answers.get("streaming") == "no":
                path.append(MEMORY)
                if answers.get("memory") == "long":
                    path.append(SCALE)
        elif answers.get("order") == "no":
            path.append(VARIABLE)
    else:
        path = [DATA]
    shown = []
    for q in path:
        shown.append(q)
        if answers.get(q.key) not in q.options:
            break
    return shown


def recommend(answers: dict) -> Recommendation | None:
    """The recommendation once every question on the path is answered, else None."""
    asked = next_questions(answers)
    if any(answers.get(q.key) not in q.options for q in asked):
        return None
    a = {q.key: answers[q.key] for q in asked}
    var = (ANY_LENGTH,) if a.get("variable") == "yes" else ()
    if a["data"] == "grid":
        return Recommendation(
            "CNN",
            "A 2-D convolutional network: the data is a grid and its patterns are local.",
            (LOCAL, SHIFT, PARALLEL, ROW_RNN) + var,
        )
    if a["data"] == "grid_sequence":
        if a.get("scale") == "yes":
            return Recommendation(
                "Transformer",
                "A CNN (or patch) encoder per frame with a Transformer over time: with "
                "plenty of data and a GPU it beats recurrence on long videos and captions.",
                (LOCAL, ATTENTION, ATTN_COST, HYBRID),
            )
        return Recommendation(
            "hybrid CNN→RNN",
            "A CNN reads each grid, an RNN (LSTM/GRU) carries what it saw through time.",
            (HYBRID, LOCAL, STEP, GATES),
        )
    if a["order"] == "no":
        return Recommendation(
            "1-D CNN",
            "A 1-D convolutional network with global pooling: it spots local patterns "
            "wherever they occur and ignores their order.",
            (LOCAL, PHRASES, PARALLEL, WINDOW) + var,
        )
    if a["streaming"] == "yes":
        return Recommendation(
            "RNN (LSTM / GRU)",
            "A gated recurrent network (GRU or LSTM): one cheap step per element, an answer every step.",
            (STEP, ORDER_MATTERS, GATES, MEMORY_USE, SEQUENTIAL) + var,
        )
    if a["memory"] == "short":
        return Recommendation(
            "1-D CNN",
            "A causal, dilated 1-D CNN: its window covers what matters and it computes every position at once.",
            (WINDOW, WINDOW_CUT, FORECAST, PARALLEL) + var,
        )
    if a["scale"] == "yes":
        return Recommendation(
            "Transformer",
            "A Transformer: long-range dependencies, lots of data and a GPU are its home ground.",
            (ATTENTION, ATTN_COST, SEQUENTIAL),
        )
    return Recommendation(
        "RNN (LSTM / GRU)",
        "An LSTM or GRU: long memory without the data appetite of a Transformer.",
        (GATES, ORDER_MATTERS, MEMORY_USE, SEQUENTIAL) + var,
    )


def all_paths() -> list[dict]:
    """Every complete set of answers the guide can receive (each one reaches a recommendation)."""
    complete: list[dict] = []
    keys = list(QUESTIONS)
    for values in itertools.product(*(list(QUESTIONS[k].options) + [None] for k in keys)):
        answers = {k: v for k, v in zip(keys, values) if v is not None}
        asked = next_questions(answers)
        if {q.key for q in asked} == set(answers) and recommend(answers) is not None:
            complete.append(answers)
    return complete
