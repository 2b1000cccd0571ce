"""Migrations reach head on an empty database and match the models; config guards."""
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import BigInteger, Integer, create_engine, inspect, select, text, update

from goldcoin import ROOT, create_app
from goldcoin.config import ConfigurationError
from goldcoin.extensions import db


def test_upgrade_from_empty_reaches_head_and_matches_the_models(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        engine = create_engine(empty_database_url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            from goldcoin.ledger import Account

            codes = set(conn.execute(select(Account.code).where(Account.kind == "system")).scalars())
        engine.dispose()
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert codes == {"mint", "sales", "sink", "escrow", "adjustments"}


PAST_INT32 = 2**31 + 4


def _next_transfer_id_past_int32(session):
    """Make the next transfer's id 2^31 + 5, beyond a 32-bit INTEGER."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('transfers', 'id'), :n)"), {"n": PAST_INT32})
    else:
        # SQLite gives a new row the largest rowid + 1.
        from goldcoin.ledger import Transfer

        session.execute(update(Transfer).values(id=PAST_INT32))


def test_a_transfer_id_past_2_to_the_31_is_written_read_and_pointed_at(empty_database_url):
    from goldcoin.auth.service import register_member
    from goldcoin.ledger import MINT, Transfer, reverse, system_account_id, transfer, wallet_id

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        session = db.session
        member = register_member(session, "bigid", "bigid@example.com", "password123")
        mint, wallet = system_account_id(session, MINT), wallet_id(session, member.id)
        transfer(session, mint, wallet, 1, kind="earn.x", key="first")
        _next_transfer_id_past_int32(session)
        session.commit()

        big_id = transfer(session, mint, wallet, 5, kind="earn.x", key="past-int32").transfer.id
        undo_id = reverse(session, big_id, memo="undo").transfer.id
        session.commit()
        session.expunge_all()
        assert big_id == PAST_INT32 + 1 and undo_id == PAST_INT32 + 2
        assert session.get(Transfer, undo_id).reverses_id == PAST_INT32 + 1
        assert session.get(Transfer, PAST_INT32 + 1).amount == 5
        session.remove()
        db.engine.dispose()


def test_the_bigint_migration_goes_down_and_up_again(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        downgrade(revision="0400")
        id_type = {c["name"]: c["type"] for c in inspect(db.engine).get_columns("transfers")}["id"]
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        dialect = db.engine.dialect.name
        db.engine.dispose()
    # SQLite keeps INTEGER (its 64-bit rowid) both ways.
    assert isinstance(id_type, Integer) and (dialect == "sqlite" or not isinstance(id_type, BigInteger))
    assert diff == [], f"models and migrations differ: {diff}"


def test_production_refuses_a_default_secret_key():
    with pytest.raises(ConfigurationError):
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigurationError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_the_payment_simulator():
    with pytest.raises(ConfigurationError, match="simulator"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "x" * 40,
                "GOLDCOIN_PAYMENT_SIMULATOR": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_production_starts_with_a_real_secret():
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_eventlet_mode_without_eventlet_says_what_to_install(monkeypatch):
    # None in sys.modules makes `import eventlet` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "eventlet", None)
    with pytest.raises(ConfigurationError, match="pip install -r requirements-eventlet.txt"):
        create_app({"ENV_NAME": "testing", "GOLDCOIN_ASYNC_MODE": "eventlet", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_app_py_in_eventlet_mode_without_eventlet_says_what_to_install():
    # app.py imports eventlet before anything else (to monkey-patch), so it has its own message.
    hide_eventlet = "import runpy, sys; sys.modules['eventlet'] = None; runpy.run_path('app.py', run_name='__main__')"
    env = dict(os.environ, GOLDCOIN_ASYNC_MODE="eventlet")
    done = subprocess.run([sys.executable, "-c", hide_eventlet], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "pip install -r requirements-eventlet.txt" in done.stderr


def test_cli_creates_an_admin_and_a_token(runner, app):
    from goldcoin.auth.models import ApiToken, User
    from goldcoin.auth.service import hash_token

    r = runner.invoke(
        args=["goldcoin", "create-admin", "chief", "--email", "chief@example.com", "--password", "long-enough"]
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["goldcoin", "create-token", "forum", "--scope", "events"])
    assert r.exit_code == 0, r.output
    plaintext = r.output.strip().splitlines()[-1]
    assert plaintext.startswith("gc_")
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.username == "chief")) == "admin"
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hash_token(plaintext) and plaintext not in token.token_hash
    r = runner.invoke(
        args=["goldcoin", "create-admin", "chief", "--email", "c2@example.com", "--password", "long-enough"]
    )
    assert r.exit_code != 0 and "taken" in r.output


def test_demo_data_is_a_living_economy(runner, app):
    r = runner.invoke(args=["goldcoin", "demo"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(args=["goldcoin", "demo"]).output.strip() == "demo data already present"
    r = runner.invoke(args=["goldcoin", "reconcile"])
    assert r.exit_code == 0 and "FAIL" not in r.output
    # The README's demo login can afford a reward in the store straight away.
    from sqlalchemy import func, select

    from goldcoin.auth.models import User
    from goldcoin.extensions import db
    from goldcoin.ledger import balance_of, wallet_id
    from goldcoin.store.models import Reward

    with app.app_context():
        alice = db.session.scalar(select(User.id).where(User.username == "alice"))
        cheapest = db.session.scalar(select(func.min(Reward.cost)).where(Reward.active.is_(True)))
        assert balance_of(db.session, wallet_id(db.session, alice)) >= cheapest
