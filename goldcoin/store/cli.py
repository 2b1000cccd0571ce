"""flask goldcoin import-rewards FILE / export-rewards [FILE] / seed-rewards."""
import json
import sys

import click

from goldcoin.extensions import db

from .service import export_rewards, import_rewards, seed_rewards


@click.command("import-rewards")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_rewards_cmd(file):
    """Create or update rewards from a JSON file {"rewards": [...]}."""
    try:
        document = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"not valid JSON: {exc}") from None
    created, updated = import_rewards(db.session, document)
    click.echo(f"rewards imported: {created} created, {updated} updated")


@click.command("export-rewards")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export_rewards_cmd(file):
    """Write every reward as JSON {"rewards": [...]} (to FILE, or stdout)."""
    json.dump(export_rewards(db.session), file, indent=2, ensure_ascii=False)
    file.write("\n")
    if file is not sys.stdout and getattr(file, "name", "-") != "<stdout>":
        click.echo(f"rewards exported to {file.name}", err=True)


@click.command("seed-rewards")
def seed_rewards_cmd():
    """Create the starter catalogue (rewards already present are left alone)."""
    created = seed_rewards(db.session)
    click.echo(f"starter rewards created: {created}")


COMMANDS = (import_rewards_cmd, export_rewards_cmd, seed_rewards_cmd)
