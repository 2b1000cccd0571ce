"""flask goldcoin init-db / demo: the commands that span every domain. The
group itself, and how each command runs in one transaction, is
`goldcoin.core.cli`."""
import click
from flask import current_app

from .core.cli import add_commands, goldcoin_cli
from .extensions import db


@click.command("init-db")
def init_db():
    """Create system accounts (run after `flask db upgrade`)."""
    from .ledger import ensure_system_accounts
    from .store.service import seed_rewards

    ensure_system_accounts(db.session)
    seed_rewards(db.session)  # the starter reward catalogue; idempotent
    click.echo("system accounts ready")


@click.command("demo")
@click.option("--locale", type=click.Choice(["en", "zh_CN"]), default=None,
              help="Language of the demo's content (posts, sections, rewards); default GOLDCOIN_DEFAULT_LOCALE.")
def demo(locale):
    """Fill an empty database with a small living economy."""
    from flask_babel import force_locale

    from .demo import create_demo_data

    with force_locale(locale or current_app.config["GOLDCOIN_DEFAULT_LOCALE"]):
        created = create_demo_data(db.session, current_app.config)
    if created:
        click.echo("demo data created. Log in as admin / admin-demo-pass or alice / alice-demo-pass")
    else:
        click.echo("demo data already present")


def init_app(app):
    add_commands(init_db, demo)
    app.cli.add_command(goldcoin_cli)
