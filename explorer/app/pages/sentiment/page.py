"""Sentiment page: one review, three readers. A GRU reads it word by word, a Kim-style text CNN looks for n-grams
anywhere in it, and VADER adds up a word list's ratings under its rules; all three measured on held-out snippets."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import streamlit as st

from explorer.app import present, query, resources, state, ui
from explorer.app.pages.class_room import review_send
from explorer.compute import printing, sentiment, vader
from explorer.data import sentiment as data
from explorer.figures import sentiment as figures

DEFAULT_REVIEW = "The acting is great but the plot is dull."
TITLES = {"sentiment-rnn": "GRU (RNN)", "sentiment-cnn": "n-gram CNN", "sentiment-vader": "VADER (word list)"}
SHOWN_PHRASES = 8  # places where the CNN's filters peak, drawn as bars and marked in the text
MAX_VADER_BARS = 40  # more of VADER's words than this: only those with a score are drawn
EXAMPLES = 12  # held-out snippets offered in the picker


PARAMS = ("review", "word", "order_seed")  # the address parameters the page reads


def _show_review(review: str) -> None:
    """Show `review` as if the user had typed it."""
    st.session_state.review_typed = review
    st.session_state.review_input = review


def open_view(params, *, whole_view: bool = True) -> None:
    """Open the view an address or a lesson scene names: the `review` read up to `word`, and the shuffle's
    `order_seed`. A parameter it leaves out, or names badly (address_problems says so), takes the page's default:
    the example review, read to its last word, seed 0."""
    sets = state.sets(params, whole_view)
    if sets("review"):
        review = query.text(params, "review", data.MAX_CHARS)[0]
        _show_review(DEFAULT_REVIEW if review is None else review)
        st.session_state.review_example = None
    if sets("word"):
        read = st.session_state.get("review_typed", DEFAULT_REVIEW)[: data.MAX_CHARS]
        st.session_state.review_last = read  # not a new review: keep the view's word
        n_words = max(1, min(len(data.tokenize(read)), data.MAX_WORDS))
        st.session_state.word = query.whole(params, "word", 1, n_words)[0] or n_words
    if sets("order_seed"):
        st.session_state.order_seed = query.whole(params, "order_seed", 0, 2**31 - 1)[0] or 0
    st.session_state.review_playing = False


def address_problems(params) -> list[str]:
    """Warnings for the page's address parameters that cannot be shown (each names the valid range)."""
    typed, _ = query.text(params, "review", data.MAX_CHARS)
    n_words = min(len(data.tokenize(DEFAULT_REVIEW if typed is None else typed)), data.MAX_WORDS)
    checks = (
        query.text(params, "review", data.MAX_CHARS),
        query.whole(params, "word", 1, max(1, n_words)),
        query.whole(params, "order_seed", 0, 2**31 - 1),
    )
    return [bad for _, bad in checks if bad]


def _pick_example() -> None:
    choice = st.session_state.get("review_example")
    if choice:
        _show_review(choice)


def _side(logit: float) -> str:
    return "positive" if logit > 0 else "negative"


