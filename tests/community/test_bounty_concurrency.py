"""Ten concurrent starts of the same bounty over real HTTP on PostgreSQL: one
bounty, its coins in escrow once, and every other request refused like a
duplicate (the form's flash and redirect back to the thread), never a 500."""
import threading

import pytest
import requests
from sqlalchemy import func, select

from goldcoin.community.models import Bounty
from tests.support.server import ServerThread

from .test_qa_bounties import ask, escrow

STARTS = 10


@pytest.mark.postgresql_only
def test_concurrent_starts_of_one_bounty_are_refused_never_a_500(forum, app, session, make_user, make_api,
                                                                 db_kind, balance):
    assert db_kind == "postgresql"
    owner = make_user(role="moderator", coins=1000)
    _, thread_id = ask(make_api, owner)
    with ServerThread(app) as server:
        http = requests.Session()
        csrf = http.get(server.base + "/api/v1/auth/csrf").json()["csrf_token"]
        r = http.post(server.base + "/api/v1/auth/login", json={"username": owner.username, "password": "password123"},
                      headers={"X-CSRFToken": csrf})
        assert r.status_code == 200, r.text
        csrf = r.json()["csrf_token"]
        start, answers = threading.Barrier(STARTS, timeout=60), []

        def start_one():
            start.wait()
            r = http.post(f"{server.base}/community/t/{thread_id}/bounty", data={"amount": "100"},
                          headers={"X-CSRFToken": csrf}, allow_redirects=False, timeout=60)
            answers.append(r.status_code)

        workers = [threading.Thread(target=start_one) for _ in range(STARTS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    print(f"\nconcurrent bounty starts: {STARTS} requests, answers {sorted(answers)}")
    assert answers == [302] * STARTS, answers
    assert session.scalar(select(func.count()).select_from(Bounty)) == 1
    session.rollback()
    assert escrow(session) == 100 and balance(owner) == 900
