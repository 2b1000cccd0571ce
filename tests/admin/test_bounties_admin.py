"""The admins' list of bounties: read-only, filtered by state; its one action
resolves expired bounties through goldcoin.community.bounties (the ledger)."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from goldcoin.community.models import Bounty, Section
from goldcoin.core.audit import AdminAction
from goldcoin.extensions import db
from goldcoin.ledger import ESCROW, balance_of, system_account_id
from goldcoin.ledger.models import Transfer, utcnow
from tests.community.conftest import forum  # noqa: F401


@pytest.fixture
def bounties(app, make_user, forum):  # noqa: F811 - the fixture imported above
    """An open bounty by ann, one awarded to bo's answer, one past its deadline."""
    from goldcoin.auth.models import User
    from goldcoin.community.bounties import award_bounty, start_bounty
    from goldcoin.community.service import create_thread, reply

    ann, bo = make_user("ann_asks", role="moderator", coins=500), make_user("bo_answers")
    with app.app_context():
        s = db.session
        asker, helper = s.get(User, ann.id), s.get(User, bo.id)
        qa = s.get(Section, forum["qa"])
        ids = {}
        for name, amount in (("open", 30), ("awarded", 40), ("expired", 50)):
            thread = create_thread(s, asker, qa, f"Why does my EA stop ({name})?", "It stops.")
            ids[name] = start_bounty(s, asker, thread, amount).id
            if name == "awarded":
                post = reply(s, helper, thread, "Check the spread.")
                award_bounty(s, asker, s.get(Bounty, ids[name]), post)
        s.execute(update(Bounty).where(Bounty.id == ids["expired"]).values(expires_at=utcnow() - timedelta(hours=1)))
        s.commit()
    return ann, bo, ids


def test_bounties_list_shows_asker_question_amount_state_deadline_and_winner(bounties, admin_page, session):
    ann, bo, ids = bounties
    html = admin_page.get("/admin/bounties/").get_data(as_text=True)
    awarded = session.get(Bounty, ids["awarded"])
    for text in ("Asker", "Question", "Deadline", "Winner", "Why does my EA stop (open)?", "awarded",
                 f'href="/community/t/{awarded.thread_id}"', f'href="/admin/members/details/?id={ann.id}"',
                 f'href="/admin/members/details/?id={bo.id}"'):
        assert text in html, text
    # Read-mostly: no create, edit or delete.
    assert "/admin/bounties/new/" not in html and "/admin/bounties/edit/" not in html
    assert admin_page.get("/admin/bounties/new/").status_code in (302, 403)
    assert admin_page.get(f"/admin/bounties/edit/?id={ids['open']}").status_code in (302, 403)


def test_bounties_filter_by_state(bounties, admin_page, app):
    ann, bo, ids = bounties
    view = next(v for v in app.extensions["goldcoin_admin"]._views if getattr(v, "endpoint", None) == "bounties")
    index = next(i for i, f in enumerate(view._filters) if str(f.name) == "Status" and str(f.operation()) == "equals")
    html = admin_page.get(f"/admin/bounties/?flt0_{index}=awarded").get_data(as_text=True)
    assert "(awarded)" in html and "(open)" not in html and "(expired)" not in html


def test_resolve_now_refunds_only_expired_bounties_through_the_ledger(bounties, admin_page, session, balance):
    ann, bo, ids = bounties
    before = balance(ann)
    escrow = balance_of(session, system_account_id(session, ESCROW))
    response = admin_page.post("/admin/bounties/action/", data={
        "action": "resolve_expired", "rowid": [str(ids["open"]), str(ids["expired"]), str(ids["awarded"])],
    }, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"#{ids['expired']}: refunded" in html and "still open before their deadline" in html
    session.expire_all()
    statuses = {name: session.get(Bounty, bounty_id).status for name, bounty_id in ids.items()}
    assert statuses == {"open": "open", "awarded": "awarded", "expired": "refunded"}
    assert balance(ann) == before + 50
    assert balance_of(session, system_account_id(session, ESCROW)) == escrow - 50
    refund = session.scalars(select(Transfer).where(Transfer.kind == "bounty.refund")).one()
    assert refund.idempotency_key == f"bounty:{ids['expired']}:refund" and refund.amount == 50
    assert session.scalar(select(AdminAction.target).where(AdminAction.action == "bounty.resolve")) == \
        f"bounty:{ids['expired']}"
    # Again: nothing moves twice.
    admin_page.post("/admin/bounties/action/", data={"action": "resolve_expired", "rowid": [str(ids["expired"])]})
    assert balance(ann) == before + 50