def render() -> None:
    st.title("Sentiment: three ways to read a review")
    st.caption(
        "A GRU reads the review word by word and carries its verdict along; a text CNN looks for telling 2-, 3- and "
        "4-word phrases anywhere in it; VADER adds up the ratings of the words it has in its list, with a few rules. "
        f"Both networks were trained on rated movie-review snippets. {data.CREDIT}"
    )
    readers, message = resources.sentiment_readers(resources.weights_folder())
    if readers is None:
        st.error(message, icon=":material/error:")
        return
    for problem in state.open_address_once("sentiment", st.query_params, address_problems, open_view):
        st.warning(problem, icon=":material/link_off:")
    keep_text = ui.lasting("review_input", "review_typed", DEFAULT_REVIEW)

    def keep() -> None:  # a typed review is no longer the snippet picked before
        keep_text()
        st.session_state.review_example = None

    in_col, pick_col = st.columns([0.62, 0.38], gap="large")
    raw = in_col.text_area(
        f"Your review (up to {data.MAX_CHARS:,} characters, {data.MAX_WORDS} words are read)",
        key="review_input",
        height=100,
        on_change=keep,
    )
    ratings = dict(resources.sentiment_examples(EXAMPLES))
    pick_col.selectbox(
        "…or a held-out snippet (never trained on)",
        list(ratings),
        index=None,
        key="review_example",
        placeholder="Pick one",
        format_func=lambda t: f"{ratings[t]:+.1f}  {t[:70]}" + ("…" if len(t) > 70 else ""),
        on_change=_pick_example,
        help="People's mean rating (−4 … +4) comes first.",
    )
    review = raw[: data.MAX_CHARS]
    if len(raw) > data.MAX_CHARS:
        st.warning(
            f"Your review has {len(raw):,} characters; the readers read the first {data.MAX_CHARS:,}. "
            "The rest stays in the box.",
            icon=":material/content_cut:",
        )
    reading = sentiment.read(readers, review)
    if reading is None:
        st.info(
            "Type a review with at least one word (letters or digits) and all three readers will read it.",
            icon=":material/keyboard:",
        )
        return
    ui.write_typed_text("review", review, DEFAULT_REVIEW)
    if reading.skipped:
        st.warning(
            f"Your review has {len(reading.tokens) + reading.skipped:,} words; the networks read the first "
            f"{data.MAX_WORDS} (VADER reads all of them).",
            icon=":material/content_cut:",
        )
    unknown = [t.word for t, k in zip(reading.tokens, reading.known) if not k]
    if unknown and len(unknown) == len(reading.tokens):
        st.info(
            "None of these words occurs twice in the training snippets, so both networks read every one of them as the "
            f"same unknown word: their answer is the one they give to any {len(unknown)} words they do not know. "
            "VADER reads its own word list.",
            icon=":material/help:",
        )
    elif unknown:
        shown = ", ".join(f"“{query.literal(w)}”" for w in dict.fromkeys(unknown[:12]))  # the user's words
        st.caption(f"Read as the unknown word (seen fewer than {data.MIN_COUNT} times in training): {shown}.")
    _answers(reading)
    review_send.render(reading)  # only when the address names a class room (`room=CODE`)
    _rnn_section(reading)
    _cnn_section(reading)
    _vader_section(reading)
    _probe_section(readers, review)
    _measured_section()


def _answers(reading: sentiment.Reading) -> None:
    with st.container(key="sentiment-answers"):
        cols = st.columns(3)
        for col, (name, logit, note) in zip(
            cols,
            (
                ("sentiment-rnn", reading.rnn_logit, "after the last word"),
                ("sentiment-cnn", reading.cnn_logit, "from its strongest n-grams"),
            ),
        ):
            col.metric(
                TITLES[name],
                f"{_side(logit)}",
                f"P(positive) = {sentiment.percent_positive(logit)}",
                delta_color="off",
                delta_arrow="off",
                help=f"log-odds {logit:+.3f}, {note}",
            )
        compound = reading.vader_compound
        cols[2].metric(
            TITLES["sentiment-vader"],
            "positive"
            if compound >= vader.THRESHOLD
            else "neutral → negative"
            if vader.neutral(compound)
            else "negative",
            f"compound = {compound:+.4f}",
            delta_color="off",
            delta_arrow="off",
            help=f"VADER's rule: compound ≥ {vader.THRESHOLD} is positive, ≤ −{vader.THRESHOLD} "
            "negative, between them neutral (−1 … +1); beside the two-class networks, neutral counts as negative.",
        )


@st.fragment
def _rnn_section(reading: sentiment.Reading) -> None:
    """Its own fragment: a step (buttons, slider, keys, play) reruns only this."""
    st.subheader("The RNN reads word by word")
    words = [t.word for t in reading.tokens]
    n = len(words)
    if st.session_state.get("review_last") != reading.text:  # a new review opens at its last word
        st.session_state.review_last = reading.text
        st.session_state.word = n
    read = present.stepper("word", 1, n, "Words read", play_key="review_playing") if n > 1 else 1
    prob = sentiment.probability(reading.rnn_logits)
    with st.container(key="sentiment-rnn-reading"):
        prob_text = [sentiment.percent_positive(z) for z in reading.rnn_logits]
        ui.plot(
            figures.reading_figure(words, prob, prob_text, reading.hidden, read, reading.known),
            key="sentiment-reading",
        )
        turn = sentiment.largest_move(reading.rnn_logits, read)
        st.markdown(
            f"After word {read}, “{words[read - 1]}”, the GRU says **{sentiment.percent_positive(reading.rnn_logits[read - 1])}"
            f" positive**."
            + (
                f" Up to here its verdict moved most at “{words[turn]}” (word {turn + 1}): log-odds "
                f"{reading.rnn_logits[turn - 1]:+.2f} → {reading.rnn_logits[turn]:+.2f}."
                if read > 1
                else ""
            )
            + _but_sentence(words, reading.rnn_logits, read)
        )
        st.caption(
            "Top: the probability the GRU's state gives after each word (its output layer applied to the state so "
            f"far); only the last one is its answer. Bottom: the {reading.hidden.shape[1]} numbers of that state, the "
            "only thing it carries from one word to the next."
        )
    present.advance_if_playing("word", "review_playing", 1, n, scope="fragment")


