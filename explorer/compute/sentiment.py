"""Scoring text for sentiment: the two trained models over many snippets, and the probes (VADER, the peer that
reads by rules, is explorer.compute.vader).

Every score here is measured on the shipped snippets (explorer.data.sentiment): accuracy on the fixed
held-out movie snippets, on the out-of-domain sets, and under two probes that change the input:
- order: the same words shuffled (seeded); how often the answer changes, and the accuracy then;
- negation: "not" put before the snippet's strongest lexicon word (VADER's lexicon picks it, so the choice
  does not depend on the neural models); how often each reader's answer moves to the other side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.compute import vader
from explorer.data import sentiment as data
from explorer.models import compiled

BUCKET = 16  # batches are padded to 16, 32, 64 or 128 words, so four compiled shapes serve every review
ORDER_SEED = 0
PROBE_ROWS = 3  # the review, shuffled, and with "not"


def padded(ids: np.ndarray) -> np.ndarray:
    """Right-pad (N, T) ids with PAD to BUCKET words or the next power of two above (16, 32, 64, 128, …)."""
    t = max(BUCKET, 1 << max(0, ids.shape[1] - 1).bit_length())
    return np.pad(ids, ((0, 0), (0, t - ids.shape[1])))


def logits(model: nnx.Module, vocab: data.Vocab, texts: list[str], batch: int = 256, encode=None) -> np.ndarray:
    """(N,) float32 log-odds of "positive" for each text (texts with no words read as one padding token).

    Every batch has `batch` rows (the last is padded with empty rows, dropped after), so the only shapes
    compiled are the few word-length buckets.
    """
    out = []
    for i in range(0, len(texts), batch):
        ids = padded(vocab.batch(texts[i : i + batch], encode=encode))
        rows = len(ids)
        ids = np.pad(ids, ((0, batch - rows), (0, 0)))
        out.append(np.asarray(compiled.forward(model, jnp.asarray(ids)))[:rows])
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def probability(logit) -> np.ndarray:
    """P(positive) = σ(logit), computed in float64 so a confident answer does not round to exactly 0 or 1."""
    z = np.asarray(logit, np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def percent_positive(logit: float) -> str:
    """P(positive) from a logit as a percentage that never rounds a confident answer to 0 % or 100 %.

    Works from log-probabilities (ln p = −softplus(−logit), ln(1 − p) = −softplus(logit)), so neither the
    distance to 100 % (1 − p would cancel) nor a vanishing probability (exp would underflow) is lost; the distance
    to the nearer end gets two significant digits.
    """
    z = float(logit)
    if math.isnan(z):
        return "undefined (the logit is not a number)"
    ln_p, ln_q = -float(np.logaddexp(0.0, -z)), -float(np.logaddexp(0.0, z))
    p = 100 * math.exp(ln_p)
    if 1 <= p <= 99:
        return f"{p:.0f} %"
    log10_small = (min(ln_p, ln_q)) / math.log(10) + 2  # log10 of the smaller of p and 1 − p, in percent
    if log10_small < -300:  # beyond anything a float32 logit can give; said as a bound
        return "below 1e-300 %" if ln_p < ln_q else "within 1e-300 % of 100 %"
    if log10_small < -9:
        exponent = math.floor(log10_small)
        small = f"{10 ** (log10_small - exponent):.1f}e{exponent}"
        return f"{small} %" if ln_p < ln_q else f"100 − {small} %"
    digits = max(0, 1 - math.floor(log10_small))
    return f"{p:.{digits}f} %"


def accuracy(pred: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.asarray(pred) == np.asarray(labels)))


# ---------------------------------------------------------------- probes


def shuffled(text: str, rng: np.random.Generator) -> str:
    """The same words in another order (tokens joined by spaces)."""
    ws = data.words(text)
    return " ".join(ws[i] for i in rng.permutation(len(ws)))


def negated(text: str) -> str | None:
    """The text with "not" before its strongest VADER-lexicon word, or None when no word is in the lexicon."""
    lexicon = vader.analyzer().lexicon
    tokens = data.tokenize(text)
    scored = [(abs(lexicon.get(t.word, 0.0)), -i, t) for i, t in enumerate(tokens)]
    best = max(scored, default=(0.0, 0, None))
    if best[0] == 0:
        return None
    t = best[2]
    return text[: t.start] + "not " + text[t.start :]


def order_probe_texts(texts: list[str], seed: int = ORDER_SEED) -> list[str]:
    rng = np.random.default_rng(seed)
    return [shuffled(t, rng) for t in texts]


# ---------------------------------------------------------------- evaluation


def _remembering(fn):
    """fn (text → value) that computes each text once: for one evaluation, whose probes and readers meet the
    same texts again (kept only as long as the evaluation; nothing a user typed is kept)."""
    seen: dict = {}

    def once(text: str):
        if text not in seen:
            seen[text] = fn(text)
        return seen[text]

    return once


def _readers(folder=None) -> tuple[dict, dict, object]:
    """({name: texts → (N,) positive/negative predictions} for the two models and VADER, {name: parameters},
    texts → VADER's compound scores)."""
    from explorer import models
    from explorer.models import weights

    vocab = data.Vocab.load()
    encode, score = _remembering(vocab.encode), _remembering(vader.compound)
    predictors, params = {}, {}
    for name in models.SENTIMENT_MODELS:
        model, _ = weights.load(name, folder)
        predictors[name] = lambda texts, model=model: (logits(model, vocab, texts, encode=encode) > 0).astype(np.int32)
        params[name] = models.count_params(model)
    compound_of = lambda texts: vader.compounds(texts, score)
    predictors["sentiment-vader"] = lambda texts: vader.predict(compound_of(texts))
    return predictors, params, compound_of


def probe_scores(base: np.ndarray, mixed: np.ndarray, flipped_to: np.ndarray, has: list[int], labels) -> dict:
    """The order and negation probes for one reader: its answers on the held-out snippets (`base`), on their
    shuffled words (`mixed`) and on the snippets `has` with "not" added (`flipped_to`)."""
    return {
        "shuffled_accuracy": accuracy(mixed, labels),
        "shuffled_changed": float(np.mean(mixed != base)),
        "negation_flipped": float(np.mean(flipped_to != base[has])),
        "negation_snippets": len(has),
    }


def evaluate(folder=None) -> dict:
    """Held-out accuracy, out-of-domain accuracy and the probes, for the two models and VADER."""
    folder = Path(folder) if folder else None
    _, held = data.load_split()
    others = {name: data.load(name) for name in data.SETS if name != "movie"}
    mixed = order_probe_texts(held.texts)  # the probes' inputs, the same for every reader
    negations = [negated(t) for t in held.texts]
    has = [i for i, n in enumerate(negations) if n is not None]
    predictors, params, compound_of = _readers(folder)
    out = {}
    for name, predict in predictors.items():
        base = predict(held.texts)
        row = {"accuracy": accuracy(base, held.labels), "heldout": len(held)}
        if name in params:
            row["params"] = params[name]
        else:
            compound = compound_of(held.texts)
            row["rule"] = f"compound ≥ {vader.THRESHOLD} is positive"
            row["accuracy_compound_ge_0"] = accuracy(compound >= 0, held.labels)
            row["compound_exactly_0"] = int(np.sum(compound == 0))  # no lexicon word, or words that cancel
            # VADER's own neutral band, −0.05 < compound < 0.05: the two-class comparison counts it negative
            row["neutral_band"] = int(np.sum(np.abs(compound) < vader.THRESHOLD))
        row["out_of_domain"] = {n: accuracy(predict(s.texts), s.labels) for n, s in others.items()}
        flipped_to = predict([negations[i] for i in has])
        row["probes"] = probe_scores(base, predict(mixed), flipped_to, has, held.labels)
        out[name] = row
    return out


# ---------------------------------------------------------------- one review, step by step


@dataclass(frozen=True)
class Readers:
    """The two trained models' compiled traces and the vocabulary they read with."""

    vocab: data.Vocab
    rnn: object  # ids (1, T) → SentimentRNNTrace
    cnn: object  # ids (1, T) → SentimentCNNTrace
    rnn_model: nnx.Module
    cnn_model: nnx.Module


def load_readers(folder=None) -> Readers:
    from explorer.models import compiled, weights

    folder = Path(folder) if folder else None
    found = {}
    for name in ("sentiment-rnn", "sentiment-cnn"):
        model, _ = weights.load(name, folder)
        fn, state = compiled.jit_method(model, "trace")
        found[name] = (model, lambda ids, fn=fn, state=state: fn(state, jnp.asarray(ids)))
    return Readers(
        data.Vocab.load(),
        found["sentiment-rnn"][1],
        found["sentiment-cnn"][1],
        found["sentiment-rnn"][0],
        found["sentiment-cnn"][0],
    )


@dataclass(frozen=True)
class Phrase:
    first: int  # word positions, inclusive
    last: int
    push: float  # Σ votes of the filters whose maximum is here
    filters: int  # how many filters
    strongest: int  # the filter among them with the largest |vote|


@dataclass(frozen=True)
class Reading:
    """Everything the page shows for one review: per word, per filter, per VADER token."""

    text: str
    tokens: tuple  # the words read (data.Token), at most data.MAX_WORDS
    skipped: int  # words after the first MAX_WORDS, not read
    known: np.ndarray  # (T,) bool: the word is in the training vocabulary (else it is read as the unknown word)
    rnn_logits: np.ndarray  # (T,) float64: the RNN's log-odds after each word
    hidden: np.ndarray  # (T, H) the RNN's state after each word
    cnn_logit: float
    cnn_bias: float
    widths: np.ndarray  # (F,) the n-gram length of each filter
    filter_index: np.ndarray  # (F,) the filter's number within its width
    pooled: np.ndarray  # (F,) each filter's maximum over the review
    where: np.ndarray  # (F,) first word of the window that gave it
    votes: np.ndarray  # (F,) pooled × output weight
    vader: tuple  # vader.Word per VADER token
    vader_compound: float

    @property
    def rnn_logit(self) -> float:
        return float(self.rnn_logits[-1])

    def ngram(self, f: int) -> tuple[int, int]:
        """Word positions [first, last] of filter f's strongest window (cut at the review's end)."""
        first = int(self.where[f])
        return first, min(first + int(self.widths[f]), len(self.tokens)) - 1

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end]

    @property
    def live(self) -> np.ndarray:
        """(F,) bool: the filter's ReLU is above 0 somewhere in the review. A filter that is 0 everywhere has no
        place where it peaks (its argmax would be the first window only because all values tie) and pushes 0."""
        return self.pooled > 0

    def phrases(self) -> list[Phrase]:
        """Every stretch of words that gave some live filter its maximum, with those filters' pushes summed;
        largest |push| first. The pushes of all phrases add up to the sum of all votes (dead filters vote 0)."""
        groups: dict[tuple[int, int], list[int]] = {}
        for f in np.flatnonzero(self.live):
            groups.setdefault(self.ngram(int(f)), []).append(int(f))
        found = []
        for (first, last), fs in groups.items():
            top = max(fs, key=lambda f: abs(self.votes[f]))
            found.append(Phrase(first, last, float(self.votes[fs].sum()), len(fs), top))
        return sorted(found, key=lambda p: -abs(p.push))


