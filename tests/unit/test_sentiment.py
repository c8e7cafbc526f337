"""The Sentiment page's data, its two models and VADER, each checked against an independent reference: the shipped
split recomputed, the GRU and the n-gram CNN replayed in float64 NumPy from their parameters, VADER's own
`polarity_scores`, and `math` for the percentages."""

from __future__ import annotations

import decimal
import math
import re
from collections import Counter

import jax.numpy as jnp
import numpy as np
import pytest

from explorer import models
from explorer.compute import sentiment
from explorer.compute import vader as vader_rules  # the `vader` fixture is VADER's own analyzer
from explorer.data import sentiment as data
from explorer.models import weights

HELDOUT = 2014  # round(0.2 · 10,072)


@pytest.fixture(scope="module")
def split():
    return data.load_split()


@pytest.fixture(scope="module")
def readers():
    return sentiment.load_readers()


@pytest.fixture(scope="module")
def evaluated():
    return sentiment.evaluate()


@pytest.fixture(scope="module")
def vader():
    """A fresh analyzer of VADER's own, not the one the app caches."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compounds(analyzer, texts) -> np.ndarray:
    return np.asarray([analyzer.polarity_scores(t)["compound"] for t in texts], np.float64)


def ids_of(readers, text: str) -> np.ndarray:
    """(1, T) ids as `read` pads them: at least 4 words, then PAD up to the length bucket."""
    return sentiment.padded(readers.vocab.batch([text]))


def test_padding_only_appends_pad_up_to_a_bucket():
    for n in (1, 4, 15, 16, 17, 33, 64, 65, 120):
        ids = np.arange(1, n + 1, dtype=np.int32)[None]
        out = sentiment.padded(ids)
        assert out.shape[1] >= max(n, sentiment.BUCKET) and out.shape[1] % sentiment.BUCKET == 0, n
        np.testing.assert_array_equal(out[:, :n], ids)
        assert not out[:, n:].any()
    assert len({sentiment.padded(np.ones((1, n), np.int32)).shape[1] for n in range(1, data.MAX_WORDS + 1)}) <= 4


# ---------------------------------------------------------------- data


def test_the_movie_set_is_the_decided_snippets_and_the_split_is_the_seeded_fifth(split):
    movie = data.load("movie")
    train, held = split
    assert len(movie) == 10_072 and len(held) == HELDOUT == round(0.2 * 10_072) and len(train) == 10_072 - HELDOUT
    assert np.all(np.abs(movie.ratings) >= 0.5)
    np.testing.assert_array_equal(movie.labels, (movie.ratings > 0).astype(int))
    assert not set(train.ids.tolist()) & set(held.ids.tolist())
    assert len(set(movie.ids.tolist())) == len(movie)  # ids are unique, so disjoint ids are disjoint snippets
    mask = data.heldout_mask(len(movie))
    np.testing.assert_array_equal(held.ids, movie.ids[mask])
    np.testing.assert_array_equal(train.ids, movie.ids[~mask])
    assert held.texts == [movie.texts[i] for i in np.flatnonzero(mask)]
    assert 0.4 < held.labels.mean() < 0.6  # both sides are held out


@pytest.mark.parametrize("name", ["tweets", "amazon", "nyt"])
def test_out_of_domain_sets_are_decided_snippets(name):
    found = data.load(name)
    assert len(found) > 1000 and len(found.texts) == len(found.ratings) == len(found.ids)
    assert np.all(np.abs(found.ratings) >= data.MIN_RATING)
    assert all(t.strip() for t in found.texts)


def test_the_data_is_credited_to_hutto_and_gilbert():
    readme = (data.FOLDER / "README.md").read_text(encoding="utf-8")
    assert "Hutto" in readme and "Gilbert" in readme and "ICWSM 2014" in readme


def test_the_vocabulary_is_the_training_words_seen_twice_and_never_saw_heldout_text(split):
    train, held = split
    shipped = data.Vocab.load()
    assert list(shipped.words) == data.build_vocab(train.texts)
    counts = Counter(w for t in train.texts for w in data.words(t))
    assert set(shipped.words) == {w for w, c in counts.items() if c >= 2}
    # words that held-out snippets use twice or more but training never uses: none of them may be in it
    held_counts = Counter(w for t in held.texts for w in data.words(t))
    held_only = {w for w, c in held_counts.items() if c >= 2 and w not in counts}
    assert len(held_only) >= 10 and not held_only & set(shipped.words)
    assert shipped.id("the") >= 2 and shipped.id("zxqv") == data.UNK and shipped.words[0] == "the"
    for name in models.SENTIMENT_MODELS:
        assert weights.load_meta(name)["config"]["vocab"] == shipped.size == len(shipped.words) + 2


def test_a_batch_is_right_padded_with_pad_and_cut_at_max_words():
    vocab = data.Vocab.load()
    ids = vocab.batch(["great", "a dull and zxqv film", " ".join(["good"] * 200)])
    assert ids.shape == (3, data.MAX_WORDS)
    assert ids[0, 0] == vocab.id("great") and not ids[0, 1:].any()
    assert ids[1, :5].tolist() == [vocab.id(w) for w in ("a", "dull", "and", "zxqv", "film")]
    assert ids[1, 3] == data.UNK and not ids[1, 5:].any()
    assert (ids[2] == vocab.id("good")).all()
    assert vocab.batch([""]).shape == (1, 4) and not vocab.batch([""]).any()


# ---------------------------------------------------------------- tokenizer


def same_length_lower(text: str) -> str:
    """The lower-casing `tokenize` promises: character by character where that keeps the length; ’ as '."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("\u2019", "'")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("isn't", ["is", "n't"]),
        ("Isn\u2019t it", ["is", "n't", "it"]),
        ("I can't, won't; DON'T!", ["i", "ca", "n't", "wo", "n't", "do", "n't", "!"]),
        ("Great!", ["great", "!"]),
        ("Really?! no...", ["really", "?", "!", "no"]),
        ("the director's cut", ["the", "director's", "cut"]),
        ("snake_case 42nd", ["snake", "case", "42nd"]),
        ("", []),
        ("   \n\t ", []),
        ("... , ; -- () \u2014 \u201c\u201d", []),
    ],
)
def test_words_hand_checked(text, expected):
    assert data.words(text) == expected


