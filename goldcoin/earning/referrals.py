"""Referrals: every member has a code; the referrer is paid at the referee's
milestone (first paid contribution or first completed top-up), and, as an
affiliate, a share of the coins the referee buys within a window.

The payments code calls on_recharge_completed() when an order completes.
"""
import math
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from goldcoin.auth.models import User
from goldcoin.core.time import utc

from .models import Referral, ReferralCode
from .service import award, get_rule
from .settings import get_int

_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_MILESTONE_WORDS = {"first_contribution": "first contribution", "first_topup": "first top-up"}


def _name(session, user_id):
    """A member's username, for the memos other members read."""
    return session.scalar(select(User.username).where(User.id == user_id)) or "a member"


def referral_code_for(session, user_id):
    """The member's referral code, created on first use."""
    code = session.scalar(select(ReferralCode.code).where(ReferralCode.user_id == user_id))
    if code is not None:
        return code
    for _ in range(5):
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        try:
            with session.begin_nested():
                session.add(ReferralCode(user_id=user_id, code=candidate))
            return candidate
        except IntegrityError:
            existing = session.scalar(select(ReferralCode.code).where(ReferralCode.user_id == user_id))
            if existing is not None:
                return existing
    raise RuntimeError("could not allocate a referral code")


def record_referral(session, referee_id, code):
    """Record who referred a new member; returns the Referral or None.

    An unknown code, a self-referral or a member already referred is ignored:
    sign-up must never fail because of a bad link.
    """
    if not code or not isinstance(code, str):
        return None
    referrer_id = session.scalar(select(ReferralCode.user_id).where(ReferralCode.code == code.strip().lower()))
    if referrer_id is None or referrer_id == referee_id:
        return None
    try:
        with session.begin_nested():
            referral = Referral(referrer_id=referrer_id, referee_id=referee_id)
            session.add(referral)
    except IntegrityError:
        return None
    return referral


def referral_of(session, referee_id):
    return session.scalar(select(Referral).where(Referral.referee_id == referee_id))


def _milestone(session, referee_id, milestone, now):
    referral = referral_of(session, referee_id)
    if referral is None:
        return None
    # Claim the milestone once (conditional UPDATE), then pay through award().
    claimed = session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.milestone_at.is_(None))
        .values(milestone_at=now, milestone=milestone),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.expire(referral)
    if not claimed:
        return None
    return award(
        session,
        referral.referrer_id,
        "referral",
        object_key=f"referee:{referee_id}",
        memo=f"Referral reward: {_name(session, referee_id)} made their {_MILESTONE_WORDS.get(milestone, milestone)}",
        reference=f"user:{referee_id}",
        now=now,
    )


def on_contribution(session, user_id, now=None):
    """Called by award() after a contribution paid `user_id`."""
    return _milestone(session, user_id, "first_contribution", utc(now))


def on_recharge_completed(session, user_id, order_id, coins, now=None):
    """A top-up of `coins` by `user_id` completed (order `order_id`).

    Pays the referrer's milestone (once per referee, from a top-up of at least
    `referral_min_topup_coins`) and the affiliate share
    (once per order). Idempotent: calling it again for the order pays nothing.
    Returns the affiliate AwardResult, or None when the member was not referred.
    """
    now = utc(now)
    referral = referral_of(session, user_id)
    if referral is None:
        return None
    # A token top-up (a sock account's 22 coins) does not reach the milestone;
    # a later top-up of the minimum still can.
    if int(coins) >= get_int(session, "referral_min_topup_coins"):
        _milestone(session, user_id, "first_topup", now)
    rule = get_rule(session, "affiliate")
    window = timedelta(days=rule.window_days or 0)
    if now > referral.created_at + window:
        return None
    share = math.floor(Decimal(int(coins)) * (rule.share_percent or Decimal(0)) / Decimal(100))
    return award(
        session,
        referral.referrer_id,
        "affiliate",
        object_key=f"order:{order_id}",
        amount=share,
        memo=f"Affiliate share: {_name(session, user_id)} topped up {int(coins)} coins",
        reference=f"order:{order_id}",
        now=now,
    )
