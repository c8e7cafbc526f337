import numpy as np
import pytest

from explorer.data import vocab

SAMPLES = [
    "",
    "hello, world\n",
    "naïve café ☕ 😀",
    "שלום עולם",
    "\x00\x07\t\r",
    "<img src=x onerror=alert(1)>",
    "$x^2$ **bold**",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_any_string_round_trips_through_the_vocabulary(text):
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert ids.min(initial=0) >= 0 and ids.max(initial=0) < vocab.SIZE
    expected = "".join(ch if ch in vocab.CHARS[:-1] else vocab.UNKNOWN for ch in text)
    assert vocab.decode(ids) == expected
    assert np.array_equal(vocab.encode(vocab.decode(ids)), ids)


def test_every_id_decodes_and_re_encodes_to_itself():
    ids = np.arange(vocab.SIZE)
    assert np.array_equal(vocab.encode(vocab.decode(ids)), ids)


def test_vocabulary_is_printable_ascii_newline_and_unknown():
    assert vocab.SIZE == 97
    assert vocab.CHARS[0] == " " and vocab.CHARS[94] == "~" and vocab.CHARS[95] == "\n"
    assert vocab.encode("\t")[0] == vocab.UNKNOWN_ID
