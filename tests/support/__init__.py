"""Test-only helpers: AppTest scenes (apptest.py) and the running app in Chromium (browser.py)."""
