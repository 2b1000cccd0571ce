"""The status machines of bounties, challenges and EA verification.

Each status is a str-valued Enum of the strings the database already stores
(so no migration, and a loaded row's plain string compares equal to its
member). Each machine's allowed moves are one table, and `transition` is the
one way a status changes: a compare-and-set UPDATE from exactly the statuses
the table allows into the new one. Two concurrent moves (two awards of one
bounty, a moderator verifying an EA another is rejecting) therefore change
the row once; the loser, like any move the table forbids, gets
IllegalTransition and must not go on to move coins.
"""
from enum import StrEnum

from sqlalchemy import select, update

from .errors import CommunityError


class BountyStatus(StrEnum):
    OPEN = "open"
    AWARDED = "awarded"
    REFUNDED = "refunded"


class ChallengeStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"


class EAStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class IllegalTransition(CommunityError):
    """The move is not allowed from the object's current status (often: someone
    else moved it first). `current` is the status found, `new` the one asked."""

    code = "conflict"

    def __init__(self, message, current, new):
        super().__init__(message)
        self.current, self.new = current, new


class Machine:
    def __init__(self, statuses, moves, refusal):
        self.statuses = statuses
        self.moves = {a: frozenset(to) for a, to in moves.items()}
        self.refusal = refusal  # what a member is told when a move is refused

    def can(self, current, new):
        return self.statuses(new) in self.moves.get(current, ())

    def transition(self, session, obj, new, **values):
        """Move `obj` (a mapped row with `id` and `status`) to `new`, writing
        `values` (who, when) in the same UPDATE. Raises IllegalTransition
        unless the row was in a status the table allows `new` from."""
        new = self.statuses(new)
        sources = [s.value for s, to in self.moves.items() if new in to]
        model = type(obj)
        changed = session.execute(
            update(model).where(model.id == obj.id, model.status.in_(sources)).values(status=new.value, **values),
            execution_options={"synchronize_session": False},
        ).rowcount
        session.expire(obj)
        if not changed:
            current = session.scalar(select(model.status).where(model.id == obj.id))
            raise IllegalTransition(self.refusal, current, new)


# The allowed moves; every status missing on the left is final.
BOUNTY = Machine(
    BountyStatus,
    {BountyStatus.OPEN: {BountyStatus.AWARDED, BountyStatus.REFUNDED}},
    "This bounty has been resolved already.",
)
CHALLENGE = Machine(
    ChallengeStatus,
    {ChallengeStatus.OPEN: {ChallengeStatus.PAID}},
    "This challenge has been paid already.",
)
EA_REVIEW = Machine(
    EAStatus,
    # A rejected EA goes back to the queue when its author resubmits it
    # (eas.resubmit_ea); verified is final: it was paid for and may have buyers.
    {EAStatus.PENDING: {EAStatus.VERIFIED, EAStatus.REJECTED}, EAStatus.REJECTED: {EAStatus.PENDING}},
    "This EA has been reviewed already.",
)
