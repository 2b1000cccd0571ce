"""Defect 2: a setting's value is typed and checked where the admin enters it,
and the settings page lists every known key with its type, default and meaning."""
from markupsafe import escape
from sqlalchemy import select

from goldcoin.earning.models import EarningSetting
from goldcoin.earning.settings import SETTINGS, get_int, get_setting, set_setting
from tests.admin.conftest import hidden_value


def stored(session, key):
    session.expire_all()
    value = session.scalar(select(EarningSetting.value).where(EarningSetting.key == key))
    session.rollback()
    return value


def new_setting(page, key, value):
    html = page.get("/admin/earning_settings/new/").get_data(as_text=True)
    return page.post("/admin/earning_settings/new/", data={
        "csrf_token": hidden_value(html, "csrf_token"), "key": key, "value": value})


def test_the_admin_form_refuses_a_value_of_the_wrong_type(admin_page, session):
    r = new_setting(admin_page, "bounty_days", "abc")
    assert r.status_code == 200  # the form again, with the error
    assert "bounty_days is a whole number" in r.get_data(as_text=True)
    assert stored(session, "bounty_days") is None
    assert new_setting(admin_page, "bounty_expiry_policy", "sometimes").status_code == 200
    assert stored(session, "bounty_expiry_policy") is None
    assert new_setting(admin_page, "bounty_days", "0").status_code == 200  # out of range

    assert new_setting(admin_page, "bounty_days", " 14 ").status_code == 302
    assert stored(session, "bounty_days") == "14"
    assert new_setting(admin_page, "vote_requires_activity", "No").status_code == 302
    assert stored(session, "vote_requires_activity") == "false"


def test_a_bad_row_from_before_the_check_reads_as_the_default(app, session):
    session.add(EarningSetting(key="bounty_days", value="abc"))
    session.commit()
    assert get_int(session, "bounty_days") == 7
    assert get_setting(session, "bounty_days") == "7"


def test_set_setting_checks_too(session):
    try:
        set_setting(session, "max_multiplier", "lots")
    except ValueError as exc:
        assert "max_multiplier is a number" in str(exc)
    else:
        raise AssertionError("accepted a multiplier of 'lots'")


def test_the_settings_page_lists_every_key_with_type_default_and_meaning(admin_page):
    html = admin_page.get("/admin/earning_settings/").get_data(as_text=True)
    for setting in SETTINGS.values():
        assert f'data-key="{setting.key}"' in html
        assert str(escape(setting.meaning)) in html
    assert "one of refund, top_voted" in html
