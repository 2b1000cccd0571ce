"""Every forum event type has a configured maximum (an admin-editable,
validated setting); an amount beyond it is a 400 that pays and records
nothing; boosted amounts never overflow what counts them (PostgreSQL's 32-bit
daily counters refused 2 x 2**31 with a 500)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from goldcoin.core.time import utcnow
from goldcoin.earning.models import BoosterCampaign, EarningSetting, ExternalEvent
from goldcoin.earning.settings import EVENT_TYPES, check_setting, get_decimal, set_setting

from .test_events_api import event, member_balance, post


def events_recorded(session):
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(ExternalEvent))
    session.rollback()
    return count


def test_every_event_type_has_a_maximum_beyond_which_an_amount_is_a_400(client, session, token):
    for n, kind in enumerate(EVENT_TYPES):
        extra = {"upvotes": 5} if kind == "post.upvoted" else {}
        r = post(client, token, event(f"too-much-{n}", kind, object_id=f"o-{n}", amount=100_001, **extra))
        assert r.status_code == 400, (kind, r.get_json())
        body = r.get_json()
        assert body["error"] == "bad_request" and f"event_max.{kind}" in body["message"], body
    assert events_recorded(session) == 0
    r = post(client, token, event("fits", "bounty.awarded", amount=100_000))
    assert r.status_code == 202 and r.get_json()["awarded"] == 100_000


def test_the_maximum_is_a_setting_an_admin_edits_and_it_is_validated(app, client, session, token, make_user):
    from tests.admin.conftest import PageClient

    make_user("chief", role="admin")
    admin = PageClient(app.test_client()).login("chief")
    r = admin.post("/admin/earning_settings/new/", data={"key": "event_max.bounty.awarded", "value": "500"})
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    assert post(client, token, event("b-1", "bounty.awarded", amount=501)).status_code == 400
    assert post(client, token, event("b-2", "bounty.awarded", amount=500)).get_json()["awarded"] == 500
    # Nonsense is refused on the form and nothing is stored.
    for bad in ("lots", "-1", "10000001", "1e3"):
        r = admin.post("/admin/earning_settings/new/", data={"key": "event_max.challenge.won", "value": bad})
        assert "event_max.challenge.won is a whole number from 0 to 10000000" in r.get_data(as_text=True), bad
    r = admin.post("/admin/earning_settings/new/", data={"key": "max_multiplier", "value": "NaN"})
    assert "max_multiplier is a number from 1 to 100" in r.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(EarningSetting.key)).all() == ["event_max.bounty.awarded"]
    assert member_balance(session, "f-1") == 500


def test_set_setting_checks_values_too():
    assert check_setting("event_max.bounty.awarded", "10000000") is None
    assert check_setting("event_max.bounty.awarded", "10000001")
    assert check_setting("max_multiplier", "1000")
    assert check_setting("bounty_expiry_policy", "keep")
    assert check_setting("no_such_setting", "1")


def test_a_value_written_around_the_admin_falls_back_to_the_default(session):
    session.add(EarningSetting(key="max_multiplier", value="1000000"))
    session.commit()
    assert get_decimal(session, "max_multiplier") == Decimal(3)
    with pytest.raises(ValueError):
        set_setting(session, "max_multiplier", "1000000")
    session.rollback()


def test_boosted_bounties_at_the_ceiling_never_overflow(client, session, token):
    """Before: bounty.awarded of 2**31-1 with a 2x booster was a 500 on PostgreSQL."""
    set_setting(session, "event_max.bounty.awarded", "10000000")
    set_setting(session, "max_multiplier", "100")
    now = utcnow()
    session.add(BoosterCampaign(name="x100", multiplier=Decimal(100), rules="",
                                starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)))
    session.commit()
    paid = []
    for n in range(3):  # 3 x 1e9 boosted coins in one day: beyond a 32-bit daily counter
        r = post(client, token, event(f"big-{n}", "bounty.awarded", object_id=f"b-{n}", amount=10_000_000))
        assert r.status_code == 202, r.get_data(as_text=True)
        paid.append(r.get_json()["awarded"])
    assert paid == [1_000_000_000] * 3
    assert member_balance(session, "f-1") == 3_000_000_000
    session.rollback()  # end the read: on SQLite an open transaction holds the write lock
    r = post(client, token, event("big-x", "bounty.awarded", object_id="b-x", amount=2**31 - 1))
    assert r.status_code == 400 and r.get_json()["error"] == "bad_request"
