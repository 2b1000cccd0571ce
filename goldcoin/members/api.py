"""The member's JSON API (API.md, Authentication and Member): sign up, log in,
log out, and the member's own summary and transactions."""
from flask import current_app, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from goldcoin.auth.service import authenticate, register_member
from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import get_str, json_body, optional_json_body, query_int
from goldcoin.earning.referrals import record_referral
from goldcoin.extensions import db, limiter
from goldcoin.ledger import history, wallet_id
from goldcoin.security import log_in_member, log_out_member, login_required_json

from .service import member_summary


def member_json(user):
    return member_summary(user)


def _logged_in_json(user):
    """The member, plus the CSRF token of the new login session: the one
    fetched before logging in is no longer valid."""
    return dict(member_json(user), csrf_token=generate_csrf())


def history_item_json(transfer, signed):
    return {
        "id": transfer.id,
        "amount": int(signed),
        "kind": transfer.kind,
        "memo": transfer.memo,
        "created_at": transfer.created_at.isoformat(),
    }


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/auth/csrf")
def csrf_token():
    return jsonify(csrf_token=generate_csrf())


@bp.post("/auth/register")
@limiter.limit(_login_limit)
def register():
    data = json_body()
    user = register_member(
        db.session,
        get_str(data, "username", max_length=32),
        get_str(data, "email", max_length=254),
        get_str(data, "password", max_length=200),
    )
    record_referral(db.session, user.id, get_str(data, "referral_code", required=False, max_length=32))
    log_in_member(user)
    return _logged_in_json(user), 201


@bp.post("/auth/login")
@limiter.limit(_login_limit)
def login():
    data = json_body()
    user = authenticate(db.session, get_str(data, "username"), get_str(data, "password"))
    if user is None:
        raise ApiError("unauthorized", "Wrong username or password.")
    if not user.is_active:
        raise ApiError("forbidden", "This account is banned.")
    log_in_member(user)
    return _logged_in_json(user)


@bp.post("/auth/logout")
def logout():
    log_out_member(everywhere=bool(optional_json_body().get("everywhere")))
    return jsonify(ok=True)


@bp.get("/me")
@login_required_json
def me():
    return jsonify(member_json(current_user))


@bp.get("/me/transactions")
@login_required_json
def my_transactions():
    limit = query_int("limit", default=50, minimum=1, maximum=200)
    before = query_int("before", minimum=1)
    rows = history(db.session, wallet_id(db.session, current_user.id), limit=limit, before=before)
    items = [history_item_json(t, signed) for t, signed in rows]
    next_before = items[-1]["id"] if len(items) == limit else None
    return jsonify(items=items, next_before=next_before)
