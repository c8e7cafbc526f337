"""Rated review snippets for sentiment: the data, its fixed held-out split, the word tokens and the vocabulary.

The data is Hutto & Gilbert's (ICWSM 2014) ground truth, shipped inside the vaderSentiment *source*
distribution on the package index (additional_resources/hutto_ICWSM_2014.tar.gz): 10,605 movie-review
snippets, each with the mean of 20 people's ratings from −4 to +4, and the same study's tweets, Amazon
review snippets and New York Times editorial snippets, used here as out-of-domain tests.

`from_sdist` reads that archive once at training time (`python -m explorer train sentiment` fetches the sdist
with pip) and `save` writes explorer/assets/sentiment/; the app and its tests `load` those files only.

Labels are binary, from the sign of the mean rating; snippets with |rating| < MIN_RATING are dropped (people
did not agree on a side). The held-out split is a seeded fifth of the movie snippets and never trains anything.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import tarfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from explorer.data import ASSETS

FOLDER = ASSETS / "sentiment"
VOCAB_FILE = FOLDER / "vocab.txt"
COUNTS_FILE = FOLDER / "counts.json"  # per set: snippets in the archive, and how many were dropped (|rating| < 0.5)
MIN_RATING = 0.5  # |mean rating| below this is "people did not agree on a side": dropped, and counted
HELDOUT_FRACTION = 0.2
SPLIT_SEED = 0
MIN_COUNT = 2  # a word seen once in training is the unknown-word token: it could not have learned anything
MAX_WORDS = 120  # the page reads at most this many words (the longest movie snippet has 59)
MAX_CHARS = 2000  # characters kept from a typed review; the rest is set aside and said so
PAD, UNK = 0, 1  # token ids: padding (reads as nothing), and a word the training split did not have twice

SETS = {  # file in the archive → the name used here
    "movie": "movieReviewSnippets_GroundTruth.txt",
    "tweets": "tweets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
}
SET_TITLES = {
    "movie": "Movie-review snippets",
    "tweets": "Tweets",
    "amazon": "Amazon review snippets",
    "nyt": "NYT editorial snippets",
}
CREDIT = (
    "Review snippets and ratings: C.J. Hutto and E. Gilbert, \u201cVADER: A Parsimonious Rule-based Model for"
    " Sentiment Analysis of Social Media Text\u201d, ICWSM 2014; ground truth shipped in the vaderSentiment"
    " source distribution (additional_resources/hutto_ICWSM_2014.tar.gz, MIT licence). The movie snippets are"
    " Pang & Lee's Rotten Tomatoes sentences (2005), each rated by 20 people from \u22124 to +4."
)

# Words: runs of letters/digits, with "n't" split off ("isn't" → "is", "n't") so every negation is one token,
# and ! / ? kept. Spans index the original text, so the page can highlight exactly the characters read.
_TOKEN = re.compile(r"[^\W_]+(?=n't\b)|n't\b|[^\W_]+(?:'[^\W_]+)?|[!?]")


@dataclass(frozen=True)
class Snippets:
    ids: np.ndarray  # (N,) the archive's ids
    ratings: np.ndarray  # (N,) float64, mean rating −4 … +4
    texts: list[str]
    name: str

    @property
    def labels(self) -> np.ndarray:
        """1 = positive, 0 = negative (the sign of the mean rating)."""
        return (self.ratings > 0).astype(np.int32)

    def subset(self, index: np.ndarray) -> Snippets:
        return Snippets(self.ids[index], self.ratings[index], [self.texts[i] for i in index], self.name)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class Token:
    word: str  # lower-cased, apostrophes straightened
    start: int  # character span in the original text
    end: int


def tokenize(text: str) -> list[Token]:
    """The words a sentiment model reads, each with its span in `text` (same length lower-casing)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer ("İ"): keep it, so spans stay exact
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    lowered = lowered.replace("\u2019", "'")
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]


def words(text: str) -> list[str]:
    return [t.word for t in tokenize(text)]


def _read_ground_truth(raw: bytes, name: str) -> Snippets:
    ids, ratings, texts = [], [], []
    for line in raw.decode("utf-8").splitlines():
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3:
            raise ValueError(f"{name}: expected id, rating, text separated by tabs, got {line[:60]!r}")
        ids.append(int(parts[0]))
        ratings.append(float(parts[1]))
        texts.append(parts[2].strip())
    return Snippets(np.asarray(ids, np.int64), np.asarray(ratings, np.float64), texts, name)


def from_sdist(sdist: Path) -> dict[str, Snippets]:
    """Every set of the study, as the vaderSentiment sdist ships it (all snippets, before any filtering)."""
    with tarfile.open(sdist) as outer:
        inner_member = next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        inner_bytes = outer.extractfile(inner_member).read()
    out = {}
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        members = {Path(m.name).name: m for m in inner.getmembers() if m.isfile()}
        for name, file in SETS.items():
            out[name] = _read_ground_truth(inner.extractfile(members[file]).read(), name)
    return out


