#!/usr/bin/env bash
# Set up (once) and run the demo: SQLite in instance/, demo members, the
# CoinPayments simulator mounted in the app. No other servers needed, and only
# the runtime requirements (no test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
export FLASK_APP=app GOLDCOIN_PAYMENT_SIMULATOR=1
# Links, mail and the payment simulator follow the port the demo serves on
# (PORT=5101 bash scripts/demo.sh); the Flask CLI in another shell needs the same.
export GOLDCOIN_PUBLIC_URL="${GOLDCOIN_PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
echo "Public URL: $GOLDCOIN_PUBLIC_URL (poll-payments and other flask commands: export it the same)"
.venv/bin/flask db upgrade
.venv/bin/flask goldcoin demo
exec .venv/bin/python app.py
