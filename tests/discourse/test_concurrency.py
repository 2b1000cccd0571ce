"""Deliveries arriving at once (Discourse's job queue runs several workers):
likes of one post count one after another and pay once; the same event id
delivered concurrently is recorded once. On PostgreSQL the requests really
overlap; on SQLite they queue behind its write lock, which must hold too."""
import threading

import pytest

from tests.discourse.forum import Forum, client_sender, post

THREADS = 8


@pytest.fixture
def app_config(app_config):
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": THREADS + 4, "max_overflow": 0}
    return app_config


def together(app, work):
    """Run work(forum, n) in THREADS threads, each with its own client, started at once."""
    start = threading.Barrier(THREADS, timeout=60)
    results, errors = [None] * THREADS, []

    def worker(n):
        forum = Forum(client_sender(app.test_client()))
        start.wait()
        try:
            results[n] = work(forum, n)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_concurrent_likes_are_all_counted_and_pay_once(app, forum, books):
    crowd = [forum.seasoned(100 + n, f"trader{100 + n}") for n in range(THREADS)]
    the_post = post(501, 10, "grid_anna")
    results = together(app, lambda f, n: f.like(the_post, *crowd[n]))
    assert all(status == 200 for status, _ in results), results
    assert sorted(answer["status"] for _, answer in results) == (
        ["below_threshold"] * 4 + ["duplicate"] * (THREADS - 5) + ["paid"])
    assert books.balance(10) == 10
    # One after another: each like saw every like before it, none twice.
    seen = sorted(int(e.detail.split()[0]) for e in books.events(event_name="post_liked"))
    assert seen == list(range(1, THREADS + 1))


def test_one_delivery_sent_concurrently_is_recorded_once(app, books):
    answer_post = post(701, 21, "helper_cleo", topic_id=70)
    results = together(app, lambda f, n: f.accepted(answer_post, event_id="4711"))
    assert all(status == 200 for status, _ in results), results
    assert sorted(answer["replayed"] for _, answer in results) == [False] + [True] * (THREADS - 1)
    assert {answer["coins"] for _, answer in results} == {20}
    assert books.balance(21) == 20 and len(books.events(event_id="4711")) == 1
