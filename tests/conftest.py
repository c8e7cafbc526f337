"""Shared test set-up: the e2e tests need a browser; everything else runs on the CPU as is."""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")