def read(readers: Readers, text: str) -> Reading | None:
    """Both models and VADER over one review; None when it has no word to read."""
    tokens = data.tokenize(text)
    if not tokens:
        return None
    kept = tokens[: data.MAX_WORDS]
    ids = np.asarray([[readers.vocab.id(t.word) for t in kept]], np.int32)
    pad = padded(np.pad(ids, ((0, 0), (0, max(0, 4 - ids.shape[1])))))
    t = len(kept)
    # to NumPy before any indexing: slicing a device array compiles a program per distinct length
    rnn = jax.tree_util.tree_map(np.asarray, readers.rnn(pad))
    cnn = jax.tree_util.tree_map(np.asarray, readers.cnn(pad))
    config = readers.cnn_model.config
    widths = np.repeat(np.asarray(config.widths), config.filters)
    words, compound = vader.words(text)
    return Reading(
        text=text,
        tokens=tuple(kept),
        skipped=len(tokens) - t,
        known=ids[0] != data.UNK,
        rnn_logits=np.asarray(rnn.readout[0, :t], np.float64),
        hidden=np.asarray(rnn.hidden[0, :t], np.float32),
        cnn_logit=float(cnn.logit[0]),
        cnn_bias=float(np.asarray(readers.cnn_model.head.bias[...])[0]),
        widths=widths,
        filter_index=np.tile(np.arange(config.filters), len(config.widths)),
        pooled=np.asarray(cnn.pooled[0], np.float64),
        where=np.asarray(cnn.where[0]),
        votes=np.asarray(cnn.votes[0], np.float64),
        vader=tuple(words),
        vader_compound=float(compound),
    )


