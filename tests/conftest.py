"""Shared test set-up: everything runs on the CPU; the shipped digit CNN is compiled once per run."""

import os

import pytest

os.environ.setdefault("JAX_PLATFORMS", "cpu")


@pytest.fixture(scope="session")
def cnn():
    """The shipped digit CNN, loaded and compiled once for the whole run."""
    from explorer import inference

    return inference.load_reader("digit-cnn")
