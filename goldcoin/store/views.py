"""Store pages: /store (with the redeem modal), /store/redeem, the title form.
(The VIP section, /vip, is a member page: goldcoin.members.vip.)"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from goldcoin.core.errors import refusal_goes_to
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id

from . import entitlements
from .models import KINDS_WITH_CODE, MemberTitle, Redemption
from .service import limits_reached, list_rewards

bp = Blueprint("store", __name__)


def _owned(session, user_id, rewards):
    """reward id -> {"held": bool, "expires_at": datetime|None, "count": n}."""
    counts = dict(
        session.execute(
            select(Redemption.reward_id, func.count(Redemption.id))
            .where(Redemption.user_id == user_id)
            .group_by(Redemption.reward_id)
        ).all()
    )
    out = {}
    for reward in rewards:
        code = reward.code if reward.kind in KINDS_WITH_CODE else None
        held, expires = entitlements.expiry_of(session, user_id, reward.kind, code)
        out[reward.id] = {"held": held, "expires_at": expires, "count": counts.get(reward.id, 0)}
    return out


def _balance():
    return int(balance_of(db.session, wallet_id(db.session, current_user.id)))


@bp.app_context_processor
def _store_helpers():
    def store_catalogue():
        return list_rewards(db.session)

    def store_limits_reached(rewards):
        """For the redeem modal, which any page may include."""
        user_id = current_user.id if current_user.is_authenticated else None
        return limits_reached(db.session, user_id, rewards)

    return {"store_catalogue": store_catalogue, "store_limits_reached": store_limits_reached}


@bp.get("/store")
def store_page():
    rewards = list_rewards(db.session)
    owned, reached, balance, title, can_title = {}, set(), None, None, False
    if current_user.is_authenticated:
        owned = _owned(db.session, current_user.id, rewards)
        reached = limits_reached(db.session, current_user.id, rewards)
        balance = _balance()
        can_title = entitlements.has_title_right(db.session, current_user.id)
        title = db.session.scalar(select(MemberTitle.title).where(MemberTitle.user_id == current_user.id))
    return render_template(
        "store/store.html", rewards=rewards, owned=owned, limit_reached=reached, balance=balance, title=title,
        can_title=can_title, title_max=entitlements.TITLE_MAX,
    )


@bp.get("/store/redeem")
@login_required
def redeem_page():
    rewards = list_rewards(db.session)
    return render_template(
        "store/redeem.html", rewards=rewards, limit_reached=limits_reached(db.session, current_user.id, rewards),
        balance=_balance(),
    )


@bp.post("/store/title")
@login_required
def set_title():
    refusal_goes_to(url_for("store.store_page") + "#title-form")
    title = entitlements.set_title(db.session, current_user.id, request.form.get("title", ""))
    flash(_("Your title is now “%(title)s”.", title=title), "success")
    return redirect(url_for("store.store_page"))

