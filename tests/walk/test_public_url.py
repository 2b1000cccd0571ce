"""Defect 1: a server started on another PORT derives GOLDCOIN_PUBLIC_URL from
HOST/PORT, so the payment simulator is reached and links point at it."""
import subprocess
import sys

import pytest

from goldcoin.auth.service import register_member
from tests.support.server import login_session, running_server


def public_url_with(env):
    code = "from goldcoin.config import Config; print(Config.GOLDCOIN_PUBLIC_URL)"
    base = {k: v for k, v in __import__("os").environ.items() if k not in ("HOST", "PORT", "GOLDCOIN_PUBLIC_URL")}
    return subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.parametrize("env, url", [
    ({}, "http://127.0.0.1:5000"),
    ({"PORT": "5101"}, "http://127.0.0.1:5101"),
    ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://127.0.0.1:8080"),
    ({"HOST": "demo.local", "PORT": "5101"}, "http://demo.local:5101"),
    ({"PORT": "5101", "GOLDCOIN_PUBLIC_URL": "https://coins.example.com"}, "https://coins.example.com"),
])
def test_the_public_url_follows_host_and_port(env, url):
    assert public_url_with(env) == url


def test_a_server_on_another_port_reaches_the_simulator_and_links_to_itself(tmp_path):
    from flask_migrate import upgrade

    from goldcoin import create_app
    from goldcoin.extensions import db
    from goldcoin.ledger import ensure_system_accounts
    from goldcoin.payments.seed import seed_packages

    url = f"sqlite:///{tmp_path / 'port.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        ensure_system_accounts(db.session)
        register_member(db.session, "dave", "dave@example.com", "dave-pass-123")
        seed_packages(db.session)
        db.session.commit()
        db.engine.dispose()
    # As scripts/demo.sh runs it with only PORT set: no GOLDCOIN_PUBLIC_URL.
    with running_server({"DATABASE_URL": url, "GOLDCOIN_PAYMENT_SIMULATOR": "1", "GOLDCOIN_PUBLIC_URL": ""}) as base:
        member = login_session(base, "dave", "dave-pass-123")
        r = member.post(base + "/api/v1/recharge/orders", json={"coins": 50, "pay_currency": "LTCT"})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "pending"
        page = member.get(base + "/community/referral").text
        assert base + "/register?ref=" in page