def _but_sentence(words: list[str], logits: np.ndarray, read: int) -> str:
    """What the GRU did at the first "but" read so far, and after it."""
    if "but" not in words[:read] or words.index("but") == 0:
        return ""
    k = words.index("but")
    after = f", and after word {read} it stands at {logits[read - 1]:+.2f}" if read > k + 1 else ""
    return f" At “but” (word {k + 1}) its log-odds went {logits[k - 1]:+.2f} → {logits[k]:+.2f}{after}."


def _words(reading: sentiment.Reading, first: int, last: int) -> str:
    """Words first…last as the models read them (letters, digits, “n't”, ! and ?: never markup)."""
    return " ".join(t.word for t in reading.tokens[first : last + 1])


def _phrase_label(reading: sentiment.Reading, phrase: sentiment.Phrase) -> str:
    text = _words(reading, phrase.first, phrase.last)
    text = text if len(text) <= 30 else text[:29] + "…"
    return f"“{text}”  ({phrase.filters} filter{'s' if phrase.filters > 1 else ''})"


def _cnn_section(reading: sentiment.Reading) -> None:
    st.subheader("The CNN looks for phrases, anywhere")
    phrases = reading.phrases()
    shown = phrases[:SHOWN_PHRASES]
    if not shown:
        st.markdown(cnn_sum_sentence(reading, phrases, shown))
        return
    with st.container(key="sentiment-cnn-ngrams"):
        text_col, bar_col = st.columns([0.42, 0.58], gap="large")
        spans = []
        for p in shown:
            f = p.strongest
            note = (
                f"{p.filters} filter(s) peak here, together pushing {p.push:+.2f}; the strongest is "
                f"{reading.widths[f]}-gram filter {reading.filter_index[f]} (max {reading.pooled[f]:.2f}, push "
                f"{reading.votes[f]:+.2f})"
            )
            spans.append((reading.tokens[p.first].start, reading.tokens[p.last].end, p.push, note))
        with text_col:
            st.html(figures.highlighted_text(reading.text[: reading.tokens[-1].end], spans))
            widths = ", ".join(map(str, sorted(set(reading.widths.tolist()))))
            st.markdown(
                f"Each of its {len(reading.votes)} filters ({widths} words wide) slides over the review and keeps only "
                f"its largest value (max-pooling over time), so *where* a phrase stands does not matter. Each kept "
                f"value times the filter's output weight is its push. " + cnn_sum_sentence(reading, phrases, shown)
            )
        with bar_col:
            ui.plot(
                figures.ngram_bars(
                    [_phrase_label(reading, p) for p in shown],
                    np.asarray([p.push for p in shown]),
                    np.asarray([reading.pooled[p.strongest] for p in shown]),
                    f"Where its filters peak: the {len(shown)} strongest places",
                ),
                key="sentiment-ngram-bars",
            )
        strongest = shown[0].strongest
        st.caption(
            f"Hover a marked phrase or a bar for its filters. The single strongest filter is {reading.widths[strongest]}"
            f"-gram filter {reading.filter_index[strongest]}: its largest value over the review is "
            f"{reading.pooled[strongest]:.2f}, at “{_words(reading, *reading.ngram(strongest))}”."
        )


def cnn_sum_sentence(reading: sentiment.Reading, phrases: list, shown: list) -> str:
    """How the CNN's pushes make its answer: live filters only, the printed sum adding up exactly."""
    live = int(reading.live.sum())
    line = printing.sum_line([float(reading.votes.sum()), reading.cnn_bias], reading.cnn_logit, decimals=2)
    pushes, bias = line.terms
    answer = f"P(positive) = {sentiment.percent_positive(reading.cnn_logit)}."
    if not live:
        return (
            f"No filter responds anywhere in this review (all {len(reading.votes)} are 0 after ReLU), so the answer "
            f"is the bias alone: log-odds **{line.total}**, {answer}"
        )
    highlighted = float(sum(p.push for p in shown))
    dead = len(reading.votes) - live
    return (
        f"{live} of the {len(reading.votes)} filters respond somewhere in this review"
        + (f" (the other {dead} are 0 after ReLU everywhere: no place, no push)" if dead else "")
        + f"; they peak at {len(phrases)} places, and those places' pushes, plus the bias, give the answer: {pushes} + bias {bias} "
        f"{line.relation} log-odds **{line.total}**{line.rounding_note}, {answer} The {len(shown)} highlighted places alone push "
        f"{highlighted:+.2f}."
    )


