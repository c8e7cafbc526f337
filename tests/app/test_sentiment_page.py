"""The Sentiment page in AppTest: the answers are the models' and VADER's own, the word-by-word reading is the GRU's
readout, the CNN's phrases add up to its logit, the measured table is the held-out evaluation, and bad reviews
and addresses get messages, never a traceback."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explorer.app.pages.sentiment import page as page_module
from explorer.compute import sentiment
from explorer.data import sentiment as data
from tests.support.apptest import errors, new_app

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
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart with key {key}")


def test_the_answers_are_the_models_and_vaders_own(default_page, readers):
    at = default_page
    assert not at.exception and not errors(at)
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    shown = metrics(at)
    assert shown["GRU (RNN)"] == (
        "positive" if expected.rnn_logit > 0 else "negative",
        f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}",
    )
    assert shown["n-gram CNN"][1] == f"P(positive) = {sentiment.percent_positive(expected.cnn_logit)}"
    compound = sentiment.analyzer().polarity_scores(page_module.DEFAULT_REVIEW)["compound"]
    assert shown["VADER (word list)"][1] == f"compound = {compound:+.4f}"


def test_the_reading_line_is_the_grus_readout_after_each_word(default_page, readers):
    at = default_page
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    spec = chart(at, "sentiment-reading")
    line = spec["data"][0]
    y = line["y"] if isinstance(line["y"], list) else None
    n = len(expected.tokens)
    assert at.slider(key="word").value == n  # a review opens at its last word
    if y is not None:
        np.testing.assert_allclose(np.asarray(y, float), sentiment.probability(expected.rnn_logits), atol=1e-6)
    assert spec["layout"]["xaxis"]["ticktext"] == [t.word for t in expected.tokens]


def test_stepping_moves_the_sentence_to_that_word(readers):
    at = open_review()
    at.slider(key="word").set_value(4).run()
    assert not at.exception
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    text = at.get_by_key("sentiment-rnn-reading").markdown[0].value
    assert f"After word 4, “{expected.tokens[3].word}”" in text
    assert f"**{sentiment.percent_positive(expected.rnn_logits[3])} positive**" in text
    at.button(key="word-prev").click().run()
    assert at.slider(key="word").value == 3


def test_the_cnn_pushes_add_up_to_its_logit(default_page, readers):
    expected = sentiment.read(readers, page_module.DEFAULT_REVIEW)
    text = "\n".join(m.value for m in default_page.get_by_key("sentiment-cnn-ngrams").markdown)
    assert (
        f"{expected.votes.sum():+.2f} + bias {expected.cnn_bias:+.2f} = log-odds **{expected.cnn_logit:+.2f}**" in text
    )
    assert expected.votes.sum() + expected.cnn_bias == pytest.approx(expected.cnn_logit, abs=1e-4)
    bars = chart(default_page, "sentiment-ngram-bars")["data"][0]
    pushes = [p.push for p in expected.phrases()[: page_module.SHOWN_PHRASES]]
    x = bars["x"] if isinstance(bars["x"], list) else None
    if x is not None:
        np.testing.assert_allclose(x, np.round(pushes, 4), atol=1e-6)


def test_the_measured_table_is_the_heldout_evaluation(default_page):
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
    assert not at.exception
    expected = sentiment.read(readers, review)
    assert metrics(at)["GRU (RNN)"][1] == f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}"
    assert at.query_params["review"] == review
    assert at.slider(key="word").value == len(expected.tokens)


def test_the_probe_table_shows_the_review_shuffled_and_negated(readers):
    at = open_review("The acting is great.")
    table = at.get_by_key("sentiment-probe").dataframe[0].value
    assert list(table["input"]) == ["as typed", "shuffled", "with “not”"]
    assert table["text"].iloc[2] == "The acting is not great."
    rows = sentiment.probe_review(readers, "The acting is great.", 0)
    assert list(table["GRU: P(positive)"]) == [sentiment.percent_positive(r.rnn) for r in rows]


def test_picking_a_heldout_snippet_reads_it():
    at = open_review()
    first = at.selectbox(key="review_example").options[0]
    at.selectbox(key="review_example").select_index(0).run()
    assert not at.exception
    assert at.text_area(key="review_input").value.startswith(first.split("  ", 1)[1].rstrip("…")[:40])
    at.text_area(key="review_input").input("My own words, not the snippet.").run()
    assert at.selectbox(key="review_example").value is None  # the picker no longer names a snippet


@pytest.mark.parametrize("raw", ["", "   \n\t ", "— … ·"], ids=["empty", "whitespace", "no-words"])
def test_a_review_without_words_gets_a_hint(raw):
    at = open_review(raw)
    assert not at.exception and not errors(at)
    assert any("at least one word" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_ten_thousand_characters_are_cut_with_a_notice():
    at = open_review("great fun " * 1000)
    assert not at.exception and not errors(at)
    warnings = [w.value for w in at.warning]
    assert any("10,000 characters" in w and f"{data.MAX_CHARS:,}" in w for w in warnings), warnings
    assert any(f"first {data.MAX_WORDS}" in w for w in warnings), warnings
    assert at.slider(key="word").max == data.MAX_WORDS


def test_only_unknown_words_are_explained(readers):
    at = open_review("zxqv blorf quux")
    assert not at.exception and not errors(at)
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
    assert not at.exception and not errors(at)
    for md in [*at.markdown, *at.caption]:
        assert "<script" not in md.value and "javascript:" not in md.value and "<b>" not in md.value
        assert not md.proto.allow_html
    review = [el.proto.body for el in at.get("html") if "sentiment-review" in el.proto.body]
    assert len(review) == 1 and "<script" not in review[0] and "<b>" not in review[0]
    assert ("&lt;" in review[0]) == ("<" in raw)
    for key in ("sentiment-reading", "sentiment-vader-bars", "sentiment-ngram-bars"):
        assert "<script" not in json.dumps(chart(at, key))


def test_the_address_opens_a_review_at_a_word(readers):
    review = "Not a bad movie at all, honestly."
    at = open_review(params={"review": review, "word": "3"})
    assert not at.exception and not errors(at) and not at.warning
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
    assert not at.exception and not errors(at)
    assert any(says in w.value for w in at.warning), [w.value for w in at.warning]


def test_the_page_says_how_many_snippets_were_dropped_and_held_out(default_page):
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
    assert not at.exception and not errors(at)
    expected = sentiment.read(readers, raw)
    assert metrics(at)["GRU (RNN)"][1] == f"P(positive) = {sentiment.percent_positive(expected.rnn_logit)}"
    compound = sentiment.analyzer().polarity_scores(raw)["compound"]
    assert metrics(at)["VADER (word list)"][1] == f"compound = {compound:+.4f}"
