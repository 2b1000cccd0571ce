"""Manual adjustments by admins: always a ledger transfer against `adjustments`."""
import uuid

from flask_babel import gettext as _

from .accounts import system_account_id, wallet_id
from .errors import LedgerError
from .models import ADJUSTMENTS
from .service import transfer


def adjust_balance(session, user_id, amount, *, reason, actor_id=None, key=None):
    """Give (amount > 0) or take back (amount < 0) coins, recording who and why.

    `key` makes a retried request adjust once; without one, every call is a
    new adjustment (the admin form always sends one).
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise LedgerError(_("an adjustment is a non-zero integer of coins"))
    if not reason or not reason.strip():
        raise LedgerError(_("an adjustment needs a reason"))
    wallet = wallet_id(session, user_id)
    pool = system_account_id(session, ADJUSTMENTS)
    source, target = (pool, wallet) if amount > 0 else (wallet, pool)
    return transfer(
        session,
        source,
        target,
        abs(amount),
        kind="adjustment",
        key=f"adjust:{key}" if key else f"adjust:{uuid.uuid4()}",
        memo=reason.strip(),
        reference=f"user:{user_id}",
        actor_id=actor_id,
    )