def _vader_section(reading: sentiment.Reading) -> None:
    st.subheader("VADER counts the words on its list")
    words = reading.vader
    if not words:
        st.caption("VADER found no words in this review.")
        return
    lexicon = np.asarray([w.lexicon for w in words])
    after = np.asarray([w.after_rules for w in words])
    drawn = list(range(len(words)))
    if len(words) > MAX_VADER_BARS:  # a long review: only the words that score, so the bars stay readable
        drawn = [i for i in drawn if lexicon[i] or after[i]][:MAX_VADER_BARS]
    with st.container(key="sentiment-vader"):
        ui.plot(
            figures.vader_bars(
                [words[i].word for i in drawn],
                lexicon[drawn],
                after[drawn],
            ),
            key="sentiment-vader-bars",
        )
        if len(drawn) < len(words):
            st.caption(f"Drawn: {len(drawn)} of its {len(words)} words, those with a score.")
        in_list, total = vader.totals(words)
        rules = vader.rule_constants()
        st.markdown(
            f"{in_list} of its {len(words)} words are in VADER's list of "
            f"{len(vader.analyzer().lexicon):,} rated words. Its rules then change them: a negation such as “not” "
            f"in the three words before multiplies a rating by {rules['negation']}, “very” and other boosters add "
            f"{rules['booster']}, words before “but” count half and words after it 1.5 times. "
            + vader_sum_sentence(reading)
        )


def _squash(total: Decimal) -> Decimal:
    """VADER's normalize (alpha 15), in decimal arithmetic: total / √(total² + 15), kept within −1 … +1."""
    return max(Decimal(-1), min(Decimal(1), total / (total * total + 15).sqrt()))


def vader_sum_sentence(reading: sentiment.Reading) -> str:
    """VADER's sum and compound as printed: word scores + the “!”/“?” emphasis = the sum it squashes, each printed
    equality exact (the compound, VADER's own 4-decimal value, is the squashed printed sum correctly rounded)."""
    word_sum = float(sum(w.after_rules for w in reading.vader))  # VADER sums a Python list the same way
    emphasis = vader.emphasis(reading.text, word_sum)
    compound = printing.fixed(reading.vader_compound, 4, sign=True)
    terms = [word_sum, emphasis] if emphasis else [word_sum]
    squashes = lambda d: printing.rounds_to(_squash(Decimal(printing.fixed(word_sum + emphasis, d, True))), compound)
    line = printing.sum_line(terms, word_sum + emphasis, decimals=3, accept=squashes)
    total = line.total
    relation = "=" if squashes(line.decimals) else printing.APPROX
    summed = (
        f"Word scores {line.terms[0]}, plus {line.terms[1]} for its “!” and “?” (VADER adds them on the sum's own "
        f"side) {line.relation} {total}{line.rounding_note}"
        if emphasis
        else f"Word scores {total} (no “!” or “?” to add)"
    )
    side = (
        f" Within ±{vader.THRESHOLD} VADER itself says neutral; here, beside two-class readers, that counts "
        "as negative."
        if vader.neutral(reading.vader_compound)
        else ""
    )
    return (
        f"{summed}, squashed to −1 … +1: compound = sum / √(sum² + 15) = {total} / √(({total})² + 15) "
        f"{relation} **{compound}**.{side}"
    )


def _probe_section(readers: sentiment.Readers, review: str) -> None:
    st.subheader("Same words, another order; and one “not”")
    seed = st.number_input(
        "Shuffle seed", 0, 2**31 - 1, 0, key="order_seed", bind="query-params", help="Which shuffled order to try."
    )
    rows = sentiment.probe_review(readers, review, int(seed))
    with st.container(key="sentiment-probe"):
        st.dataframe(
            [
                {
                    "input": r.variant,
                    "text": r.text,
                    "GRU: P(positive)": sentiment.percent_positive(r.rnn),
                    "CNN: P(positive)": sentiment.percent_positive(r.cnn),
                    "VADER compound": round(r.vader, 4),
                }
                for r in rows
            ],
            hide_index=True,
            width="stretch",
        )
        if len(rows) < 3:
            st.caption("No word of this review is in VADER's list, so there is no sentiment word to put “not” before.")


