"""flask goldcoin create-admin / create-token / adjust: an admin's work from
the command line."""
import click
from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.auth.service import create_token, register_member
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id

from .service import adjust_member


@click.command("create-admin")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True)
def create_admin(username, email, password):
    """Create an admin member."""
    user = register_member(db.session, username, email, password, role="admin")
    click.echo(f"admin {user.username} created (id {user.id})")


@click.command("create-token")
@click.argument("name")
@click.option("--scope", type=click.Choice(["events", "admin"]), required=True)
def create_token_cmd(name, scope):
    """Issue a Bearer token. The token is printed once, alone on the last line."""
    token, plaintext = create_token(db.session, name, scope)
    db.session.flush()
    click.echo(f"token {token.id} '{name}' (scope {scope}); store it now, it is not shown again:")
    click.echo(plaintext)


@click.command("adjust")
@click.argument("username")
@click.argument("amount", type=int)
@click.option("--reason", required=True)
@click.option("--key", default=None, help="idempotency key: the same key adjusts once")
def adjust_cmd(username, amount, reason, key):
    """Give (AMOUNT > 0) or take back (AMOUNT < 0) coins; pushes the new balance."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        raise click.ClickException(f"no member {username}")
    posting = adjust_member(db.session, user, amount, reason=reason, key=key, via="cli")
    balance = balance_of(db.session, wallet_id(db.session, user.id))
    click.echo(f"transfer {posting.transfer.id}: {username} {amount:+d}, balance {balance}")


COMMANDS = (create_admin, create_token_cmd, adjust_cmd)