def decided(snippets: Snippets) -> Snippets:
    """The snippets people agreed on a side of: |mean rating| ≥ MIN_RATING."""
    return snippets.subset(np.flatnonzero(np.abs(snippets.ratings) >= MIN_RATING))


def heldout_mask(n: int) -> np.ndarray:
    """The fixed held-out fifth of n decided movie snippets (seeded, so every run uses the same ones)."""
    rng = np.random.default_rng(SPLIT_SEED)
    mask = np.zeros(n, bool)
    mask[rng.permutation(n)[: round(n * HELDOUT_FRACTION)]] = True
    return mask


def save(sets: dict[str, Snippets], folder: Path = FOLDER) -> None:
    """One gzip'd TSV per set (id, rating, text; the movie set also says train/heldout), and the credit."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, snippets in sets.items():
        kept = decided(snippets)
        split = heldout_mask(len(kept)) if name == "movie" else None
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["id", "rating", "split", "text"])
        for i in range(len(kept)):
            part = ("heldout" if split[i] else "train") if split is not None else "test"
            writer.writerow([int(kept.ids[i]), repr(float(kept.ratings[i])), part, kept.texts[i]])
        # mtime=0: the same data gives the same bytes
        (folder / f"{name}.tsv.gz").write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    counts = {name: (len(s), len(s) - len(decided(s))) for name, s in sets.items()}
    (folder / COUNTS_FILE.name).write_text(
        json.dumps({n: {"in_archive": total, "dropped": dropped} for n, (total, dropped) in counts.items()}, indent=1)
        + "\n",
        encoding="utf-8",
    )
    lines = [
        f"- {SET_TITLES[n]}: {total:,} in the archive, {dropped:,} dropped" for n, (total, dropped) in counts.items()
    ]
    (folder / "README.md").write_text(
        "# Sentiment data\n\n"
        + CREDIT
        + f"\n\nKept: snippets whose mean rating is at least {MIN_RATING} away from 0 (label = its sign).\n\n"
        + "\n".join(lines)
        + f"\n\nHeld out: a seeded fifth (seed {SPLIT_SEED}) of the kept movie snippets, marked `heldout` in"
        " movie.tsv.gz. The other sets are out-of-domain tests only. Rebuilt by `python -m explorer train sentiment`.\n",
        encoding="utf-8",
    )


def _read_tsv(path: Path) -> tuple[Snippets, np.ndarray]:
    rows = list(csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8")), delimiter="\t"))
    body = rows[1:]
    snippets = Snippets(
        np.asarray([int(r[0]) for r in body], np.int64),
        np.asarray([float(r[1]) for r in body], np.float64),
        [r[3] for r in body],
        path.name.removesuffix(".tsv.gz"),
    )
    return snippets, np.asarray([r[2] for r in body])


def load(name: str, folder: Path = FOLDER) -> Snippets:
    """A whole shipped set (decided snippets only)."""
    return _read_tsv(folder / f"{name}.tsv.gz")[0]


def load_split(folder: Path = FOLDER) -> tuple[Snippets, Snippets]:
    """(train, held-out) decided movie snippets."""
    snippets, split = _read_tsv(folder / "movie.tsv.gz")
    return snippets.subset(np.flatnonzero(split == "train")), snippets.subset(np.flatnonzero(split == "heldout"))


def archive_counts(folder: Path = FOLDER) -> dict[str, dict[str, int]]:
    """{set: {"in_archive": n, "dropped": k}}: what `save` kept out, for the page to say."""
    return json.loads((folder / COUNTS_FILE.name).read_text(encoding="utf-8"))


def build_vocab(texts: list[str], min_count: int = MIN_COUNT) -> list[str]:
    """Training words seen at least `min_count` times, most frequent first (ties alphabetical)."""
    counts = Counter(w for t in texts for w in words(t))
    return sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))


def save_vocab(vocab: list[str], path: Path = VOCAB_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(vocab) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Vocab:
    words: tuple[str, ...]  # id = position + 2 (0 is padding, 1 the unknown word)

    @classmethod
    def load(cls, path: Path = VOCAB_FILE) -> Vocab:
        return cls(tuple(path.read_text(encoding="utf-8").split()))

    @property
    def size(self) -> int:
        return len(self.words) + 2

    def __post_init__(self):
        object.__setattr__(self, "_index", {w: i + 2 for i, w in enumerate(self.words)})

    def id(self, word: str) -> int:
        return self._index.get(word, UNK)

    def encode(self, text: str) -> np.ndarray:
        return np.asarray([self.id(w) for w in words(text)], np.int32)

    def batch(self, texts: list[str], max_words: int = MAX_WORDS, min_length: int = 4, encode=None) -> np.ndarray:
        """(N, T) ids, right-padded with PAD; T ≥ min_length so every n-gram filter has a window. `encode` (text
        → ids) replaces `self.encode`, e.g. by one that remembers texts it has seen."""
        encoded = [(encode or self.encode)(t)[:max_words] for t in texts]
        length = max(min_length, max((len(e) for e in encoded), default=0))
        out = np.zeros((len(texts), length), np.int32)
        for i, e in enumerate(encoded):
            out[i, : len(e)] = e
        return out