def _measured_section() -> None:
    st.subheader("Measured on snippets none of them trained on")
    results = resources.sentiment_measured(resources.weights_folder())
    rows = []
    for name, row in results.items():
        probes = row["probes"]
        rows.append(
            {
                "reader": TITLES[name],
                "held-out movie snippets": row["accuracy"],
                **{data.SET_TITLES[k]: v for k, v in row["out_of_domain"].items()},
                "shuffled: answer changed": probes["shuffled_changed"],
                "“not” added: answer flipped": probes["negation_flipped"],
                "parameters": f"{row['params']:,}"
                if "params" in row
                else f"none: a list of {len(vader.analyzer().lexicon):,} rated words",
            }
        )
    pct = st.column_config.NumberColumn(format="percent")
    counts = resources.sentiment_archive_counts()
    movie = counts["movie"]
    kept = {k: c["in_archive"] - c["dropped"] for k, c in counts.items()}
    other = ", ".join(f"{data.SET_TITLES[k]} {kept[k]:,}" for k in ("tweets", "amazon", "nyt"))
    st.caption(
        f"Of the study's {movie['in_archive']:,} movie snippets, {movie['dropped']:,} are left out: their mean rating is "
        f"within ±{data.MIN_RATING} of 0, so the 20 raters did not agree on a side. The networks trained on "
        f"{movie['in_archive'] - movie['dropped'] - results['sentiment-rnn']['heldout']:,} of the rest; the other "
        f"{results['sentiment-rnn']['heldout']:,} are held out. The out-of-domain sets, kept the same way ({other}), "
        "are other kinds of writing. VADER counts a compound ≥ "
        f"{vader.THRESHOLD} as positive, its own rule; its neutral band (|compound| < "
        f"{vader.THRESHOLD}) holds {printing.count_share(results['sentiment-vader']['neutral_band'], results['sentiment-vader']['heldout'])} "
        "held-out snippets, which the table counts as negative. With compound ≥ 0 as positive instead it scores "
        f"{printing.share(results['sentiment-vader']['accuracy_compound_ge_0'], 1)} on the held-out snippets."
    )
    with st.container(key="sentiment-measured"):
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={k: pct for k in rows[0] if k not in ("reader", "parameters")},
        )
        st.markdown(_verdict(results))


def _verdict(results: dict) -> str:
    """What the table says, from its numbers."""
    rnn, cnn, vader = (results[k] for k in ("sentiment-rnn", "sentiment-cnn", "sentiment-vader"))
    best = max(("sentiment-rnn", "sentiment-cnn"), key=lambda k: results[k]["accuracy"])
    held = results[best]["heldout"]
    tweets = {k: results[k]["out_of_domain"]["tweets"] for k in results}
    parts = [
        f"On the {held:,} held-out movie snippets the {TITLES[best]} is right {results[best]['accuracy']:.1%} of the "
        f"time, VADER {vader['accuracy']:.1%} (Kim 2014 reports 76.1 % for a CNN trained from scratch on the same "
        f"source sentences).",
        f"Out of their domain the order turns: on tweets VADER is right {tweets['sentiment-vader']:.1%} of the time, the "
        f"networks {tweets['sentiment-rnn']:.1%} and {tweets['sentiment-cnn']:.1%}; they learned movie-review words, "
        "VADER was built for social-media text, by the authors of these test sets."
        if tweets["sentiment-vader"] > max(tweets["sentiment-rnn"], tweets["sentiment-cnn"])
        else "",
        _order_sentence(results),
        f"Putting “not” before the strongest sentiment word flips VADER's answer {printing.share(vader['probes']['negation_flipped'])} "
        f"of the time (a rule does it), the GRU's {printing.share(rnn['probes']['negation_flipped'])} and the CNN's "
        f"{printing.share(cnn['probes']['negation_flipped'])}.",
    ]
    return " ".join(p for p in parts if p)


def _order_sentence(results: dict) -> str:
    changed = {k: results[k]["probes"]["shuffled_changed"] for k in results}
    most = max(changed, key=changed.get)
    return (
        f"Shuffling each snippet's words changes the GRU's answer on {changed['sentiment-rnn']:.1%} of them, the CNN's "
        f"on {changed['sentiment-cnn']:.1%} and VADER's on {changed['sentiment-vader']:.1%}: here the "
        f"{TITLES[most]} depends most on word order, and none of them much."
        if max(changed.values()) < 0.25
        else f"Shuffling each snippet's words changes the {TITLES[most]}'s answer most often ({changed[most]:.1%})."
    )


if __name__ == "__main__":
    # Streamlit runs a page file as the script "__main__": its cached functions would be copies apart from the
    # imported module's, which the warm-up fills. Render through the imported module, so they are the same.
    from explorer.app.pages.sentiment import page

    page.render()
