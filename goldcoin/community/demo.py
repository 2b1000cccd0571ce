"""Community demo data, made through the real paths (votes, verification,
accepted answer), so the coins it pays are ordinary earn.* transfers."""
import io  # noqa: F401
import os
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.auth.service import register_member
from goldcoin.earning.service import ensure_default_rules
from goldcoin.ledger.models import utcnow

from . import challenges, eas, service
from .models import Challenge, Section

# Lazy: `flask goldcoin demo --locale zh_CN` writes the demo's content in Chinese.
SECTIONS = [
    ("general", _l("General discussion"), _l("Anything about automated trading."), False, False),
    ("qa", _l("Q&A"), _l("Ask; the accepted answer earns 20 coins."), False, True),
    ("strategies", _l("Strategies"), _l("Share and discuss EA strategies."), False, False),
    ("commercial", _l("Commercial"), _l("Offers and services (a privilege)."), True, False),
]


def create_community_demo(session, config=None):
    """Sections, a quality post with five upvotes, two EAs (one verified), a
    question with an accepted answer, an open challenge with an entry, and a
    commercial thread."""
    if session.scalar(select(Section.id)):
        return False
    ensure_default_rules(session)
    for n, (slug, name, description, commercial, qa) in enumerate(SECTIONS):
        session.add(Section(slug=slug, name=str(name), description=str(description), is_commercial=commercial, is_qa=qa,
                            position=n))
    session.flush()
    users = {u.username: u for u in session.scalars(select(User))}
    # Voters must be old enough and active for their votes to count.
    for name in ("erin", "frank", "grace"):
        if name not in users:
            users[name] = register_member(session, name, f"{name}@example.com", f"{name}-demo-pass")
    for user in users.values():
        user.created_at = utcnow() - timedelta(days=30)
    sections = {s.slug: s for s in session.scalars(select(Section))}

    for name in ("bob", "carol", "dave", "erin", "frank", "grace"):
        service.create_thread(session, users[name], sections["general"], _("Hello from %(name)s", name=name),
                              _("Glad to be here."))
    post_thread = service.create_thread(
        session, users["alice"], sections["strategies"], _("Grid EA settings for EURUSD"),
        _("20-pip grid, max 5 levels, close all at +1 percent of equity. Works best in ranges."))
    post = session.scalar(select(service.Post).where(service.Post.thread_id == post_thread.id))
    for name in ("bob", "carol", "dave", "erin", "frank"):
        service.upvote(session, users[name], post)

    upload = (config or {}).get("UPLOAD_FOLDER") or os.path.join("instance", "uploads")
    ea = eas.upload_ea(
        session, users["alice"], upload, name="TrendRider v2", description=_("H1 trend follower with ATR stops."),
        file_name="TrendRider.ex4", file_data=b"demo EA binary", symbol="EURUSD", timeframe="H1",
        period=_("%(start)s to %(end)s", start="2023-01-01", end="2024-01-01"), net_profit="1523.40",
        profit_factor="1.85", max_drawdown_pct="12.50", trades="312", win_rate="61.20")
    # No MetaTrader report ships with the demo: carol verifies it on her word.
    eas.verify_ea(session, users["carol"], ea, override_reason=_("Demo data: figures typed by hand."))
    eas.upload_ea(
        session, users["dave"], upload, name="Night Scalper", description=_("Asian-session scalper."),
        file_name="NightScalper.mq5", file_data=b"// demo source", symbol="GBPUSD", timeframe="M5",
        period=_("%(start)s to %(end)s", start="2024-01-01", end="2024-06-30"), net_profit="640.00", profit_factor="1.32",
        max_drawdown_pct="8.10", trades="1204", win_rate="72.50", price_coins=30)

    question = service.create_thread(session, users["dave"], sections["qa"], _("OrderSend error 130?"),
                                     _("My EA gets error 130 on every order. Why?"))
    answer = service.reply(session, users["bob"], question, _("Error 130 is invalid stops: respect MODE_STOPLEVEL."))
    service.accept_answer(session, users["dave"], question, answer)

    now = utcnow()
    challenge = Challenge(title=_("Best low-drawdown EA of the month"), rules=_("Max drawdown under 10%, 6 months tested."),
                          prize_pool=300, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=29))
    session.add(challenge)
    session.flush()
    # An entry that links to its EA, and a commercial thread members without
    # the privilege can read (and are told how to reply to).
    challenges.enter_challenge(session, users["alice"], challenge, ea_id=ea.id, note=_("Tested over a full year."))
    service.create_thread(session, users["carol"], sections["commercial"], _("How to post an offer here"),
                          _("State the price, what is included and how buyers reach you. One thread per offer."))
    return True