def test_spans_index_the_original_text():
    tokens = data.tokenize("Isn\u2019t it GREAT!")
    assert [(t.start, t.end) for t in tokens] == [(0, 2), (2, 5), (6, 8), (9, 14), (14, 15)]
    assert "Isn\u2019t it GREAT!"[2:5] == "n\u2019t"


def test_unicode_does_not_shift_spans():
    text = "\u0130stanbul caf\u00e9 \U0001f600 na\u00efve Stra\u00dfe \u00c9T\u00c9"
    tokens = data.tokenize(text)
    # "İ" lowers to two characters, so it is kept as it is; every span still lies on its own word
    assert [t.word for t in tokens] == ["\u0130stanbul", "caf\u00e9", "na\u00efve", "stra\u00dfe", "\u00e9t\u00e9"]
    assert [(t.start, t.end) for t in tokens] == [(0, 8), (9, 13), (16, 21), (22, 28), (29, 32)]


def test_spans_and_words_agree_on_real_and_awkward_text(split):
    _, held = split
    awkward = [
        "\u0130\u0130 \u0130stanbul isn\u2019t it",
        "caf\u0065\u0301 d\u00e9j\u00e0-vu",  # a combining accent is not a letter: the word stops before it
        "<script>alert(1)</script> great",
        "\u05e9\u05dc\u05d5\u05dd world \u0645\u0631\u062d\u0628\u0627",  # right-to-left scripts
        "ALL CAPS!!! and \U0001f600\U0001f600 emoji",
    ]
    for text in held.texts[:500] + awkward:
        for t in data.tokenize(text):
            assert t.word == same_length_lower(text[t.start : t.end]), (text, t)
            assert t.word and (t.word in "!?" or not re.search(r"[\s_]", t.word)), (text, t)


