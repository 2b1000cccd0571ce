"""Defect 5: one history line per EA purchase, with the EA's name, for the
buyer; a "Sale" line for the author; no raw ids or kind codes in what members read."""
import re

from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.earning.referrals import on_contribution, record_referral
from goldcoin.earning.service import ensure_default_rules
from goldcoin.extensions import db
from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id
from tests.community.conftest import form_post
from tests.community.test_ea_library import only_ea, upload


def history_rows(api):
    html = api.get("/history").get_data(as_text=True)
    body = html[html.index('id="history-table"'):html.index("</table>", html.index('id="history-table"'))]
    rows = re.findall(r"<tr data-transfer-id=\"\d+\">(.*?)</tr>", body, re.S)
    # Drop the time cell: the words and the coins remain.
    return [" ".join(re.sub(r"<[^>]+>", " ", r.split("</td>", 1)[1]).split()) for r in rows], html


def test_an_ea_purchase_is_one_line_for_the_buyer_and_a_sale_for_the_author(forum, session, make_user, make_api):
    make_user("ann"), make_user("mod", role="moderator"), make_user("bea", coins=100)
    upload(make_api("ann"), price_coins="15")
    ea = only_ea(session)
    form_post(make_api("mod"), f"/community/eas/{ea.id}/verify", override_reason="Known author")
    bea = make_api("bea")
    assert form_post(bea, f"/community/eas/{ea.id}/buy").status_code == 302

    rows, html = history_rows(bea)
    bought = [r for r in rows if "TrendRider" in r]
    assert bought == ["Bought EA TrendRider v2 EA purchase -15"], rows[:3]
    assert "ea:" not in html and "purchase" not in html.replace("EA purchase", "")

    rows, html = history_rows(make_api("ann"))
    assert [r for r in rows if "TrendRider" in r][0].startswith("Sale: EA TrendRider v2 EA sale +10")
    assert "Bought" not in " ".join(rows)
    assert "earn." not in html  # the verified-EA reward reads as "Earned", not by its rule code


def test_referral_rewards_name_the_member_not_their_number(app, session, make_user, make_api):
    with app.app_context():
        ensure_default_rules(db.session)
        db.session.commit()
    ref, newbie = make_user("rita"), make_user("nico")
    with app.app_context():
        from goldcoin.earning.referrals import referral_code_for

        code = referral_code_for(db.session, ref.id)
        record_referral(db.session, newbie.id, code)
        transfer(db.session, system_account_id(db.session, MINT), wallet_id(db.session, newbie.id), 5,
                 kind="earn.post_quality", key="e:nico")
        on_contribution(db.session, newbie.id)
        db.session.commit()
        assert db.session.scalar(select(User.id).where(User.username == "nico")) == newbie.id
    rows, html = history_rows(make_api("rita"))
    assert any("Referral reward: nico made their first contribution" in r for r in rows), rows
    assert f"#{newbie.id}" not in html and "first_contribution" not in html
