"""Every page listed in the navigation opens without an exception box or an error."""

import re
from pathlib import Path

import pytest

from tests.app.conftest import APP, errors, new_app

LISTED = re.findall(r'st\.Page\("(explorer/pages/\w+\.py)"', Path(APP).read_text())


def test_navigation_lists_the_digit_page_at_a_stable_address():
    assert "explorer/pages/digit.py" in LISTED
    assert 'url_path="digit"' in Path(APP).read_text()


@pytest.mark.parametrize("page", LISTED)
def test_page_opens_cleanly(page):
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    assert at.title or at.header, f"{page} shows no heading"


def test_the_root_address_opens_the_digit_page():
    at = new_app().run()
    assert not at.exception
    assert any("Digit" in t.value for t in at.title)
