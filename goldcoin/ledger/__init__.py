"""The coin ledger: accounts, immutable transfers, balances. See DESIGN.md."""
from .accounts import (
    ensure_system_accounts,
    lock_accounts,
    lock_wallet,
    open_wallet,
    system_account_id,
    wallet_and_system_account,
    wallet_id,
)
from .balances import balance_of, derived_balance, earned_total, history
from .errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    UnknownAccount,
)
from .models import (
    ADJUSTMENTS,
    ESCROW,
    MINT,
    SALES,
    SINK,
    SYSTEM_ACCOUNTS,
    Account,
    Transfer,
)
from .reconcile import reconcile
from .service import Posting, on_reversal, reverse, transfer


def init_app(app):
    from goldcoin.core.cli import add_commands

    from .cli import reconcile_cmd

    add_commands(reconcile_cmd)
