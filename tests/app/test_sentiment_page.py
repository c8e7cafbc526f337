"""The Sentiment page in AppTest: the answers are the models' and VADER's own, the word-by-word reading is the GRU's
readout, the CNN's phrases add up to its logit, the measured table is the held-out evaluation, and bad reviews
and addresses get messages, never a traceback."""

from __future__ import annotations

import json

import jax.numpy as jnp
import numpy as np
import pytest

from explorer.app.pages.sentiment import page as page_module
from explorer.compute import sentiment, vader
from explorer.data import sentiment as data
from tests.support.apptest import assert_clean, chart_spec, is_live_region, new_app
from tests.support.plotly_arrays import decode

PAGE = "explorer/app/pages/sentiment/page.py"


@pytest.fixture(scope="module")
def readers():
    return sentiment.load_readers()


def open_review(review: str | None = None, params: dict | None = None):
    at = new_app()
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page(PAGE)
    if review is not None:
        at.session_state["review_typed"] = review
    return at.run()


@pytest.fixture(scope="module")
def default_page():
    return open_review()


def metrics(at) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.get_by_key("sentiment-answers").metric}


def chart(at, key: str) -> dict:
    return chart_spec(at, key)


def model_ids(readers, review: str) -> np.ndarray:
    """(1, T) the review's word ids, right-padded with PAD to at least 4 words (the widest n-gram filter)."""
    ids = [readers.vocab.id(t.word) for t in data.tokenize(review)[: data.MAX_WORDS]]
    return np.asarray([ids + [data.PAD] * max(0, 4 - len(ids))], np.int32)


def test_the_answers_are_the_models_and_vaders_own(default_page, readers):
    at = default_page
    assert_clean(at)
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    shown = metrics(at)
    assert shown["GRU (RNN)"] == (
        "positive" if expected.rnn_logit > 0 else "negative",
        f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}",
    )
    assert shown["n-gram CNN"][1] == f"P(positive) = {sentiment.percent_positive(expected.cnn_logit)}"
    compound = vader.analyzer().polarity_scores(page_module.DEFAULT_REVIEW)["compound"]
    assert shown["VADER (word list)"][1] == f"compound = {compound:+.4f}"


def test_the_reading_line_is_the_grus_readout_after_each_word(default_page, readers):
    at = default_page
    assert_clean(at)
    words = [t.word for t in data.tokenize(page_module.DEFAULT_REVIEW)]
    # the GRU run directly (the nnx module, not the page's compiled trace), σ in float64
    ids = model_ids(readers, page_module.DEFAULT_REVIEW)
    readout = np.asarray(readers.rnn_model.trace(jnp.asarray(ids)).readout[0, : len(words)], np.float64)
    expected = 1 / (1 + np.exp(-readout))
    spec = chart(at, "sentiment-reading")
    line = spec["data"][0]
    assert at.slider(key="word").value == len(words)  # a review opens at its last word
    # float32 model inside, jit or not: a millionth of a probability covers the difference
    np.testing.assert_allclose(decode(line["y"]).astype(np.float64), expected, atol=1e-5)
    assert spec["layout"]["xaxis"]["ticktext"] == words


def test_stepping_moves_the_sentence_to_that_word(readers):
    at = open_review()
    at.slider(key="word").set_value(4).run()
    assert_clean(at)
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    text = at.get_by_key("sentiment-rnn-reading").markdown[0].value
    assert f"After word 4, “{expected.tokens[3].word}”" in text
    assert f"**{sentiment.percent_positive(expected.rnn_logits[3])} positive**" in text
    at.button(key="word-prev").click().run()
    assert at.slider(key="word").value == 3


