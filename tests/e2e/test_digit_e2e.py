"""The Digit page in a real browser: draw on the canvas, see the CNN's answer."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from explorer.data import digits
from explorer.models import compiled
from tests.support.browser import canvas_button, canvas_ink, canvas_surface, draw, open_app, wait_for_ink, wait_idle

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
    canvas_button(page, "Clear canvas").click()
    expect(_cnn(page)).not_to_contain_text("Prediction:", timeout=30_000)
    expect(_rnn(page)).not_to_contain_text("Prediction:")
    expect(page.get_by_text("The canvas is empty")).to_be_visible()


def test_undo_takes_back_the_last_stroke(page, app_url):
    """Two strokes make a 7 (a bar, then a slant); Undo takes the slant back, and the models read what is left."""
    open_app(page, app_url)
    draw(page, [[(0.2, 0.15), (0.8, 0.15)], [(0.8, 0.15), (0.45, 0.85)]])
    expect(_cnn(page)).to_contain_text("Prediction: 7", timeout=30_000)
    wait_idle(page)
    canvas_button(page, "Undo stroke").click()
    expect(_cnn(page)).not_to_contain_text("Prediction: 7", timeout=30_000)
    wait_idle(page)
    canvas_button(page, "Undo stroke").click()
    expect(page.get_by_text("The canvas is empty")).to_be_visible(timeout=30_000)
    expect(canvas_button(page, "Undo stroke")).to_be_disabled()


def test_a_drawing_outlives_a_visit_to_another_page(page, app_url):
    """Draw a 7, open Compare from the navigation (same session), come back: the canvas shows the 7 again and the
    models read it without a new stroke, and a random digit still takes over the page; Undo then takes the whole
    brought-back picture away."""
    open_app(page, app_url)
    draw(page, [[(0.2, 0.15), (0.8, 0.15)], [(0.8, 0.15), (0.45, 0.85)]])
    expect(_cnn(page)).to_contain_text("Prediction: 7", timeout=30_000)
    wait_idle(page)
    page.locator("[data-testid=stTopNavLink]", has_text="Compare").first.click()
    page.wait_for_url("**/compare**")
    wait_idle(page, timeout=120_000)
    page.locator("[data-testid=stTopNavLink]", has_text="Digit").first.click()
    page.wait_for_url("**/digit**")
    expect(_cnn(page)).to_contain_text("Prediction: 7", timeout=30_000)
    wait_for_ink(page)
    wait_idle(page)
    # the brought-back drawing is not a new stroke: a random digit still takes over the page
    page.locator(".st-key-random-digit button").click()
    expect(page.get_by_text(re.compile(r"Held-out MNIST digit #\d+, labelled"))).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(canvas_button(page, "Undo stroke")).to_be_enabled()
    canvas_button(page, "Undo stroke").click()  # a change on the canvas: back to the (now empty) drawing
    expect(page.get_by_text("The canvas is empty")).to_be_visible(timeout=30_000)
    assert canvas_ink(page) == 0


def test_a_digit_drawn_by_keyboard_is_read(page, app_url):
    """Keyboard drawing: Tab to the canvas, Space puts the pen down, the arrows draw, Space lifts it and sends the
    stroke; the live region inside the canvas says where the pen is, and whether it is over ink."""
    open_app(page, app_url)
    surface = canvas_surface(page)
    surface.focus()
    for _ in range(5):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")
    for _ in range(10):
        page.keyboard.press("ArrowDown")
    expect(page.frame_locator("iframe[src*='sketch_canvas']").locator("#said")).to_have_text(
        "Row 13 of 14, column 8 of 14, pen down."
    )
    page.keyboard.press("Space")
    expect(_cnn(page)).to_contain_text("Prediction: 1", timeout=30_000)
    said = page.frame_locator("iframe[src*='sketch_canvas']").locator("#said")
    page.keyboard.press("ArrowUp")  # back over the line just drawn: the lifted pen says it is on ink
    expect(said).to_have_text("Row 12 of 14, column 8 of 14, pen up, on ink.")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # two cells (40 px) right of the line's centre: black
    expect(said).to_have_text("Row 12 of 14, column 10 of 14, pen up.")
    page.keyboard.press("Tab")  # the keyboard is not trapped: Tab leaves the canvas for the next control
    assert surface.evaluate("c => document.activeElement !== c")


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
