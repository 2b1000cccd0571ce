"""A failed EA upload leaves no file behind (files are staged and moved into
place only when the EA's row commits), and uploads are rate-limited per member."""
import os

import pytest
from sqlalchemy import select

from goldcoin.auth.models import User
from goldcoin.community import eas
from goldcoin.community.models import ExpertAdvisor
from tests.reports.helpers import STATEMENT, raw

from .test_ea_library import PERFORMANCE, only_ea, upload

MIB = b"\x00" * (1024 * 1024)


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder) for d, _, names in os.walk(folder) for f in names)


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(app, session, make_user):
    """Whatever fails after the files were written (a database error at flush
    or commit, a refusal later in the request): the rollback removes them."""
    author = make_user()
    folder = app.config["UPLOAD_FOLDER"]
    for n in range(3):
        eas.upload_ea(session, session.get(User, author.id), folder, name=f"Big {n}", description="",
                      file_name="big.ex4", file_data=MIB * 3, report_name="DetailedStatement.htm",
                      report_data=raw(STATEMENT))
        session.flush()
        session.rollback()
    assert files_under(folder) == []
    # In a savepoint that rolls back, inside a transaction that commits: gone too.
    with pytest.raises(RuntimeError):
        with session.begin_nested():
            eas.upload_ea(session, session.get(User, author.id), folder, name="Inner", description="",
                          file_name="inner.ex4", file_data=b"EA", **_typed())
            raise RuntimeError("refused later")
    kept = eas.upload_ea(session, session.get(User, author.id), folder, name="Kept", description="",
                         file_name="kept.ex4", file_data=b"EA", **_typed())
    name = kept.file_name
    session.commit()
    assert files_under(folder) == [os.path.join("eas", name)]


def _typed():
    fields = ("symbol", "timeframe", "period", "net_profit", "profit_factor", "max_drawdown_pct", "trades",
              "win_rate")
    return {k: PERFORMANCE[k] for k in fields}


def test_a_refused_upload_over_http_leaves_no_file(app, forum, session, make_user, make_api):
    author = make_user()
    api = make_api(author.username)
    folder = app.config["UPLOAD_FOLDER"]
    # A name no text column can hold: refused before anything is written.
    r = upload(api, file_name="trend\x00rider.ex4")
    assert r.status_code == 400
    # Refused by the domain after the files were read (a report attached, figures missing).
    r = upload(api, content=MIB * 3, report=b"not a report", report_name="r.htm", symbol=None, net_profit=None)
    assert r.status_code == 400
    assert only_ea(session) is None and files_under(folder) == []
    assert upload(api).status_code == 302
    ea = only_ea(session)
    assert files_under(folder) == [os.path.join("eas", ea.file_name)]
    assert api.get(f"/community/eas/{ea.id}/download").status_code == 200


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", EA_UPLOAD_RATE_LIMIT="2 per hour",
                      LOGIN_RATE_LIMIT="100 per minute")


def test_uploads_beyond_the_limit_are_429_and_store_nothing(limited, app, forum, session, make_user, make_api):
    alice, bob = make_user(), make_user()
    first = make_api(alice.username)
    assert [upload(first, name=f"EA {n}").status_code for n in range(2)] == [302, 302]
    r = upload(first, name="EA 3")
    assert r.status_code == 429
    # Per member, not per address: another member from the same address still uploads.
    assert upload(make_api(bob.username), name="Bob's EA").status_code == 302
    session.expire_all()
    assert len(session.scalars(select(ExpertAdvisor)).all()) == 3
    session.rollback()
    assert len(files_under(os.path.join(app.config["UPLOAD_FOLDER"], "eas"))) == 3
