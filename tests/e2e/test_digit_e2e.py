"""The Digit page in a real browser: draw on the canvas, see the CNN's answer."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from explorer.data import digits
from explorer.models import compiled
from tests.support.browser import draw, open_app, wait_idle

pytestmark = pytest.mark.e2e

ONE = [[(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]]  # a vertical stroke down the middle


def _cnn(page):
    return page.locator(".st-key-cnn-prediction")


def _rnn(page):
    return page.locator(".st-key-rnn-prediction")


def test_drawing_a_one_shows_prediction_one(page, app_url):
    open_app(page, app_url)
    expect(_cnn(page)).not_to_contain_text("Prediction:")
    draw(page, ONE)
    expect(_cnn(page)).to_contain_text("Prediction: 1", timeout=30_000)
    expect(_rnn(page)).to_contain_text("Prediction:")


def test_clearing_the_canvas_removes_the_prediction(page, app_url):
    open_app(page, app_url)
    draw(page, ONE)
    expect(_cnn(page)).to_contain_text("Prediction: 1", timeout=30_000)
    page.get_by_role("button", name="Reset canvas & history").click()
    expect(_cnn(page)).not_to_contain_text("Prediction:", timeout=30_000)
    expect(_rnn(page)).not_to_contain_text("Prediction:")
    expect(page.get_by_text("The canvas is empty")).to_be_visible()


def test_a_single_dot_gets_a_hint_not_a_prediction(page, app_url):
    open_app(page, app_url)
    draw(page, [[(0.5, 0.5), (0.505, 0.505)]])
    expect(page.get_by_text("only a dot")).to_be_visible(timeout=30_000)
    expect(_cnn(page)).not_to_contain_text("Prediction:")
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


def test_random_digit_button_shows_that_digits_prediction(page, app_url):
    open_app(page, app_url)
    page.locator(".st-key-random-digit button").click()
    wait_idle(page)
    note = page.get_by_text(re.compile(r"Held-out MNIST digit #\d+, labelled"))
    expect(note).to_be_visible(timeout=30_000)
    index = int(re.search(r"digit #(\d+)", note.inner_text()).group(1))
    # the prediction on screen is the shipped CNN's own answer for that held-out digit, computed here
    held = digits.load_heldout()
    probs = np.asarray(
        compiled.load_reader("digit-cnn").trace(digits.to_model_input(held.images[index : index + 1])).probs
    )
    predicted = int(probs[0].argmax())
    expect(_cnn(page)).to_contain_text(f"Prediction: {predicted}")
    assert page.locator("[data-testid=stException]").count() == 0
    # open the same sample by address and check it reproduces the same prediction and label
    open_app(page, app_url, query=f"?sample={index}")
    expect(_cnn(page)).to_contain_text(f"Prediction: {predicted}", timeout=30_000)
    expect(page.get_by_text(f"labelled {held.labels[index]}")).to_be_visible()