@dataclass(frozen=True)
class ProbeRow:
    variant: str  # "as typed", "shuffled", "with not"
    text: str
    rnn: float  # log-odds of "positive"
    cnn: float
    vader: float  # compound


def probe_review(readers: Readers, text: str, seed: int) -> list[ProbeRow]:
    """The review as typed, its words shuffled (seeded) and with "not" before its strongest lexicon word."""
    variants = [("as typed", text), ("shuffled", shuffled(text, np.random.default_rng(seed)))]
    negative = negated(text)
    if negative is not None:
        variants.append(("with “not”", negative))
    texts = [t for _, t in variants]
    ids = padded(readers.vocab.batch(texts))  # one batch per model, through the page's compiled traces
    ids = np.pad(ids, ((0, PROBE_ROWS - len(ids)), (0, 0)))  # always 3 rows: one compiled shape per length
    rnn, cnn = np.asarray(readers.rnn(ids).logit), np.asarray(readers.cnn(ids).logit)
    compound = vader.compounds(texts)
    return [ProbeRow(v, t, float(r), float(c), float(x)) for (v, t), r, c, x in zip(variants, rnn, cnn, compound)]


def warm(readers: Readers) -> None:
    """Compile every shape the page uses (1 and PROBE_ROWS rows, each length bucket up to MAX_WORDS) before
    the first visitor needs one."""
    longest = padded(np.zeros((1, data.MAX_WORDS), np.int32)).shape[1]
    for t in (BUCKET << k for k in range(int(np.log2(longest // BUCKET)) + 1)):
        for rows in (1, PROBE_ROWS):
            ids = np.zeros((rows, t), np.int32)
            ids[:, 0] = data.UNK
            np.asarray(readers.rnn(ids).logit), np.asarray(readers.cnn(ids).logit)


def largest_move(logits: np.ndarray, read: int) -> int:
    """The word (0-based, from 1) among the first `read` at which the verdict's log-odds (T,) moved most from the
    word before; 0 when fewer than two words are read."""
    if read <= 1:
        return 0
    return int(np.argmax(np.abs(np.diff(np.asarray(logits, np.float64)[:read])))) + 1
