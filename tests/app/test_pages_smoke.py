"""Every page the app's navigation registers opens without an exception box or an error."""

import pytest

from tests.support.apptest import assert_clean, assert_no_exception, errors, new_app, open_page, registered_pages

# The pages as the app registers them (a run of streamlit_app.py through AppTest), so a page added, moved into
# a package or renamed is tested without editing this list; the default entry (no address) opens the Digit page.
REGISTERED = registered_pages()
ADDRESSES = [p["url_pathname"] for p in REGISTERED if p["url_pathname"]]


def test_navigation_lists_every_page_at_a_stable_address():
    by_address = {p["url_pathname"]: p["page_name"] for p in REGISTERED}
    expected = {"digit", "text", "compare", "forecast", "hybrid", "sentiment", "training", "guide", "lesson", "class"}
    assert expected <= set(by_address), sorted(by_address)
    assert by_address["digit"] == "Digit (CNN)"
    assert len(ADDRESSES) == len(set(ADDRESSES))  # no two pages share an address


@pytest.mark.parametrize("address", ADDRESSES)
def test_page_opens_cleanly(address):
    at = new_app().run()
    open_page(at, address).run()
    assert_clean(at)
    assert at.title or at.header, f"/{address} shows no heading"


def test_the_root_address_opens_the_digit_page():
    at = new_app().run()
    assert_clean(at)
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


@pytest.mark.parametrize("address", ADDRESSES)
@pytest.mark.parametrize("damage", ["missing", "corrupted"])
def test_page_explains_how_to_rebuild_missing_or_corrupted_weights(
    address, damage, monkeypatch, tmp_path, corrupted_weights
):
    monkeypatch.setenv("EXPLORER_WEIGHTS_DIR", str(tmp_path if damage == "missing" else corrupted_weights))
    at = new_app()
    at.session_state["digit_source"], at.session_state["sample_index"] = "sample", 3
    at.run()
    if address == "training":  # its first tab reads the training checkpoints, this one the shipped MLP
        at.query_params["training_section"] = "One step, unrolled"
    open_page(at, address).run()
    assert_no_exception(at)
    messages = " ".join(errors(at))
    if messages:  # a page that needs no model (the guide's questions) may show none
        assert damage in messages and "python -m explorer train" in messages
    elif address != "guide":
        raise AssertionError(f"/{address} says nothing about {damage} weights")
