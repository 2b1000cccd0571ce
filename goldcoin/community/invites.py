"""What the invite page tells a member: the reward for a referral, read from
the earning rules and settings that pay it (goldcoin.earning.referrals), so
the page never promises what an admin has changed."""
from typing import NamedTuple

from goldcoin.earning.service import get_rule
from goldcoin.earning.settings import get_int


class InviteTerms(NamedTuple):
    milestone_coins: int  # 0: the milestone reward is off
    milestone_daily_cap: int | None
    min_topup_coins: int
    share_percent: str  # "5", "2.5"; "" when the affiliate share is off
    share_days: int


def _percent(value):
    text = f"{value:f}"  # never an exponent (Decimal("10.00").normalize() is 1E+1)
    return text.rstrip("0").rstrip(".") if "." in text else text


def invite_terms(session):
    referral, affiliate = get_rule(session, "referral"), get_rule(session, "affiliate")
    milestone = referral.amount if referral.enabled else 0
    share = affiliate.share_percent if affiliate.enabled and affiliate.share_percent and affiliate.window_days else 0
    return InviteTerms(
        milestone_coins=max(milestone, 0),
        milestone_daily_cap=referral.daily_cap_coins if milestone else None,
        min_topup_coins=get_int(session, "referral_min_topup_coins"),
        share_percent=_percent(share) if share else "",
        share_days=affiliate.window_days or 0,
    )
