"""Races on PostgreSQL: EAs carrying one report, verified at the same moment by
different moderators, pay once (PaidReport's primary key decides)."""
import pytest
from sqlalchemy import func, select

from goldcoin.auth.models import User
from goldcoin.community.eas import upload_ea, verify_ea
from goldcoin.community.models import ExpertAdvisor, PaidReport
from goldcoin.earning import ensure_default_rules
from goldcoin.ledger.models import Transfer
from tests.earning.test_concurrency import THREADS, run_together
from tests.reports.helpers import STATEMENT, raw


@pytest.fixture
def pool(app_config):
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": THREADS + 4, "max_overflow": 0}


@pytest.mark.postgresql_only
def test_concurrent_verifications_of_one_report_pay_once(pool, app, session, make_user, db_kind, balance):
    assert db_kind == "postgresql"
    ensure_default_rules(session)
    authors = [make_user() for _ in range(THREADS)]
    moderators = [make_user(role="moderator") for _ in range(THREADS)]
    ea_ids = []
    for n, author in enumerate(authors):
        ea = upload_ea(session, session.get(User, author.id), app.config["UPLOAD_FOLDER"], name=f"Copy {n}",
                       description="", file_name="copy.ex4", file_data=b"\x00", timeframe="H1",
                       report_name="statement.htm", report_data=raw(STATEMENT))
        ea_ids.append(ea.id)
    session.commit()

    def verify(s, n):
        return verify_ea(s, s.get(User, moderators[n].id), s.get(ExpertAdvisor, ea_ids[n])).reason

    reasons = run_together(app, verify)
    assert sorted(reasons) == ["paid"] + ["report_reused"] * (THREADS - 1)
    assert sum(balance(author) for author in authors) == 50
    session.expire_all()
    assert set(session.scalars(select(ExpertAdvisor.status))) == {"verified"}
    assert session.scalar(select(func.count()).select_from(PaidReport)) == 1
    assert session.scalar(select(func.count()).select_from(Transfer).where(Transfer.kind == "earn.ea_verified")) == 1
