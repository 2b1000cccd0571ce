"""The `flask goldcoin ...` command group. Each domain adds its commands to it
from its `init_app`; every command runs in one transaction."""
from .transaction import TransactionalGroup

goldcoin_cli = TransactionalGroup("goldcoin", help="Gold Coin operations.")


def add_commands(*commands):
    for command in commands:
        goldcoin_cli.add_command(command)
