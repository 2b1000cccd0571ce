"""The member's JSON API (API.md, Authentication and Member): sign up, log in,
log out, and the member's own summary and transactions."""
from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from marshmallow import fields

from goldcoin.auth.login_limits import limited_login, remember_device
from goldcoin.auth.service import authenticate, register_member
from goldcoin.core.api import MEMBER, PUBLIC, bp, doc
from goldcoin.core.errors import ApiError
from goldcoin.core.schemas import Bool, Int, List, Nested, Schema, Text, column_max, one_of
from goldcoin.earning.referrals import record_referral
from goldcoin.extensions import db, limiter
from goldcoin.i18n import LANGUAGES, save_language
from goldcoin.ledger import history, wallet_id
from goldcoin.ledger.models import Transfer
from goldcoin.security import log_in_member, log_out_member, login_required_json

from .service import member_summary


class CsrfOut(Schema):
    csrf_token = Text(required=True, metadata={"description": "Send it as the X-CSRFToken header."})


class RegisterIn(Schema):
    username = Text(required=True, max_length=32)
    email = Text(required=True, max_length=254)
    password = Text(required=True, max_length=200)
    referral_code = Text(max_length=32, load_default=None)


class LoginIn(Schema):
    username = Text(required=True)
    password = Text(required=True)


class LogoutIn(Schema):
    everywhere = Bool(load_default=False, metadata={"description": "End every login of the member, not only this one."})


class LogoutOut(Schema):
    ok = Bool(required=True)


class MemberOut(Schema):
    id = Int(required=True)
    username = Text(required=True)
    role = Text(required=True)
    balance = Int(required=True)
    earned_total = Int(required=True, metadata={"description": "Coins earned from activity, net of clawbacks."})
    rank = Int(required=True, allow_none=True,
               metadata={"description": "All-time rank; null until the member has earned anything."})
    rank_month = Int(required=True, allow_none=True, metadata={"description": "This month's rank, or null."})
    title = Text(required=True, allow_none=True)
    badges = List(Text(), required=True)
    groups = List(Text(), required=True)


class LoggedInOut(MemberOut):
    csrf_token = Text(required=True, metadata={
        "description": "The CSRF token of the new login session (the one fetched before logging in is void)."})


class TransactionsQuery(Schema):
    limit = Int(load_default=50, minimum=1, maximum=200, strict=False)
    before = Int(load_default=None, minimum=1, maximum=column_max(Transfer.id), strict=False,
                 metadata={"description": "A transaction id: the page of those before it (next_before)."})


class TransactionOut(Schema):
    id = Int(required=True)
    amount = Int(required=True, metadata={"description": "Signed from the member's point of view."})
    kind = Text(required=True)
    memo = Text(required=True)
    created_at = fields.DateTime(required=True)


class TransactionsOut(Schema):
    items = List(Nested(TransactionOut), required=True, metadata={"description": "Newest first."})
    next_before = Int(required=True, allow_none=True,
                      metadata={"description": "`before` of the next page; null on the last."})


def _logged_in_json(user):
    """The member, plus the CSRF token of the new login session: the one
    fetched before logging in is no longer valid."""
    return dict(member_summary(user), csrf_token=generate_csrf())


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/auth/csrf")
@doc(security=PUBLIC)
@bp.response(200, CsrfOut)
def csrf_token():
    """The token a session's unsafe requests send as X-CSRFToken."""
    return {"csrf_token": generate_csrf()}


@bp.post("/auth/register")
@limiter.limit(_login_limit)
@doc(security=PUBLIC, refuses=(409, 429))
@bp.arguments(RegisterIn)
@bp.response(201, LoggedInOut)
def register(data):
    """Sign up, and be logged in (a session cookie)."""
    user = register_member(db.session, data["username"], data["email"], data["password"])
    record_referral(db.session, user.id, data["referral_code"])
    log_in_member(user)
    return _logged_in_json(user)


@bp.post("/auth/login")
@limited_login
@doc(security=PUBLIC, refuses=(401, 403, 429))
@bp.arguments(LoginIn)
@bp.response(200, LoggedInOut)
def login(data):
    """Log in: a session cookie."""
    user = authenticate(db.session, data["username"], data["password"])
    if user is None:
        raise ApiError("unauthorized", _("Wrong username or password."))
    if not user.is_active:
        raise ApiError("forbidden", _("This account is banned."))
    log_in_member(user)
    remember_device(user.username)
    return _logged_in_json(user)


@bp.post("/auth/logout")
@doc(security=MEMBER)
@bp.arguments(LogoutIn)
@bp.response(200, LogoutOut)
def logout(data):
    """End this login (or, with `everywhere`, every login of the member); a no-op without one."""
    log_out_member(everywhere=data["everywhere"])
    return {"ok": True}


@bp.get("/me")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.response(200, MemberOut)
def me():
    """The member's summary."""
    return member_summary(current_user)


class LanguageIn(Schema):
    language = Text(required=True, validate=[one_of(list(LANGUAGES))],
                    metadata={"description": "One of " + ", ".join(LANGUAGES) + "."})
    timezone = Text(load_default=None, max_length=64,
                    metadata={"description": "An IANA time zone (Asia/Shanghai); omitted keeps the saved one."})


class LanguageOut(Schema):
    language = Text(required=True)
    timezone = Text(required=True, allow_none=True, metadata={"description": "null: the site's default."})


@bp.post("/me/language")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.arguments(LanguageIn)
@bp.response(200, LanguageOut)
def my_language(data):
    """Save the member's language (pages and JSON messages follow it) and, optionally, time zone."""
    save_language(current_user, data["language"], data["timezone"])
    return {"language": current_user.language, "timezone": current_user.timezone}


@bp.get("/me/transactions")
@login_required_json
@doc(security=MEMBER, refuses=(401,))
@bp.arguments(TransactionsQuery, location="query")
@bp.response(200, TransactionsOut)
def my_transactions(query):
    """The member's transfers, newest first, a page at a time."""
    limit = query["limit"]
    rows = history(db.session, wallet_id(db.session, current_user.id), limit=limit, before=query["before"])
    items = [{"id": t.id, "amount": signed, "kind": t.kind, "memo": t.memo, "created_at": t.created_at}
             for t, signed in rows]
    return {"items": items, "next_before": items[-1]["id"] if len(items) == limit else None}
