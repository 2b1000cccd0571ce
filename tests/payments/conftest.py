"""Payments fixtures: the simulator as a real HTTP server, the test app served
for real (so the simulator's IPNs reach it over HTTP). The SMTP server
(`mailbox`) is in tests/conftest.py."""
from decimal import Decimal

import pytest
from flask_migrate import upgrade

from goldcoin import create_app
from goldcoin.aftercommit import subscribe
from goldcoin.auth.service import register_member
from goldcoin.extensions import db
from goldcoin.payments.seed import seed_packages
from goldcoin.payments.simulator import Simulator, SimulatorAccount, SimulatorIntegration
from tests.support.server import ServerThread, free_port

KEYS = dict(public="test-public", private="test-private", merchant="test-merchant", ipn_secret="test-ipn-secret")
# The current platform's integration (API v2).
V2_KEYS = dict(client_id="test-client-id", client_secret="test-client-secret")


@pytest.fixture
def simulator():
    sim = Simulator([SimulatorAccount(KEYS["public"], KEYS["private"], KEYS["merchant"], KEYS["ipn_secret"])],
                    [SimulatorIntegration(V2_KEYS["client_id"], V2_KEYS["client_secret"])])
    with ServerThread(sim) as server:
        sim.base = server.base
        yield sim


_events = []


@subscribe("order_status_changed")
def _collect(payload):
    _events.append(payload)


@pytest.fixture
def status_events():
    _events.clear()
    return _events


@pytest.fixture
def app_port():
    return free_port()


@pytest.fixture(autouse=True)
def payments_config(app_config, simulator, app_port, request):
    app_config.update(
        {
            "COINPAYMENTS_API_URL": simulator.base + "/api.php",
            "COINPAYMENTS_PUBLIC_KEY": KEYS["public"],
            "COINPAYMENTS_PRIVATE_KEY": KEYS["private"],
            "COINPAYMENTS_MERCHANT_ID": KEYS["merchant"],
            "COINPAYMENTS_IPN_SECRET": KEYS["ipn_secret"],
            "COINPAYMENTS_V2_API_URL": simulator.base + "/api",
            "COINPAYMENTS_CLIENT_ID": V2_KEYS["client_id"],
            "COINPAYMENTS_CLIENT_SECRET": V2_KEYS["client_secret"],
            "GOLDCOIN_PUBLIC_URL": f"http://127.0.0.1:{app_port}",
            "MAIL_SERVER": None,
        }
    )
    if "mailbox" in request.fixturenames:
        box = request.getfixturevalue("mailbox")
        app_config.update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": box.port, "MAIL_DEFAULT_SENDER": "shop@goldcoin.test"})
    return app_config


@pytest.fixture
def live_app(app, app_port):
    """The test app served over HTTP at GOLDCOIN_PUBLIC_URL (IPNs arrive here)."""
    with app.app_context():
        seed_packages(db.session)
        db.session.commit()
    with ServerThread(app, app_port) as server:
        yield server.base


@pytest.fixture
def member(make_user, make_api, live_app):
    user = make_user("buyer")
    return user, make_api("buyer")


def package_id(app, coins):
    from sqlalchemy import select

    from goldcoin.payments.models import RechargePackage

    with app.app_context():
        return db.session.scalar(select(RechargePackage.id).where(RechargePackage.coins == coins))


def D(x):
    return Decimal(x)


@pytest.fixture
def v2(payments_config):
    """New orders go to CoinPayments' current platform (request it before `app`)."""
    payments_config["COINPAYMENTS_API"] = "v2"
    return payments_config


@pytest.fixture
def demo_database(tmp_path):
    """A migrated SQLite database (its packages seeded) with one member, newcomer,
    for a served app.py."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()  # the migration seeds the brief's packages
        register_member(db.session, "newcomer", "newcomer@example.com", "newcomer-pass-1")
        db.session.commit()
        db.engine.dispose()
    return url
