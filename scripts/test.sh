#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them all.
#   bash scripts/test.sh            # extra arguments go to pytest, e.g. -k digit
set -euo pipefail
cd "$(dirname "$0")/.."

# Python packages: the app plus the `test` extra (pytest, Playwright, mlxtend for the data tests).
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# The browser tests drive the system Chromium; Playwright never downloads a browser.
if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
fi

exec .venv/bin/python -m pytest "$@"
