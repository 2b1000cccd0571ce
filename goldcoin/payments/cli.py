"""flask goldcoin poll-payments / refresh-currencies / payment-simulator."""
import functools

import click
from flask import current_app

from goldcoin.extensions import db
from goldcoin.notifications.email import send_due

from .currencies import store_listing
from .errors import ProviderError
from .poller import poll_payments
from .providers import REGISTRY, provider_named
from .settings import SIMULATOR_KEYS


@click.command("poll-payments")
def poll_payments_cmd():
    """Ask each pending order's provider about it (in batches); expire overdue ones. Run every minute."""
    config = current_app.config
    provider_for = functools.cache(lambda name: provider_named(name, config))
    # A batch command: poll_payments commits after each batch (no transaction
    # is open during a provider call, and a later failure keeps what was applied).
    counts = poll_payments(db.session, provider_for, unsent_timeout=config["RECHARGE_UNSENT_ORDER_TIMEOUT"])
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
    # The minute timer also retries the email outbox (payment mails among them).
    mail = send_due(db.session, config)
    click.echo("email: " + " ".join(f"{k}={v}" for k, v in mail.items()))
    if counts.get("errors"):
        raise SystemExit(1)


@click.command("refresh-currencies")
def refresh_currencies_cmd():
    """Cache the ids providers give the shop's currencies (CoinPayments v2: its currency list)."""
    config = current_app.config
    failed = False
    for name, cls in REGISTRY.items():
        if not cls.has_currency_list:
            continue
        try:
            # The provider call first: no transaction is open during it.
            listing = provider_named(name, config).currency_list()
        except ProviderError as exc:
            click.echo(f"{name}: {exc.message}", err=True)
            failed = True
            continue
        missing = store_listing(db.session, name, listing, config)
        db.session.commit()  # a batch command: each provider's ids are kept once read
        click.echo(f"{name}: {len(listing)} currencies listed"
                   + (f"; not in its list: {', '.join(missing)}" if missing else ""))
        failed = failed or bool(missing)
    if failed:
        raise SystemExit(1)


@click.command("payment-simulator")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8765, type=int)
def payment_simulator_cmd(host, port):
    """Run the local CoinPayments simulator alone (development and tests only)."""
    from .simulator import Simulator, SimulatorAccount, SimulatorIntegration, serve

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("the payment simulator cannot run in production")
    c = current_app.config
    keys = {k: c.get(k) or v for k, v in SIMULATOR_KEYS.items()}
    simulator = Simulator([SimulatorAccount(keys["COINPAYMENTS_PUBLIC_KEY"], keys["COINPAYMENTS_PRIVATE_KEY"],
                                            keys["COINPAYMENTS_MERCHANT_ID"], keys["COINPAYMENTS_IPN_SECRET"])],
                          [SimulatorIntegration(keys["COINPAYMENTS_CLIENT_ID"], keys["COINPAYMENTS_CLIENT_SECRET"])])
    click.echo(f"CoinPayments simulator on http://{host}:{port}/api.php (public key {keys['COINPAYMENTS_PUBLIC_KEY']})"
               f" and http://{host}:{port}/api (v2, client id {keys['COINPAYMENTS_CLIENT_ID']})")
    serve(simulator, host, port)


COMMANDS = (poll_payments_cmd, refresh_currencies_cmd, payment_simulator_cmd)
