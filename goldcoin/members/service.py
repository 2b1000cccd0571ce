"""What the rest of the app shows about a member: one summary, one place."""
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.earning.models import ReferralCode
from goldcoin.extensions import db
from goldcoin.leaderboard import rank_of
from goldcoin.ledger import balance_of, earned_total, wallet_id
from goldcoin.store.entitlements import groups_of, title_and_badges


def member_summary(user, session=None):
    """The `/api/v1/me` object, also rendered by the profile widget."""
    session = session or db.session
    account_id = wallet_id(session, user.id)
    title, badges = title_and_badges(session, user.id)
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "balance": int(balance_of(session, account_id)),
        "earned_total": earned_total(session, account_id),
        "rank": rank_of(session, user.id),  # all-time, per API.md
        "rank_month": rank_of(session, user.id, "month"),
        "title": title,
        "badges": badges,
        "groups": groups_of(session, user.id),
    }



def inviter_of(session, code):
    """The member whose referral code `code` is, read as record_referral reads
    it (trimmed, any case); None for no code or one nobody has."""
    if not isinstance(code, str) or not code.strip():
        return None
    return session.scalar(
        select(User).join(ReferralCode, ReferralCode.user_id == User.id).where(ReferralCode.code == code.strip().lower())
    )
