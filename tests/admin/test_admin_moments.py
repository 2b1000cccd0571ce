"""Moments typed into admin forms are UTC, and an unchanged one is no change."""
from datetime import datetime, timezone

from sqlalchemy import select

from goldcoin.core.audit import AdminAction
from goldcoin.earning.models import BoosterCampaign

from .conftest import hidden_value

NOON_UTC = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def campaign_form(name):
    return {"name": name, "multiplier": "2", "rules": "", "starts_at": "2026-03-10 12:00:00",
            "ends_at": "2026-03-11 12:00:00", "active": "y"}


def test_a_campaign_typed_in_utc_comes_back_in_utc_and_an_edit_records_only_what_changed(admin_page, session):
    html = admin_page.get("/admin/booster_campaigns/new/").get_data(as_text=True)
    data = dict(campaign_form("Double"), csrf_token=hidden_value(html, "csrf_token"))
    assert admin_page.post("/admin/booster_campaigns/new/", data=data).status_code == 302
    campaign = session.scalar(select(BoosterCampaign).where(BoosterCampaign.name == "Double"))
    assert campaign.starts_at == NOON_UTC and campaign.starts_at.tzinfo is timezone.utc

    html = admin_page.get(f"/admin/booster_campaigns/edit/?id={campaign.id}").get_data(as_text=True)
    assert 'value="2026-03-10 12:00:00"' in html
    data = dict(campaign_form("Triple"), csrf_token=hidden_value(html, "csrf_token"))
    assert admin_page.post(f"/admin/booster_campaigns/edit/?id={campaign.id}", data=data).status_code == 302
    [edit] = session.scalars(select(AdminAction).where(AdminAction.action == "model.edit")).all()
    assert set(edit.details["changes"]) == {"name"}
