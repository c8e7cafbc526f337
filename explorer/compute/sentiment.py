"""Scoring text for sentiment: the two trained models over many snippets, VADER as the peer, and the probes.

Every score here is measured on the shipped snippets (explorer.data.sentiment): accuracy on the fixed
held-out movie snippets, on the out-of-domain sets, and under two probes that change the input:
- order: the same words shuffled (seeded); how often the answer changes, and the accuracy then;
- negation: "not" put before the snippet's strongest lexicon word (VADER's lexicon picks it, so the choice
  does not depend on the neural models); how often each reader's answer moves to the other side.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jax.numpy as jnp
import numpy as np
from flax import nnx

from explorer.data import sentiment as data

BUCKET = 16  # batches are padded to a multiple of this many words, so a few compiled shapes serve every input
VADER_THRESHOLD = 0.05  # VADER's documented rule: compound ≥ 0.05 is positive; below it counts as negative here
ORDER_SEED = 0


@nnx.jit
def _logits(model, ids):
    return model(ids)


def padded(ids: np.ndarray) -> np.ndarray:
    """Right-pad (N, T) ids with PAD to the next multiple of BUCKET."""
    t = max(BUCKET, -(-ids.shape[1] // BUCKET) * BUCKET)
    return np.pad(ids, ((0, 0), (0, t - ids.shape[1])))


def logits(model: nnx.Module, vocab: data.Vocab, texts: list[str], batch: int = 256) -> np.ndarray:
    """(N,) float32 log-odds of "positive" for each text (texts with no words read as one padding token)."""
    out = []
    for i in range(0, len(texts), batch):
        ids = padded(vocab.batch(texts[i : i + batch]))
        out.append(np.asarray(_logits(model, jnp.asarray(ids))))
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def probability(logit) -> np.ndarray:
    """P(positive) = σ(logit), computed in float64 so a confident answer does not round to exactly 0 or 1."""
    z = np.asarray(logit, np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def accuracy(pred: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.asarray(pred) == np.asarray(labels)))


# ---------------------------------------------------------------- VADER


@lru_cache(maxsize=1)
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_compound(texts: list[str]) -> np.ndarray:
    a = analyzer()
    return np.asarray([a.polarity_scores(t)["compound"] for t in texts], np.float64)


def vader_predict(compound: np.ndarray) -> np.ndarray:
    return (np.asarray(compound) >= VADER_THRESHOLD).astype(np.int32)


@dataclass(frozen=True)
class VaderWord:
    word: str  # VADER's own token (whitespace split, punctuation stripped)
    lexicon: float  # the word's mean rating in VADER's lexicon (0 when it is not there)
    after_rules: float  # what VADER counts for it after its rules: negation, boosters, capitals, "but"


def vader_words(text: str) -> tuple[list[VaderWord], float]:
    """VADER's per-word scores and its compound, by VADER's own steps (the loop of `polarity_scores`)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    a = analyzer()
    clean = "".join(f" {a.emojis[c]} " if c in a.emojis else c for c in text).strip()
    tokens = SentiText(clean).words_and_emoticons
    sentitext = SentiText(clean)
    sentiments: list[float] = []
    for i, item in enumerate(tokens):
        if item.lower() in BOOSTER_DICT or (
            i < len(tokens) - 1 and item.lower() == "kind" and tokens[i + 1].lower() == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = a.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = a._but_check(tokens, sentiments)
    compound = a.score_valence(sentiments, clean)["compound"]
    return [VaderWord(w, float(a.lexicon.get(w.lower(), 0.0)), float(s)) for w, s in zip(tokens, sentiments)], compound


# ---------------------------------------------------------------- probes


def shuffled(text: str, rng: np.random.Generator) -> str:
    """The same words in another order (tokens joined by spaces)."""
    ws = data.words(text)
    return " ".join(ws[i] for i in rng.permutation(len(ws)))


def negated(text: str) -> str | None:
    """The text with "not" before its strongest VADER-lexicon word, or None when no word is in the lexicon."""
    lexicon = analyzer().lexicon
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


def _readers(folder=None) -> dict:
    """name → a function from texts to (N,) positive/negative predictions; the two models and VADER."""
    from explorer import models
    from explorer.models import weights

    vocab = data.Vocab.load()
    out = {}
    for name in models.SENTIMENT_MODELS:
        model, _ = weights.load(name, folder)
        out[name] = lambda texts, model=model: (logits(model, vocab, texts) > 0).astype(np.int32)
    out["sentiment-vader"] = lambda texts: vader_predict(vader_compound(texts))
    return out


def probe_scores(predict, texts: list[str], labels: np.ndarray) -> dict:
    """The order and negation probes for one reader, over `texts` (the held-out snippets)."""
    base = predict(texts)
    mixed = predict(order_probe_texts(texts))
    negations = [negated(t) for t in texts]
    has = [i for i, n in enumerate(negations) if n is not None]
    flipped = predict([negations[i] for i in has]) != base[has]
    return {
        "shuffled_accuracy": accuracy(mixed, labels),
        "shuffled_changed": float(np.mean(mixed != base)),
        "negation_flipped": float(np.mean(flipped)),
        "negation_snippets": len(has),
    }


def evaluate(folder=None) -> dict:
    """Held-out accuracy, out-of-domain accuracy and the probes, for the two models and VADER."""
    from explorer import models
    from explorer.models import weights

    _, held = data.load_split()
    others = {name: data.load(name) for name in data.SETS if name != "movie"}
    out = {}
    for name, predict in _readers(folder).items():
        row = {"accuracy": accuracy(predict(held.texts), held.labels), "heldout": len(held)}
        if name in models.SENTIMENT_MODELS:
            row["params"] = models.count_params(weights.load(name, folder)[0])
        else:
            compound = vader_compound(held.texts)
            row["rule"] = f"compound ≥ {VADER_THRESHOLD} is positive"
            row["accuracy_compound_ge_0"] = accuracy(compound >= 0, held.labels)
            row["compound_exactly_0"] = int(np.sum(compound == 0))  # no lexicon word, or words that cancel
        row["out_of_domain"] = {n: accuracy(predict(s.texts), s.labels) for n, s in others.items()}
        row["probes"] = probe_scores(predict, held.texts, held.labels)
        out[name] = row
    return out