# ---------------------------------------------------------------- models


@pytest.mark.parametrize("which", ["rnn", "cnn"])
def test_the_trace_is_the_model(readers, split, which):
    model = readers.rnn_model if which == "rnn" else readers.cnn_model
    ids = jnp.asarray(readers.vocab.batch(split[1].texts[:6]))
    # two code paths to one logit: float32 agreement, not bit equality (operation order may differ)
    np.testing.assert_allclose(np.asarray(model.trace(ids).logit), np.asarray(model(ids)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("which", ["rnn", "cnn"])
def test_a_review_reads_the_same_alone_and_padded_in_a_longer_batch(readers, split, which):
    model = readers.rnn_model if which == "rnn" else readers.cnn_model
    vocab = readers.vocab
    long = " ".join(split[1].texts[:4])
    for short in ["dull", "great fun", "a thoroughly dull and tiresome film", split[1].texts[10]]:
        alone = np.asarray(model(jnp.asarray(vocab.batch([short]))))[0]
        batch = np.pad(vocab.batch([long, short, "zxqv"]), ((0, 0), (0, 7)))
        assert batch.shape[1] > len(vocab.encode(short)) + 7
        together = np.asarray(model(jnp.asarray(batch)))
        assert together[1] == pytest.approx(alone, abs=1e-5), short
        via_logits = sentiment.logits(model, vocab, [long, short], batch=2)[1]
        assert via_logits == pytest.approx(alone, abs=1e-5), short


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def replay_gru(model, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(T, H) states and (T,) readouts, GRU as flax.nnx.GRUCell defines it (gates r, z, n; bias on the input side)."""
    f64 = lambda a: np.asarray(a[...], np.float64)
    table = f64(model.embed.embedding)
    wi, bi, wh = f64(model.cell.dense_i.kernel), f64(model.cell.dense_i.bias), f64(model.cell.dense_h.kernel)
    assert model.cell.dense_h.bias is None
    head_w, head_b = f64(model.head.kernel)[:, 0], f64(model.head.bias)[0]
    h = np.zeros(wh.shape[0])
    states = []
    for i in ids:
        xr, xz, xn = np.split(table[i] @ wi + bi, 3)
        hr, hz, hn = np.split(h @ wh, 3)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1 - z) * n + z * h
        states.append(h)
    states = np.asarray(states)
    return states, states @ head_w + head_b


def replay_cnn(model, ids: np.ndarray) -> dict:
    """Kim's n-gram CNN in float64: windows, ReLU, windows past the review set to 0, max over time, votes."""
    f64 = lambda a: np.asarray(a[...], np.float64)
    n = max(int((ids != data.PAD).sum()), 1)
    x = f64(model.embed.embedding)[ids] * (ids != data.PAD)[:, None]
    maps, pooled = [], []
    for w, conv in zip(model.config.widths, model.convs):
        kernel, bias = f64(conv.kernel), f64(conv.bias)  # (w, E, F), (F,)
        assert kernel.shape[0] == w
        starts = range(len(ids) - w + 1)
        m = np.stack([np.einsum("we,wef->f", x[s : s + w], kernel) + bias for s in starts])
        m = np.maximum(m, 0) * (np.arange(len(m)) <= max(n - w, 0))[:, None]
        maps.append(m)
        pooled.append(m.max(0))
    pooled = np.concatenate(pooled)
    votes = pooled * f64(model.head.kernel)[:, 0]
    return {"maps": maps, "pooled": pooled, "votes": votes, "logit": votes.sum() + f64(model.head.bias)[0]}


REPLAYED = [
    "dull",
    "great fun",
    "zxqv blorf",
    "It isn't a great film, but the acting is wonderful!",
]


@pytest.fixture(scope="module")
def replayed_texts(split):
    held = split[1].texts
    longest = max(held, key=lambda t: len(data.words(t)))
    return REPLAYED + held[:4] + [longest]


def test_the_gru_replayed_in_float64_gives_the_states_and_readouts(readers, replayed_texts):
    for text in replayed_texts:
        ids = ids_of(readers, text)
        trace = readers.rnn(ids)
        states, readout = replay_gru(readers.rnn_model, ids[0])
        np.testing.assert_allclose(np.asarray(trace.hidden[0]), states, atol=1e-4, err_msg=text)
        np.testing.assert_allclose(np.asarray(trace.readout[0]), readout, atol=1e-4, err_msg=text)
        last = len(data.words(text)) - 1
        assert float(trace.logit[0]) == pytest.approx(readout[last], abs=1e-4), text


def test_the_cnn_replayed_in_float64_gives_windows_pool_votes_and_logit(readers, replayed_texts):
    for text in replayed_texts:
        ids = ids_of(readers, text)
        trace = readers.cnn(ids)
        ref = replay_cnn(readers.cnn_model, ids[0])
        for got, want in zip(trace.maps, ref["maps"]):
            np.testing.assert_allclose(np.asarray(got[0]), want, atol=1e-4, err_msg=text)
        np.testing.assert_allclose(np.asarray(trace.pooled[0]), ref["pooled"], atol=1e-4, err_msg=text)
        np.testing.assert_allclose(np.asarray(trace.votes[0]), ref["votes"], atol=1e-4, err_msg=text)
        assert float(trace.logit[0]) == pytest.approx(ref["logit"], abs=1e-4), text
        # `where` names a window that gives the maximum, and one inside the review
        n = len(data.words(text))
        where = np.asarray(trace.where[0])
        f = readers.cnn_model.config.filters
        for k, (w, m) in enumerate(zip(readers.cnn_model.config.widths, ref["maps"])):
            at = where[k * f : (k + 1) * f]
            assert np.all(at <= max(n - w, 0)), text
            np.testing.assert_allclose(m[at, np.arange(f)], ref["pooled"][k * f : (k + 1) * f], atol=1e-4)


def test_phrases_push_the_votes_and_the_votes_give_the_logit(readers, replayed_texts):
    for text in replayed_texts:
        reading = sentiment.read(readers, text)
        pushes = [p.push for p in reading.phrases()]
        assert sum(pushes) == pytest.approx(reading.votes.sum(), abs=1e-9), text
        live = int((reading.pooled > 0).sum())  # a filter 0 everywhere has no place (test_truth)
        assert sum(p.filters for p in reading.phrases()) == live <= len(reading.votes) == 3 * 64
        assert pushes == sorted(pushes, key=lambda p: -abs(p))
        assert reading.cnn_logit == pytest.approx(reading.votes.sum() + reading.cnn_bias, abs=1e-4), text
        for p in reading.phrases():
            assert 0 <= p.first <= p.last < len(reading.tokens)
        assert sorted(set(reading.widths.tolist())) == [2, 3, 4]


# ---------------------------------------------------------------- held-out figures


@pytest.mark.parametrize("name", models.SENTIMENT_MODELS)
def test_heldout_accuracy_reproduces_the_recorded_figure(evaluated, split, readers, name):
    recorded = weights.load_meta(name)["metrics"]["accuracy"]
    tolerance = max(1e-9, 1 / HELDOUT + 1e-12)  # one snippet, if float rounding differs on this machine
    assert abs(evaluated[name]["accuracy"] - recorded) <= tolerance
    # and by another path: the model called once on the whole held-out set, padded to its longest snippet
    _, held = split
    model = readers.rnn_model if name == "sentiment-rnn" else readers.cnn_model
    direct = np.asarray(model(jnp.asarray(readers.vocab.batch(held.texts)))) > 0
    assert abs(np.mean(direct == held.labels) - recorded) <= tolerance


def test_the_best_model_beats_vader_and_kims_cnn_rand(evaluated):
    best = max(evaluated[name]["accuracy"] for name in models.SENTIMENT_MODELS)
    assert best > evaluated["sentiment-vader"]["accuracy"]
    assert best >= 0.761  # Kim (2014), CNN-rand on MR


def test_vaders_row_is_vader_itself(evaluated, split, vader):
    _, held = split
    compound = compounds(vader, held.texts)
    row = evaluated["sentiment-vader"]
    assert row["accuracy"] == np.mean((compound >= 0.05) == held.labels)
    assert row["accuracy_compound_ge_0"] == np.mean((compound >= 0) == held.labels)
    assert row["compound_exactly_0"] == int(np.sum(compound == 0))
    for name in ("tweets", "amazon", "nyt"):
        s = data.load(name)
        assert row["out_of_domain"][name] == np.mean((compounds(vader, s.texts) >= 0.05) == s.labels), name


def test_vader_on_all_decided_movie_snippets_is_the_quoted_62_8_percent(vader):
    movie = data.load("movie")
    assert np.mean((compounds(vader, movie.texts) >= 0) == movie.labels) == pytest.approx(0.628, abs=5e-4)


def test_the_probe_figures_are_in_range_and_count_the_negatable_snippets(evaluated, split):
    _, held = split
    negatable = sum(sentiment.negated(t) is not None for t in held.texts)
    for name, row in evaluated.items():
        probes = row["probes"]
        assert probes["negation_snippets"] == negatable, name
        for key in ("shuffled_accuracy", "shuffled_changed", "negation_flipped"):
            assert 0 <= probes[key] <= 1, (name, key)
    # VADER reads a bag of words with local rules: "not" before its strongest word flips it most often
    assert evaluated["sentiment-vader"]["probes"]["negation_flipped"] > max(
        evaluated[n]["probes"]["negation_flipped"] for n in models.SENTIMENT_MODELS
    )


# ---------------------------------------------------------------- VADER, word by word

VADER_CASES = [
    "The plot is good, but the acting is terrible.",
    "This is not good.",
    "This is very good.",
    "This is GREAT.",
    "This is GREAT!!!",
    "Great!!!",
    "I don't like it but I LOVE the music!!!",
    "kind of good",
    "not bad at all",
    "never so good",
    "I love it \U0001f600",
    "\U0001f600",
    "it \U0001f600\U0001f600 bad",
    "The movie was GREAT!!! but boring \U0001f600",
    "\U0001f600great",  # an emoji's description joins the next word, as VADER does it (a bug once)
    "good\U0001f600great",
    "",
    "zxqv",
]


def test_vader_words_replays_polarity_scores_exactly(split, vader):
    _, held = split
    for text in held.texts[:300] + VADER_CASES:
        _, compound = vader_rules.words(text)
        assert compound == vader.polarity_scores(text)["compound"], text


def test_vader_words_hand_checked():
    words, _ = vader_rules.words("not good")
    assert [w.word for w in words] == ["not", "good"]
    assert words[1].lexicon == 1.9 and words[1].after_rules == pytest.approx(1.9 * -0.74)  # N_SCALAR
    words, _ = vader_rules.words("very good")
    assert words[0].after_rules == 0 and words[1].after_rules == pytest.approx(1.9 + 0.293)  # B_INCR
    words, _ = vader_rules.words("good but bad")
    # "but": the words before count half, the words after one and a half times
    assert [w.after_rules for w in words] == pytest.approx([1.9 * 0.5, 0, -2.5 * 1.5])
    words, _ = vader_rules.words("\U0001f600")
    assert [w.word for w in words] == ["grinning", "face"]


# ---------------------------------------------------------------- percentages


def math_percent(logit: float) -> tuple[float, float]:
    """100·σ(z) and 100·σ(−z) with `math`, each side computed without cancellation."""

    def sig(z):
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

    return 100 * sig(logit), 100 * sig(-logit)


def parse_percent(text: str) -> tuple[float, float, int]:
    """(P, 100 − P, decimals shown) from percent_positive's text."""
    assert text.endswith(" %"), text
    body = text.removesuffix(" %")
    if body.startswith("100 \u2212 "):
        rest = float(body.removeprefix("100 \u2212 "))
        return 100 - rest, rest, -1
    value = float(body)
    decimals = len(body.split(".")[1]) if "." in body and "e" not in body else -1
    return value, 100 - value, decimals


@pytest.mark.parametrize("logit", [-40, -25, -12.05, -12, -7, -4.6, -2, 0.3, 2, 4.5, 4.6, 7, 9, 12, 12.05, 25, 40])
def test_percent_positive_never_rounds_a_finite_logit_to_0_or_100(logit):
    text = sentiment.percent_positive(logit)
    p, q, decimals = parse_percent(text)
    want_p, want_q = math_percent(logit)
    assert text not in ("0 %", "100 %") and p > 0 and q > 0, text
    if decimals >= 0:  # fixed point: within half a unit of the last digit shown
        assert abs(p - want_p) <= 0.5 * 10**-decimals + 1e-12, text
    small, want_small = min(p, q), min(want_p, want_q)  # two significant digits of the distance to 0 % or 100 %
    if small < 1:
        assert small == pytest.approx(want_small, rel=0.051), text


def test_percent_positive_hand_checked():
    assert sentiment.percent_positive(0) == "50 %"
    assert sentiment.percent_positive(2) == "88 %"
    assert sentiment.percent_positive(12.05).startswith("99.999")
    assert sentiment.percent_positive(-12).startswith("0.0006")
    assert sentiment.percent_positive(40).startswith("100 \u2212 4.2e-16")
    assert sentiment.percent_positive(-40) == "4.2e-16 %"
    # exp(−600) is a subnormal float64 and exp(−746) underflows; from the log-probability neither is lost
    exact = f"{100 / (1 + decimal.Decimal(600).exp()):.1e}".replace("E", "e")  # decimal: no underflow at all
    assert sentiment.percent_positive(-600) == f"{exact} %"
    assert sentiment.percent_positive(600) == f"100 \u2212 {exact} %"
    assert sentiment.percent_positive(-746) == "below 1e-300 %"
    assert sentiment.percent_positive(float("nan")).startswith("undefined")
    np.testing.assert_allclose(
        sentiment.probability([-40.0, 0.0, 3.0]),
        [math.exp(-40) / (1 + math.exp(-40)), 0.5, 1 / (1 + math.exp(-3))],
        rtol=1e-12,
    )


# ---------------------------------------------------------------- probes


def test_negated_puts_not_before_the_strongest_lexicon_word(vader):
    assert vader.lexicon["terrible"] == -2.1 and vader.lexicon["good"] == 1.9 and vader.lexicon["awful"] == -2.0
    assert sentiment.negated("A good and terrible movie.") == "A good and not terrible movie."
    assert sentiment.negated("Good, GOOD film") == "not Good, GOOD film"  # ties: the first
    assert sentiment.negated("Awful\u2026 but rather GOOD") == "not Awful\u2026 but rather GOOD"
    assert sentiment.negated("the zxqv of 1999") is None
    assert sentiment.negated("") is None


def test_shuffled_keeps_the_words(split):
    rng = np.random.default_rng(3)
    changed = 0
    for text in split[1].texts[:300] + ["It isn't GREAT!", "can't won't", "\u0130stanbul caf\u00e9"]:
        mixed = sentiment.shuffled(text, rng)
        assert Counter(data.words(mixed)) == Counter(data.words(text)), text
        changed += data.words(mixed) != data.words(text)
    assert changed > 250
    assert sentiment.shuffled("", rng) == ""


def test_probe_review_rows_are_the_readings_of_their_texts(readers, vader):
    for text, variants in [
        ("The acting is great but the plot is dull.", 3),
        ("zxqv blorf", 2),
        ("the zxqv of 1999", 2),
    ]:
        rows = sentiment.probe_review(readers, text, seed=1)
        assert [r.variant for r in rows] == ["as typed", "shuffled", "with \u201cnot\u201d"][:variants], text
        assert rows[0].text == text
        if variants == 3:
            assert rows[2].text == sentiment.negated(text)
        for row in rows:
            reading = sentiment.read(readers, row.text)
            assert row.rnn == pytest.approx(reading.rnn_logit, abs=1e-5), row
            assert row.cnn == pytest.approx(reading.cnn_logit, abs=1e-5), row
            assert row.vader == vader.polarity_scores(row.text)["compound"], row


# ---------------------------------------------------------------- one review


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "... , ; -- ()", "\u2014\u201c\u201d"])
def test_a_review_without_words_is_not_read(readers, text):
    assert sentiment.read(readers, text) is None


def test_a_long_review_keeps_max_words_and_counts_the_rest(readers):
    words = ["good", "bad", "film", "zxqv"] * 50
    reading = sentiment.read(readers, " ".join(words))
    assert len(reading.tokens) == data.MAX_WORDS == 120 and reading.skipped == 200 - 120
    assert reading.rnn_logits.shape == (120,) and reading.hidden.shape == (120, 64) and reading.known.shape == (120,)
    assert reading.known.tolist() == [w != "zxqv" for w in words[:120]]
    first = sentiment.read(readers, " ".join(words[:120]))
    assert first.skipped == 0
    np.testing.assert_allclose(reading.rnn_logits, first.rnn_logits, atol=1e-5)
    assert reading.cnn_logit == pytest.approx(first.cnn_logit, abs=1e-5)
    np.testing.assert_array_equal(reading.where, first.where)


def test_unknown_words_read_as_the_unknown_word(readers):
    one = sentiment.read(readers, "zxqv blorf")
    other = sentiment.read(readers, "Qwertyuiop ASDFGHJKLZ!")
    assert not one.known.any() and other.known.tolist() == [False, False, True]  # "!" is a known token
    same_length = sentiment.read(readers, "Qwertyuiop ASDFGHJKLZ")
    assert not same_length.known.any()
    np.testing.assert_allclose(one.rnn_logits, same_length.rnn_logits, atol=1e-6)
    assert one.cnn_logit == pytest.approx(same_length.cnn_logit, abs=1e-6)
    # and the unknown word is not the padding: it is read, so it can move the answer
    pad_only = readers.rnn(np.zeros((1, 16), np.int32))
    assert abs(one.rnn_logit - float(pad_only.readout[0, 1])) > 1e-6


def test_markup_and_emoji_are_read_as_words(readers):
    reading = sentiment.read(readers, "<script>alert(1)</script> great \U0001f600")
    assert [t.word for t in reading.tokens] == ["script", "alert", "1", "script", "great"]
    assert reading.known[-1] and reading.skipped == 0
    assert np.isfinite(reading.rnn_logits).all() and np.isfinite(reading.cnn_logit)
    assert [w.word for w in reading.vader][-2:] == ["grinning", "face"]
    assert reading.span_text(4, 4) == "great"


def test_the_archive_counts_match_the_shipped_sets():
    counts = data.archive_counts()
    assert counts["movie"] == {
        "in_archive": 10_605,
        "dropped": 533,
    }  # the study's file; the 10,604 is one short
    for name in data.SETS:
        assert counts[name]["in_archive"] - counts[name]["dropped"] == len(data.load(name)), name
