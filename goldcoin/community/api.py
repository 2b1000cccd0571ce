"""Community routes of the JSON API: reading a MetaTrader report without
storing it, and an EA with its performance (API.md "Performance reports")."""
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.earning.settings import get_int
from goldcoin.extensions import db, limiter
from goldcoin.reports import ReportError, read_report

from .models import VERIFIED, ExpertAdvisor
from .performance import performance_json, shown


def _member_or_events_token():
    """A member's session (the app checks its CSRF token) or a Bearer token of scope `events`."""
    token = g.get("api_token")
    if token is not None:
        if token.scope != "events":
            raise ApiError("forbidden", _("This token's scope is '%(scope)s', not 'events'.", scope=token.scope))
    elif not current_user.is_authenticated:
        raise ApiError("unauthorized", _("Log in or send a Bearer token of scope 'events'."))


def _parse_limit():
    # Reading a multi-megabyte report costs a second of CPU: a limit per caller.
    return current_app.config.get("GOLDCOIN_REPORT_PARSE_RATE_LIMIT", "30 per minute")


def _caller_key():
    if g.get("api_token") is not None:
        return f"token:{g.api_token.id}"
    return f"member:{current_user.id}" if current_user.is_authenticated else request.remote_addr


@bp.post("/reports/parse")
@limiter.limit(_parse_limit, key_func=_caller_key)
def parse_report():
    """Read the uploaded report (multipart field `file`) and answer its figures. Nothing is stored."""
    _member_or_events_token()
    upload = request.files.get("file")
    if upload is None:
        raise ApiError("bad_request", _("Send the report as the multipart field 'file'."))
    # The same limit as a report attached to an EA: one never parsed could not be attached either.
    limit = get_int(db.session, "ea_max_upload_bytes")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError("payload_too_large", _("The report may be at most %(value)s KiB.", value=limit // 1024))
    try:
        report = read_report(data)
    except ReportError as exc:
        raise ApiError("bad_request", str(exc)) from None
    return report.to_json()


@bp.get("/eas/<int:ea_id>")
def ea_json(ea_id):
    """An EA and its proof. A pending or rejected EA is visible to its author and moderators only."""
    ea = db.session.get(ExpertAdvisor, ea_id)
    mine = current_user.is_authenticated and (current_user.id == getattr(ea, "author_id", None) or current_user.is_moderator)
    if ea is None or (ea.status != VERIFIED and not mine):
        raise ApiError("not_found", _("No such EA."))
    listed = shown(ea)
    return {
        "id": ea.id,
        "name": ea.name,
        "description": ea.description or "",
        "author": {"id": ea.author_id, "username": ea.author.username},
        "status": str(ea.status),
        "symbol": ea.symbol,
        "timeframe": ea.timeframe,
        "period": ea.period,
        # The figures the pages list: the report's when it was read (null where
        # it states none), else the author's typed ones; `performance` has them all.
        "net_profit": listed["net_profit"],
        "profit_factor": listed["profit_factor"],
        "max_drawdown_pct": listed["max_drawdown_pct"],
        "trades": listed["trades"],
        "win_rate": listed["win_rate"],
        "figures_source": "report" if listed["machine_read"] else "typed",
        "price_coins": ea.price_coins,
        "is_premium": ea.is_premium,
        "created_at": ea.created_at.isoformat() if ea.created_at else None,
        "reviewed_at": ea.reviewed_at.isoformat() if ea.reviewed_at else None,
        "performance": performance_json(ea.performance),
    }
