import numpy as np
import pytest

from explorer import models
from explorer.models import weights


def test_weights_round_trip(tmp_path):
    model = models.build("row-rnn-gru", seed=11)
    weights.save("row-rnn-gru", model, {"metrics": {"accuracy": 0.5}}, tmp_path)
    loaded, meta = weights.load("row-rnn-gru", tmp_path)
    x = np.random.default_rng(0).random((2, 28, 28, 1), np.float32)
    np.testing.assert_array_equal(model(x), loaded(x))
    assert meta["config"] == {"cell": "gru", "hidden": 64} and meta["metrics"]["accuracy"] == 0.5


def test_missing_weights_name_the_command_that_rebuilds_them(tmp_path):
    with pytest.raises(weights.WeightsError, match=r"missing.*python -m explorer train char-rnn"):
        weights.load("char-rnn-lstm", tmp_path)


def test_corrupted_weights_are_detected(tmp_path):
    weights.save("digit-cnn", models.build("digit-cnn"), {}, tmp_path)
    path = tmp_path / "digit-cnn.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(weights.WeightsError, match=r"corrupted.*python -m explorer train digit-cnn"):
        weights.load("digit-cnn", tmp_path)


def test_weights_that_do_not_fit_the_config_are_reported(tmp_path):
    weights.save("row-rnn-lstm", models.build("row-rnn-lstm"), {}, tmp_path)
    meta = (tmp_path / "row-rnn-lstm.json").read_text().replace('"hidden": 64', '"hidden": 32')
    (tmp_path / "row-rnn-lstm.json").write_text(meta)
    with pytest.raises(weights.WeightsError, match="does not fit"):
        weights.load("row-rnn-lstm", tmp_path)


def test_unreadable_description_is_reported(tmp_path):
    weights.save("char-cnn", models.build("char-cnn"), {}, tmp_path)
    (tmp_path / "char-cnn.json").write_text("{not json")
    with pytest.raises(weights.WeightsError, match="unreadable"):
        weights.load("char-cnn", tmp_path)
