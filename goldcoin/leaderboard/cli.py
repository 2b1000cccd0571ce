"""flask goldcoin rebuild-leaderboard"""
import click
from flask import current_app

from goldcoin.extensions import db
from goldcoin.redis_client import get_redis

from .service import rebuild


@click.command("rebuild-leaderboard")
def rebuild_leaderboard():
    """Rebuild every Redis board (all, each month, each week) from the ledger."""
    client = get_redis()
    if client is None:
        click.echo("REDIS_URL is not set: boards are read from SQL, nothing to rebuild")
        return
    counts = rebuild(db.session, client, current_app.config["REDIS_PREFIX"])
    db.session.rollback()
    for key, members in counts.items():
        click.echo(f"lb:{key}: {members} ranked members")
    click.echo(f"rebuilt {len(counts)} boards")
