"""Every page listed in the navigation opens without an exception box or an error."""

import re
from pathlib import Path

import pytest

from tests.support.apptest import APP, errors, new_app

# each page by its file (explorer/app/pages/<url_path>/page.py), which streamlit_app.py finds from the package
LISTED = [
    f"explorer/app/pages/{name}/page.py"
    for name in re.findall(r'st\.Page\(pages\.file\("(\w+)"\)', Path(APP).read_text())
]


def test_navigation_lists_the_digit_page_at_a_stable_address():
    assert "explorer/app/pages/digit/page.py" in LISTED
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


@pytest.fixture(scope="module")
def corrupted_weights(tmp_path_factory):
    """A copy of the shipped weights in which every .npz has one byte flipped."""
    import shutil

    from explorer.models import weights

    folder = tmp_path_factory.mktemp("corrupted")
    for src in weights.DEFAULT_DIR.iterdir():
        shutil.copy(src, folder / src.name)
    for npz in folder.glob("*.npz"):
        data = bytearray(npz.read_bytes())
        data[len(data) // 2] ^= 0xFF
        npz.write_bytes(bytes(data))
    return folder


@pytest.mark.parametrize("page", LISTED)
@pytest.mark.parametrize("damage", ["missing", "corrupted"])
def test_page_explains_how_to_rebuild_missing_or_corrupted_weights(
    page, damage, monkeypatch, tmp_path, corrupted_weights
):
    monkeypatch.setenv("EXPLORER_WEIGHTS_DIR", str(tmp_path if damage == "missing" else corrupted_weights))
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 3
    at.run()
    if page.endswith("training/page.py"):  # its first tab reads the training checkpoints, this one the shipped MLP
        at.query_params["training_section"] = "One step, unrolled"
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    messages = " ".join(errors(at))
    if messages:  # a page that needs no model (the guide's questions) may show none
        assert damage in messages and "python -m explorer train" in messages
    elif page != "explorer/app/pages/guide/page.py":
        raise AssertionError(f"{page} says nothing about {damage} weights")
