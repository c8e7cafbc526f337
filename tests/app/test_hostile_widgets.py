"""Widget values no browser sends but a tampered client can (issue 18): NaN or ±inf for a whole-number input.
Streamlit itself fails on them (int(NaN)) before the page runs; the app gives such a widget its default."""

from __future__ import annotations

import math

import pytest

from tests.support.apptest import assert_clean, new_app

WHOLE_NUMBER_INPUTS = [  # (page, key of a whole-number st.number_input on its first view, its default)
    ("text", "unit", 0),  # its declared default is its minimum
    ("text", "seed", 0),
    ("hybrid", "hy_digit", 3),
    ("sentiment", "order_seed", 0),
]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(("page", "key", "default"), WHOLE_NUMBER_INPUTS)
def test_a_non_finite_whole_number_takes_the_default(page, key, default, value):
    at = new_app()
    at.switch_page(f"explorer/app/pages/{page}/page.py")
    at.run()
    assert_clean(at)
    at.number_input(key=key).set_value(value).run()
    assert_clean(at)
    after = at.number_input(key=key).value
    assert isinstance(after, int) and after == default
    at.run()  # the value stays readable on the next run too
    assert_clean(at)
