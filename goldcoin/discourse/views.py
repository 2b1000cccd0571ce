"""The forum's two doors: `POST /integrations/discourse` (webhooks, signed)
and `GET /login/discourse` (DiscourseConnect). Thin: read the request, call
the service, answer."""
from flask import Blueprint, current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goldcoin.auth.models import User
from goldcoin.core.time import utcnow
from goldcoin.extensions import db, limiter
from goldcoin.security import csrf_exempt, log_in_member

from . import connect, service
from .errors import ConnectRefused, NotConfigured
from .settings import instance_url

hooks_bp = Blueprint("discourse_hooks", __name__)
connect_bp = Blueprint("discourse_connect", __name__)

NONCE_KEY = "discourse_connect_nonce"


# ------------------------------------------------------------------ webhooks


@hooks_bp.post("/integrations/discourse")
@limiter.limit(lambda: current_app.config["DISCOURSE_WEBHOOK_RATE_LIMIT"])
@csrf_exempt
def webhook():
    headers = request.headers
    delivery = service.Delivery(
        raw=request.get_data(cache=True),  # the exact signed bytes, never a re-encoded parse
        signature=headers.get("X-Discourse-Event-Signature"),
        event_type=headers.get("X-Discourse-Event-Type"),
        event_name=headers.get("X-Discourse-Event"),
        event_id=headers.get("X-Discourse-Event-Id"),
        instance=headers.get("X-Discourse-Instance"),
    )
    config = current_app.config
    answer = service.receive(db.session, delivery, secret=config.get("DISCOURSE_WEBHOOK_SECRET"),
                             default_instance=config.get("DISCOURSE_URL"))
    return jsonify(answer._asdict())


# ------------------------------------------------------------------ DiscourseConnect


def _forum():
    """(secret, forum URL) of DiscourseConnect, or None when not set up."""
    secret = current_app.config.get("DISCOURSE_CONNECT_SECRET")
    if not secret:
        return None  # asked on every login page: no query when sign-in is off
    forum = instance_url(db.session, current_app.config.get("DISCOURSE_URL"))
    return (secret, forum) if forum else None


def sign_in_available():
    """For the login page: whether to offer "Sign in with the forum"."""
    return _forum() is not None


@connect_bp.get("/login/discourse")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def login():
    forum = _forum()
    if forum is None:
        raise NotConfigured(_("Signing in with the forum is not set up on this site."), code="not_found")
    secret, forum_url = forum
    if "sso" in request.args or "sig" in request.args:
        user_id, next_path = connect.finish(
            db.session, secret=secret, sso=request.args.get("sso"), sig=request.args.get("sig"),
            expected_nonce=session.pop(NONCE_KEY, None), now=utcnow(),
        )
        user = db.session.get(User, user_id)
        if not user.is_active:
            raise ConnectRefused(_("This account is banned."))
        log_in_member(user)
        flash(_("Signed in with the forum as %(username)s.", username=user.username), "success")
        return redirect(next_path)
    next_path = connect.safe_return_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path)
    return_url = current_app.config["GOLDCOIN_PUBLIC_URL"].rstrip("/") + url_for("discourse_connect.login")
    target, nonce = connect.begin(db.session, secret=secret, forum_url=forum_url, return_sso_url=return_url,
                                  return_path=next_path, now=utcnow())
    session[NONCE_KEY] = nonce
    return redirect(target)
