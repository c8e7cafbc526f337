"""VADER, the peer that reads by rules: its compound score, its per-word valences replayed by its own steps, and the
constants of the rules the Sentiment page states. Everything is read from the vaderSentiment package, not restated.

VADER (Hutto & Gilbert, 2014) scores a text from a lexicon of rated words and a few rules (negation, boosters,
capitals, "but", "!"), then squashes the sum into a compound score in −1 … +1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

THRESHOLD = 0.05  # VADER's documented rule: compound ≥ 0.05 is positive; below it counts as negative here


@lru_cache(maxsize=1)
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER's compound score of one text (−1 … +1), from the package itself."""
    return analyzer().polarity_scores(text)["compound"]


def compounds(texts: list[str], score=compound) -> np.ndarray:
    """VADER's compound score of each text (−1 … +1); `score` (text → compound) may remember texts seen."""
    return np.asarray([score(t) for t in texts], np.float64)


def rule_constants() -> dict[str, float]:
    """VADER's own constants for the rules the page states (read from the package, not restated)."""
    from vaderSentiment import vaderSentiment as rules

    return {"negation": rules.N_SCALAR, "booster": rules.B_INCR}


def predict(compound: np.ndarray) -> np.ndarray:
    """1 (positive) where compound ≥ THRESHOLD, else 0: the neutral band counts as negative."""
    return (np.asarray(compound) >= THRESHOLD).astype(np.int32)


@dataclass(frozen=True)
class Word:
    word: str  # VADER's own token (whitespace split, punctuation stripped)
    lexicon: float  # the word's mean rating in VADER's lexicon (0 when it is not there)
    after_rules: float  # what VADER counts for it after its rules: negation, boosters, capitals, "but"


def neutral(compound: float) -> bool:
    """VADER's own rule has three sides: −0.05 < compound < 0.05 is neutral (here counted as negative)."""
    return abs(compound) < THRESHOLD


def _as_scored(text: str) -> str:
    """The text as VADER scores it: emoji → their descriptions, exactly as polarity_scores does it."""
    a = analyzer()
    clean, prev_space = "", True
    for c in text:
        if c in a.emojis:
            clean += ("" if prev_space else " ") + a.emojis[c]
            prev_space = False
        else:
            clean += c
            prev_space = c == " "
    return clean.strip()


def emphasis(text: str, word_sum: float) -> float:
    """What VADER's “!” and “?” add to the sum of its word scores before squashing it: toward the sum's own
    side, nothing when the sum is 0 (VADER's score_valence)."""
    amount = analyzer()._punctuation_emphasis(_as_scored(text))
    return amount if word_sum > 0 else -amount if word_sum < 0 else 0.0


def words(text: str) -> tuple[list[Word], float]:
    """VADER's per-word scores and its compound, by VADER's own steps (the loop of `polarity_scores`)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    a = analyzer()
    clean = _as_scored(text)
    sentitext = SentiText(clean)
    tokens = sentitext.words_and_emoticons
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
    return [Word(w, float(a.lexicon.get(w.lower(), 0.0)), float(s)) for w, s in zip(tokens, sentiments)], compound


def totals(words: list[Word]) -> tuple[int, float]:
    """(how many words are in VADER's list, the sum of the words' valences after its rules)."""
    return sum(1 for w in words if w.lexicon), float(np.asarray([w.after_rules for w in words], np.float64).sum())
