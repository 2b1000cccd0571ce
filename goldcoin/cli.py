"""flask goldcoin ...: operator commands. Each commits once, at its end."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .auth.service import AuthError, create_token, register_member
from .extensions import db
from .ledger import ensure_system_accounts, reconcile

goldcoin_cli = AppGroup("goldcoin", help="Gold Coin operations.")


@goldcoin_cli.command("create-admin")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
def create_admin(username, email, password):
    """Create an admin member."""
    try:
        user = register_member(db.session, username, email, password, role="admin")
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"admin {user.username} created (id {user.id})")


@goldcoin_cli.command("create-token")
@click.argument("name")
@click.option("--scope", type=click.Choice(["events", "admin"]), required=True)
def create_token_cmd(name, scope):
    """Issue a Bearer token. The token is printed once, alone on the last line."""
    token, plaintext = create_token(db.session, name, scope)
    db.session.commit()
    click.echo(f"token {token.id} '{name}' (scope {scope}); store it now, it is not shown again:")
    click.echo(plaintext)


@goldcoin_cli.command("reconcile")
def reconcile_cmd():
    """Check the ledger's invariants; exit 1 with a report when one fails."""
    report = reconcile(db.session)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        sys.exit(1)


@goldcoin_cli.command("init-db")
def init_db():
    """Create system accounts (run after `flask db upgrade`)."""
    ensure_system_accounts(db.session)
    from .store.service import seed_rewards

    seed_rewards(db.session)  # the starter reward catalogue; idempotent
    db.session.commit()
    click.echo("system accounts ready")


@goldcoin_cli.command("demo")
def demo():
    """Fill an empty database with a small living economy."""
    from .demo import create_demo_data

    created = create_demo_data(db.session, current_app.config)
    db.session.commit()
    if created:
        click.echo("demo data created. Log in as admin / admin-demo-pass or alice / alice-demo-pass")
    else:
        click.echo("demo data already present")


def init_app(app):
    from .community.cli import resolve_bounties
    from .leaderboard.cli import rebuild_leaderboard
    from .ledger.cli import adjust_cmd
    from .payments.cli import COMMANDS as payment_commands
    from .store.cli import add_commands as add_store_commands

    goldcoin_cli.add_command(resolve_bounties)
    goldcoin_cli.add_command(rebuild_leaderboard)
    goldcoin_cli.add_command(adjust_cmd)
    add_store_commands(goldcoin_cli)
    for command in payment_commands:
        goldcoin_cli.add_command(command)
    app.cli.add_command(goldcoin_cli)
