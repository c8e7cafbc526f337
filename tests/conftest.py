"""Shared test set-up: everything runs on the CPU; the shipped digit CNN is compiled once per run."""

import os

import pytest

# the shared helpers' asserts explain a failure the way a test's own do (values, not a bare AssertionError)
pytest.register_assert_rewrite("tests.support")

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("EXPLORER_WARM_UP", "0")  # in-process app runs compile what they use, when they use it


def pytest_configure(config):
    from explorer.models import compiled

    compiled.enable_compilation_cache()  # the same on-disk cache as the app: a second run compiles nothing


@pytest.fixture(scope="session")
def cnn():
    """The shipped digit CNN, loaded and compiled once for the whole run."""
    from explorer.models import compiled

    return compiled.load_reader("digit-cnn")
