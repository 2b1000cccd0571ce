"""An admin's changes to the books: every adjustment and reversal, from the
admin site, the admin API or the CLI, is the ledger's transfer plus its audit
entry, in the same transaction."""
from goldcoin.core import audit
from goldcoin.ledger import reverse
from goldcoin.ledger.adjustments import adjust_balance
from goldcoin.notifications import coins


def adjust_member(session, user, amount, *, reason, actor_id=None, key=None, via="admin"):
    """Give (amount > 0) or take back (amount < 0) coins; audited once (a
    replayed key moves nothing and records nothing)."""
    reason = (reason or "").strip()
    posting = adjust_balance(session, user.id, amount, reason=reason, actor_id=actor_id, key=key)
    if not posting.replayed:
        audit.record(
            session, actor_id, "ledger.adjust", f"user:{user.id}", username=user.username, amount=amount,
            reason=reason, transfer_id=posting.transfer.id, via=via,
        )
        coins.coins_adjusted(session, user.id, amount, reason)  # the member hears why
    return posting


def reverse_transfer(session, transfer_id, *, reason, actor_id=None, via="admin"):
    """Reverse a transfer with a new, pointing transfer; audited once."""
    reason = (reason or "").strip()
    posting = reverse(session, transfer_id, memo=reason, actor_id=actor_id)
    if not posting.replayed:
        audit.record(
            session, actor_id, "ledger.reverse", f"transfer:{transfer_id}", reversal_id=posting.transfer.id,
            amount=posting.transfer.amount, kind=posting.transfer.kind, reason=reason, via=via,
        )
    return posting
