"""Challenges (enter, admins pick winners, prizes paid once), the admin views,
the booster banner and the referral page."""
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from goldcoin.community.models import Challenge, ChallengeEntry, ExpertAdvisor, Post
from goldcoin.earning.models import BoosterCampaign, EarningRule
from goldcoin.earning.service import ensure_default_rules
from goldcoin.ledger.models import Transfer, utcnow

from .conftest import form_post


def make_challenge(session, prize_pool=300):
    now = utcnow()
    challenge = Challenge(title="Low drawdown month", rules="DD < 10%", prize_pool=prize_pool,
                          starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=10))
    session.add(challenge)
    session.commit()
    challenge_id = challenge.id
    session.rollback()
    return challenge_id


def admin_action(api, endpoint, action, ids):
    """Run a Flask-Admin list action as the logged-in member of `api`."""
    return api.client.post(f"/admin/{endpoint}/action/", data={"action": action, "rowid": ids,
                                                                "csrf_token": api.csrf},
                           headers={"X-CSRFToken": api.csrf})


def test_members_enter_and_admin_pays_winners_once(forum, session, make_user, make_voter, make_api, balance):
    admin, winner, runner_up = make_user(role="admin"), make_voter(), make_voter()
    challenge_id = make_challenge(session)
    for member in (winner, runner_up):
        post_id = session.scalar(select(Post.id).where(Post.author_id == member.id))
        session.rollback()
        api = make_api(member.username)
        assert form_post(api, f"/community/challenges/{challenge_id}/enter", post_id=str(post_id), note="mine").status_code == 302
        form_post(api, f"/community/challenges/{challenge_id}/enter", post_id=str(post_id))  # twice: refused
    entries = {e.user_id: e for e in session.scalars(select(ChallengeEntry))}
    assert set(entries) == {winner.id, runner_up.id}
    entries[winner.id].prize, entries[runner_up.id].prize = 200, 100
    session.commit()
    admin_api = make_api(admin.username)
    assert admin_action(admin_api, "challenges", "pay_winners", [str(challenge_id)]).status_code == 302
    admin_action(admin_api, "challenges", "pay_winners", [str(challenge_id)])  # again: refused
    assert (balance(winner), balance(runner_up)) == (200, 100)
    assert len(session.scalars(select(Transfer).where(Transfer.kind == "earn.challenge")).all()) == 2
    session.rollback()


def test_prizes_may_not_exceed_the_pool(forum, session, make_user, make_voter, make_api, balance):
    admin, member = make_user(role="admin"), make_voter()
    challenge_id = make_challenge(session, prize_pool=50)
    post_id = session.scalar(select(Post.id).where(Post.author_id == member.id))
    session.add(ChallengeEntry(challenge_id=challenge_id, user_id=member.id, post_id=post_id, prize=80))
    session.commit()
    admin_action(make_api(admin.username), "challenges", "pay_winners", [str(challenge_id)])
    assert balance(member) == 0


def test_admin_views_are_role_gated(forum, session, make_user, make_api):
    admin, moderator, member = make_user(role="admin"), make_user(role="moderator"), make_user()
    for endpoint in ("earning_rules", "booster_campaigns", "challenges", "challenge_entries", "ea_queue", "earning_settings"):
        assert make_api(admin.username).get(f"/admin/{endpoint}/").status_code == 200, endpoint
        assert make_api(member.username).get(f"/admin/{endpoint}/").status_code == 403, endpoint
    assert make_api(moderator.username).get("/admin/ea_queue/").status_code == 200
    assert make_api(moderator.username).get("/admin/earning_rules/").status_code == 403
    assert "post_quality" in make_api(admin.username).get("/admin/earning_rules/").get_data(as_text=True)


def test_admin_edits_a_rule_and_award_follows(forum, session, make_user, make_api):
    ensure_default_rules(session)
    session.commit()
    rule_id = session.scalar(select(EarningRule.id).where(EarningRule.code == "solution"))
    session.rollback()
    api = make_api(make_user(role="admin").username)
    page = api.get(f"/admin/earning_rules/edit/?id={rule_id}").get_data(as_text=True)
    token = api.csrf
    assert 'name="amount"' in page
    response = api.client.post(f"/admin/earning_rules/edit/?id={rule_id}", data={
        "csrf_token": token, "name": "Accepted solution", "enabled": "y", "amount": "35", "once_per_object": "y",
        "description": ""})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(EarningRule, rule_id).amount == 35
    session.rollback()


def test_moderator_verifies_from_the_admin_queue(app, forum, session, make_user, make_api, balance):
    from goldcoin.auth.models import User
    from goldcoin.community.eas import upload_ea
    from tests.reports.helpers import STATEMENT, raw

    author, moderator = make_user(), make_user(role="moderator")
    typed = ExpertAdvisor(author_id=author.id, name="Grid", file_name="x.ex4", original_name="x.ex4", symbol="EURUSD",
                          timeframe="H1", period="2024", net_profit=Decimal("1"), profit_factor=Decimal("1.2"),
                          max_drawdown_pct=Decimal("5"), trades=10, win_rate=Decimal("50"))
    session.add(typed)
    read = upload_ea(session, session.get(User, author.id), app.config["UPLOAD_FOLDER"], name="Scalper",
                     description="", file_name="s.ex4", file_data=b"\x00", timeframe="M5",
                     report_name="DetailedStatement.htm", report_data=raw(STATEMENT))
    session.commit()
    ids = [str(typed.id), str(read.id)]
    session.rollback()
    api = make_api(moderator.username)
    page = api.get("/admin/ea_queue/").get_data(as_text=True)
    assert "machine-read mt4_statement · checks passed" in page and "PF 6.80 · DD 2.59 %" in page
    assert "no report (figures typed; override needed)" in page
    admin_action(api, "ea_queue", "verify", ids)
    # The machine-read one pays; the typed one needs an override, given on the queue page.
    assert balance(author) == 50
    session.expire_all()
    assert (session.get(ExpertAdvisor, int(ids[0])).status, session.get(ExpertAdvisor, int(ids[1])).status) == (
        "pending", "verified")
    session.rollback()


def test_booster_banner_shows_while_active(client, session):
    assert 'id="booster-banner"' not in client.get("/").get_data(as_text=True)
    session.add(BoosterCampaign(name="Double weekend", multiplier=Decimal(2), rules="",
                                starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=1)))
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert 'id="booster-banner"' in page and "Double weekend: x2" in page


def test_referral_page_shows_a_register_link(make_user, make_api):
    api = make_api(make_user().username)
    page = api.get("/community/referral").get_data(as_text=True)
    code = re.search(r'id="referral-code">([a-z0-9]+)<', page).group(1)
    assert f"/register?ref={code}" in page


def test_admin_action_without_csrf_token_is_refused(forum, session, make_user, make_api, balance):
    admin, member = make_user(role="admin"), make_user()
    challenge_id = make_challenge(session)
    session.add(ChallengeEntry(challenge_id=challenge_id, user_id=member.id, prize=10))
    session.commit()
    api = make_api(admin.username)
    response = api.client.post("/admin/challenges/action/", data={"action": "pay_winners", "rowid": [str(challenge_id)]})
    assert response.status_code == 400
    assert balance(member) == 0
