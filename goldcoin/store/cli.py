"""flask goldcoin import-rewards FILE / export-rewards [FILE] / seed-rewards."""
import json
import sys

import click
from flask.cli import with_appcontext

from goldcoin.extensions import db

from .errors import StoreError
from .service import export_rewards, import_rewards, seed_rewards


@click.command("import-rewards")
@with_appcontext
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_rewards_cmd(file):
    """Create or update rewards from a JSON file {"rewards": [...]}."""
    try:
        document = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"not valid JSON: {exc}") from None
    try:
        created, updated = import_rewards(db.session, document)
    except StoreError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"rewards imported: {created} created, {updated} updated")


@click.command("export-rewards")
@with_appcontext
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export_rewards_cmd(file):
    """Write every reward as JSON {"rewards": [...]} (to FILE, or stdout)."""
    json.dump(export_rewards(db.session), file, indent=2, ensure_ascii=False)
    file.write("\n")
    if file is not sys.stdout and getattr(file, "name", "-") != "<stdout>":
        click.echo(f"rewards exported to {file.name}", err=True)


@click.command("seed-rewards")
@with_appcontext
def seed_rewards_cmd():
    """Create the starter catalogue (rewards already present are left alone)."""
    created = seed_rewards(db.session)
    db.session.commit()
    click.echo(f"starter rewards created: {created}")


def add_commands(group):
    for command in (import_rewards_cmd, export_rewards_cmd, seed_rewards_cmd):
        group.add_command(command)
