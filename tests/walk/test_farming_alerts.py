"""Defect 7: farming alerts need a baseline and a minimum; a fresh install
does not flag every member who earned something ("vs 0.0 a day")."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from goldcoin.admin.economy import earning_alerts
from goldcoin.auth.models import User
from goldcoin.extensions import db
from goldcoin.ledger import MINT, system_account_id, transfer, wallet_id
from goldcoin.ledger.models import Transfer


def earn(session, user, amount, key, days_ago=0):
    posted = transfer(session, system_account_id(session, MINT), wallet_id(session, user.id), amount,
                      kind="earn.post_quality", key=key).transfer
    if days_ago:
        when = datetime.now(timezone.utc) - timedelta(days=days_ago)
        session.execute(update(Transfer).where(Transfer.id == posted.id).values(created_at=when))


def test_a_fresh_install_flags_nobody_for_ordinary_days(app, make_user, admin_page):
    members = [make_user(f"member_{i}") for i in range(5)]
    with app.app_context():
        for i, member in enumerate(members):
            earn(db.session, member, 60 + 40 * i, f"e:{i}")  # 60..220 coins on day one
        db.session.commit()
        assert earning_alerts(db.session) == []
    page = admin_page.get("/admin/").get_data(as_text=True)
    assert "vs 0.0 a day" not in page


def test_without_a_baseline_only_a_very_large_day_is_flagged(app, make_user):
    old, new = make_user("old"), make_user("new")
    with app.app_context():
        long_ago = datetime.now(timezone.utc) - timedelta(days=40)
        db.session.execute(update(User).where(User.id == old.id).values(created_at=long_ago))
        earn(db.session, old, 10, "e:old:0", days_ago=30)  # the install is older than the baseline
        for d in range(1, 8):
            earn(db.session, old, 20, f"e:old:{d}", days_ago=d)  # 20 a day
        earn(db.session, old, 250, "e:old:today")  # 250 > 5 x 20 and >= 200: flagged
        earn(db.session, new, 900, "e:new:today")  # joined today: no baseline, bar 5 x 200 = 1000
        db.session.commit()
        alerts = earning_alerts(db.session)
        assert [(a["scope"], a.get("username"), a["today"], a["average"]) for a in alerts if a["scope"] == "member"] \
            == [("member", "old", 250, 20.0)]
        earn(db.session, new, 200, "e:new:more")
        db.session.commit()
        flagged = {a["username"]: a for a in earning_alerts(db.session) if a["scope"] == "member"}
        assert set(flagged) == {"old", "new"} and flagged["new"]["average"] is None and flagged["new"]["today"] == 1100
