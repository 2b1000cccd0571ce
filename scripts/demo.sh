#!/usr/bin/env bash
# Set up (once) and run the demo: SQLite in instance/, demo members, the
# CoinPayments simulator mounted in the app, and a local mail catcher (the
# app's email goes to it through SMTP; one line per message below, and the
# admin site's "Sent mail" page shows each with its text). Only the runtime
# requirements (no test tools).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
export FLASK_APP=app GOLDCOIN_PAYMENT_SIMULATOR=1
# Links, mail and the payment simulator follow the port the demo serves on
# (PORT=5101 bash scripts/demo.sh); the Flask CLI in another shell needs the same.
export GOLDCOIN_PUBLIC_URL="${GOLDCOIN_PUBLIC_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
# The demo's mail server is the catcher, on MAIL_CATCHER_PORT (another one
# for a second demo beside the first).
export MAIL_SERVER=127.0.0.1 MAIL_PORT="${MAIL_CATCHER_PORT:-8025}" MAIL_USE_TLS= MAIL_USERNAME= MAIL_PASSWORD=
echo "Public URL: $GOLDCOIN_PUBLIC_URL (poll-payments and other flask commands: export it the same)"
echo "Mail: to the demo's catcher on $MAIL_SERVER:$MAIL_PORT (admin site: Sent mail)"
.venv/bin/flask db upgrade
# It also sends the outbox's due mail (retries) every MAIL_CATCHER_SEND_EVERY seconds.
.venv/bin/flask goldcoin mail-catcher --port "$MAIL_PORT" --send-every "${MAIL_CATCHER_SEND_EVERY:-10}" &
catcher=$!
trap 'kill "$catcher" 2>/dev/null || true' EXIT
# The demo's own history mails its members too: let the catcher listen first.
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/$MAIL_SERVER/$MAIL_PORT") 2>/dev/null && break
  kill -0 "$catcher" 2>/dev/null || { echo "the mail catcher did not start (port $MAIL_PORT taken? set MAIL_CATCHER_PORT)"; exit 1; }
  sleep 0.1
done
.venv/bin/flask goldcoin demo
.venv/bin/python app.py