def test_the_cnn_pushes_add_up_to_its_logit(default_page, readers):
    assert_clean(default_page)
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    text = "\n".join(m.value for m in default_page.get_by_key("sentiment-cnn-ngrams").markdown)
    assert (
        f"{expected.votes.sum():+.2f} + bias {expected.cnn_bias:+.2f} = log-odds **{expected.cnn_logit:+.2f}**" in text
    )
    assert expected.votes.sum() + expected.cnn_bias == pytest.approx(expected.cnn_logit, abs=1e-4)
    # each bar is the summed push of the filters that peak on one phrase: recomputed from the CNN run directly
    trace = readers.cnn_model.trace(jnp.asarray(sentiment.padded(model_ids(readers, page_module.DEFAULT_REVIEW))))
    votes, where = np.asarray(trace.votes[0], np.float64), np.asarray(trace.where[0])
    config = readers.cnn_model.config
    widths = np.repeat(np.asarray(config.widths), config.filters)
    n = len(data.tokenize(page_module.DEFAULT_REVIEW))
    pushes: dict[tuple[int, int], float] = {}
    for f in range(len(votes)):  # a window reaching past the last word is that phrase cut at the review's end
        span = (int(where[f]), min(int(where[f]) + int(widths[f]), n) - 1)
        pushes[span] = pushes.get(span, 0.0) + votes[f]
    strongest = sorted(pushes.values(), key=lambda v: -abs(v))[: page_module.SHOWN_PHRASES]
    bars = chart(default_page, "sentiment-ngram-bars")["data"][0]
    shown = decode(bars["x"]).astype(np.float64)
    assert len(shown) == min(page_module.SHOWN_PHRASES, len(pushes))
    # the page rounds to 4 decimals: the bars' order may differ where two pushes are that close
    np.testing.assert_allclose(np.sort(shown), np.sort(strongest), atol=2e-4)


def test_the_measured_table_is_the_heldout_evaluation(default_page):
    assert_clean(default_page)
    table = default_page.get_by_key("sentiment-measured").dataframe[0].value.set_index("reader")
    figures = sentiment.evaluate()
    for name, title in page_module.TITLES.items():
        assert table.loc[title, "held-out movie snippets"] == pytest.approx(figures[name]["accuracy"])
        assert table.loc[title, "Tweets"] == pytest.approx(figures[name]["out_of_domain"]["tweets"])
        assert table.loc[title, "“not” added: answer flipped"] == pytest.approx(
            figures[name]["probes"]["negation_flipped"]
        )
    verdict = default_page.get_by_key("sentiment-measured").markdown[0].value
    best = max(figures["sentiment-rnn"]["accuracy"], figures["sentiment-cnn"]["accuracy"])
    assert f"{best:.1%}" in verdict and f"{figures['sentiment-vader']['accuracy']:.1%}" in verdict


def test_a_typed_review_changes_the_answers_and_the_address(readers):
    at = open_review()
    review = "A dull, lifeless film; I was bored from start to finish."
    at.text_area(key="review_input").input(review).run()
    assert_clean(at)
    expected = sentiment.read(readers, review)
    assert metrics(at)["GRU (RNN)"][1] == f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}"
    assert at.query_params["review"] == review
    assert at.slider(key="word").value == len(expected.tokens)


def test_the_probe_table_shows_the_review_shuffled_and_negated(readers):
    at = open_review("The acting is great.")
    assert_clean(at)
    table = at.get_by_key("sentiment-probe").dataframe[0].value
    assert list(table["input"]) == ["as typed", "shuffled", "with “not”"]
    assert table["text"].iloc[2] == "The acting is not great."
    rows = sentiment.probe_review(readers, "The acting is great.", 0)
    assert list(table["GRU: P(positive)"]) == [sentiment.percent_positive(r.rnn) for r in rows]


def test_picking_a_heldout_snippet_reads_it():
    at = open_review()
    first = at.selectbox(key="review_example").options[0]
    at.selectbox(key="review_example").select_index(0).run()
    assert_clean(at)
    assert at.text_area(key="review_input").value.startswith(first.split("  ", 1)[1].rstrip("…")[:40])
    at.text_area(key="review_input").input("My own words, not the snippet.").run()
    assert at.selectbox(key="review_example").value is None  # the picker no longer names a snippet


