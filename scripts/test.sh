#!/usr/bin/env bash
# Set up (once: the runtime and test requirements, requirements-dev.txt) and run
# the whole test suite: first on SQLite, then on PostgreSQL.
# Extra arguments go to both pytest runs, e.g. `bash scripts/test.sh -k ledger`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
echo "== SQLite pass"
.venv/bin/python -m pytest --db sqlite -m "not postgresql_only" "$@"
echo "== PostgreSQL pass"
.venv/bin/python -m pytest --db postgresql "$@"
