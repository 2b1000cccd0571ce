from flask import current_app, jsonify
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from goldcoin.auth.service import AuthError, authenticate, register_member
from goldcoin.earning.referrals import record_referral
from goldcoin.extensions import db, limiter

from .blueprint import bp
from .errors import ApiError
from .parse import get_str, json_body
from .serialize import member_json


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/auth/csrf")
def csrf_token():
    return jsonify(csrf_token=generate_csrf())


@bp.post("/auth/register")
@limiter.limit(_login_limit)
def register():
    data = json_body()
    try:
        user = register_member(
            db.session,
            get_str(data, "username", max_length=32),
            get_str(data, "email", max_length=254),
            get_str(data, "password", max_length=200),
        )
    except AuthError as exc:
        raise ApiError(exc.code, str(exc)) from None
    record_referral(db.session, user.id, get_str(data, "referral_code", required=False, max_length=32))
    db.session.commit()
    login_user(user)
    return member_json(user), 201


@bp.post("/auth/login")
@limiter.limit(_login_limit)
def login():
    data = json_body()
    user = authenticate(db.session, get_str(data, "username"), get_str(data, "password"))
    if user is None:
        raise ApiError("unauthorized", "Wrong username or password.")
    if not user.is_active:
        raise ApiError("forbidden", "This account is banned.")
    login_user(user)
    return member_json(user)


@bp.post("/auth/logout")
def logout():
    if current_user.is_authenticated:
        logout_user()
    return jsonify(ok=True)
