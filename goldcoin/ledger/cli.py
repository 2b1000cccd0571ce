"""flask goldcoin adjust: an admin adjustment from the command line."""
import click
from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.extensions import db

from .adjustments import adjust_balance
from .errors import LedgerError
from .service import balance_of, wallet_id


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
    try:
        posting = adjust_balance(db.session, user.id, amount, reason=reason, key=key)
    except LedgerError as exc:
        raise click.ClickException(str(exc)) from None
    balance = balance_of(db.session, wallet_id(db.session, user.id))
    db.session.commit()  # the after-commit queue pushes `balance` through Redis
    click.echo(f"transfer {posting.transfer.id}: {username} {amount:+d}, balance {balance}")
