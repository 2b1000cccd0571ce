"""The coin ledger: accounts, immutable transfers, balances. See DESIGN.md."""
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
from .service import (
    Posting,
    balance_of,
    derived_balance,
    earned_total,
    ensure_system_accounts,
    history,
    lock_accounts,
    lock_wallet,
    on_reversal,
    open_wallet,
    reverse,
    system_account_id,
    transfer,
    wallet_and_system_account,
    wallet_id,
)


def init_app(app):
    from goldcoin.core.cli import add_commands

    from .cli import reconcile_cmd

    add_commands(reconcile_cmd)
