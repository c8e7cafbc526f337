"""The Sentiment page in a real browser: typing a review flips all three readers' answers, the GRU's line is drawn
by plotly.js, and stepping back a word moves the address and the sentence."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import open_app, wait_for, wait_idle

pytestmark = pytest.mark.e2e


def test_typing_a_review_changes_every_readers_answer_and_stepping_moves_the_reading(page, app_url):
    open_app(page, app_url, "sentiment")
    answers = page.locator(".st-key-sentiment-answers")
    expect(answers).to_contain_text("negative", timeout=60_000)  # the example: "… but the plot is dull."
    box = page.get_by_label("Your review", exact=False)
    box.fill("A wonderful, moving film with a brilliant cast. I loved it.")
    box.press("Control+Enter")
    wait_idle(page)
    expect(answers).not_to_contain_text("negative", timeout=30_000)
    wait_for(page, "() => new URLSearchParams(location.search).get('review')?.startsWith('A wonderful')")
    wait_for(
        page,
        "() => document.querySelector('.st-key-sentiment-rnn-reading .js-plotly-plot')?.layout?.xaxis?.ticktext?.length === 11",
    )
    reading = page.locator(".st-key-sentiment-rnn-reading")
    expect(reading).to_contain_text("After word 11")
    page.locator(".st-key-word-prev button").click()
    wait_idle(page)
    expect(reading).to_contain_text("After word 10, “loved”")
    wait_for(page, "() => new URLSearchParams(location.search).get('word') === '10'")
    expect(page.locator(".st-key-sentiment-cnn-ngrams mark").first).to_be_visible()