@pytest.mark.parametrize("raw", ["", "   \n\t ", "— … ·"], ids=["empty", "whitespace", "no-words"])
def test_a_review_without_words_gets_a_hint(raw):
    at = open_review(raw)
    assert_clean(at)
    assert any("at least one word" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_ten_thousand_characters_are_cut_with_a_notice():
    at = open_review("great fun " * 1000)
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert any("10,000 characters" in w and f"{data.MAX_CHARS:,}" in w for w in warnings), warnings
    assert any(f"first {data.MAX_WORDS}" in w for w in warnings), warnings
    assert at.slider(key="word").max == data.MAX_WORDS


def test_only_unknown_words_are_explained(readers):
    at = open_review("zxqv blorf quux")
    assert_clean(at)
    assert any("unknown word" in i.value for i in at.info)
    other = sentiment.read(readers, "wibblewob snorfle gloop")
    assert metrics(at)["GRU (RNN)"][1] == f"P(positive) = {sentiment.percent_positive(other.rnn_logit)}"


@pytest.mark.parametrize(
    "raw",
    ["<script>alert('x')</script> a great film", "**bold** [link](javascript:alert(1)) great", "<b>great</b> &amp;"],
    ids=["script", "markdown", "html"],
)
def test_markup_is_read_as_words_and_never_rendered(raw):
    at = open_review(raw)
    assert_clean(at)
    for md in [*at.markdown, *at.caption]:
        assert "<script" not in md.value and "javascript:" not in md.value and "<b>" not in md.value
        assert not md.proto.allow_html or is_live_region(md)
    review = [el.proto.body for el in at.get("html") if "sentiment-review" in el.proto.body]
    assert len(review) == 1 and "<script" not in review[0] and "<b>" not in review[0]
    assert ("&lt;" in review[0]) == ("<" in raw)
    for key in ("sentiment-reading", "sentiment-vader-bars", "sentiment-ngram-bars"):
        assert "<script" not in json.dumps(chart(at, key))


def test_the_address_opens_a_review_at_a_word(readers):
    review = "Not a bad movie at all, honestly."
    at = open_review(params={"review": review, "word": "3"})
    assert_clean(at)
    assert not at.warning
    assert at.text_area(key="review_input").value == review
    assert at.slider(key="word").value == 3


@pytest.mark.parametrize(
    "params, says",
    [
        ({"word": "999"}, "word="),
        ({"word": "two"}, "word="),
        ({"order_seed": "-4"}, "order_seed="),
        ({"review": "x" * (data.MAX_CHARS + 1)}, "review"),
    ],
)
def test_bad_address_values_get_a_warning(params, says):
    at = open_review(params=params)
    assert_clean(at)
    assert any(says in w.value for w in at.warning), [w.value for w in at.warning]


def test_the_page_says_how_many_snippets_were_dropped_and_held_out(default_page):
    assert_clean(default_page)
    counts = data.archive_counts()["movie"]
    caption = "\n".join(c.value for c in default_page.caption)
    assert f"Of the study's {counts['in_archive']:,} movie snippets, {counts['dropped']:,} are left out" in caption
    assert f"the other {len(data.load_split()[1]):,} are held out" in caption


@pytest.mark.parametrize(
    "raw",
    ["I ❤️ this film 😀🍿 so good", "שלום עולם مرحبا great film", "tab\there\x00nul\x1b[31mred great\r\x7f"],
    ids=["emoji", "right-to-left", "control"],
)
def test_emoji_right_to_left_and_control_characters_are_read_without_a_traceback(raw, readers):
    at = open_review(raw)
    assert_clean(at)
    expected = sentiment.read(readers, raw)
    assert metrics(at)["GRU (RNN)"][1] == f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}"
    compound = vader.analyzer().polarity_scores(raw)["compound"]
    assert metrics(at)["VADER (word list)"][1] == f"compound = {compound:+.4f}"
