"""flask goldcoin poll-payments / payment-simulator."""
import click
from flask import current_app
from flask.cli import with_appcontext

from goldcoin.extensions import db

from .coinpayments import CoinPaymentsError
from .service import poll_payments
from .settings import client_from_config


@click.command("poll-payments")
@with_appcontext
def poll_payments_cmd():
    """Ask CoinPayments about pending orders (batches of 25); expire overdue ones. Run every minute."""
    config = current_app.config
    try:
        client = client_from_config(config)
    except CoinPaymentsError as exc:
        raise click.ClickException(str(exc)) from None
    counts = poll_payments(db.session, client, unsent_timeout=config["RECHARGE_UNSENT_ORDER_TIMEOUT"])
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
    if counts.get("errors"):
        raise SystemExit(1)


@click.command("payment-simulator")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8765, type=int)
@with_appcontext
def payment_simulator_cmd(host, port):
    """Run the local CoinPayments simulator alone (development and tests only)."""
    from .simulator import Simulator, SimulatorAccount, serve

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("the payment simulator cannot run in production")
    c = current_app.config
    from .settings import SIMULATOR_KEYS

    keys = {k: c.get(k) or v for k, v in SIMULATOR_KEYS.items()}
    simulator = Simulator([SimulatorAccount(keys["COINPAYMENTS_PUBLIC_KEY"], keys["COINPAYMENTS_PRIVATE_KEY"],
                                            keys["COINPAYMENTS_MERCHANT_ID"], keys["COINPAYMENTS_IPN_SECRET"])])
    click.echo(f"CoinPayments simulator on http://{host}:{port}/api.php (public key {keys['COINPAYMENTS_PUBLIC_KEY']})")
    serve(simulator, host, port)


COMMANDS = (poll_payments_cmd, payment_simulator_cmd)
