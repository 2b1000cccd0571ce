"""Paid items: the buyer pays once; author share + sink = price, always."""
import pytest
from sqlalchemy import func, select

from goldcoin.ledger import SINK, InsufficientFunds, Transfer, balance_of, system_account_id, wallet_id
from goldcoin.store.models import Entitlement, Purchase
from goldcoin.store.purchases import buy_item, may_download, owns_item, split_price


@pytest.mark.parametrize("price", [0, 1, 2, 3, 7, 10, 15, 33, 99, 100, 101, 12345])
@pytest.mark.parametrize("percent", [0, 1, 33, 50, 70, 99, 100])
def test_split_parts_sum_to_the_price_and_round_the_author_down(price, percent):
    author, sink = split_price(price, percent)
    assert author + sink == price and author >= 0 and sink >= 0
    assert author <= price * percent / 100 < author + 1


def test_split_rounding_example():
    assert split_price(15, 70) == (10, 5)  # 10.5 -> 10 to the author


def test_purchase_pays_the_author_seventy_percent_and_sink_the_rest_once(session, make_user):
    author = make_user("author")
    buyer = make_user("buyer", coins=100)
    sink = system_account_id(session, SINK)
    sink_before = balance_of(session, sink)

    purchase = buy_item(session, buyer.id, "ea:12", author.id, 15)
    session.commit()
    assert (purchase.price, purchase.seller_coins, purchase.sink_coins) == (15, 10, 5)
    assert balance_of(session, wallet_id(session, buyer.id)) == 85
    assert balance_of(session, wallet_id(session, author.id)) == 10
    assert balance_of(session, sink) == sink_before + 5
    assert owns_item(session, buyer.id, "ea:12")

    again = buy_item(session, buyer.id, "ea:12", author.id, 15)
    session.commit()
    assert again.id == purchase.id
    assert balance_of(session, wallet_id(session, buyer.id)) == 85
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "purchase")) == 2


def test_configurable_share(session, make_user):
    author = make_user("author")
    buyer = make_user("buyer", coins=100)
    p = buy_item(session, buyer.id, "ea:1", author.id, 40, author_share_percent=50)
    session.commit()
    assert (p.seller_coins, p.sink_coins) == (20, 20)
    assert balance_of(session, wallet_id(session, author.id)) == 20


def test_own_item_and_free_item_cost_nothing(session, make_user):
    author = make_user("author", coins=5)
    reader = make_user("reader")
    mine = buy_item(session, author.id, "ea:7", author.id, 50)
    free = buy_item(session, reader.id, "ea:8", author.id, 0)
    session.commit()
    assert mine.price == 0 and free.price == 0
    assert balance_of(session, wallet_id(session, author.id)) == 5
    assert session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "purchase")) == 0


def test_not_enough_coins_buys_nothing(session, make_user):
    author = make_user("author")
    buyer = make_user("buyer", coins=14)
    with pytest.raises(InsufficientFunds):
        buy_item(session, buyer.id, "ea:12", author.id, 15)
    session.rollback()
    assert balance_of(session, wallet_id(session, buyer.id)) == 14
    assert balance_of(session, wallet_id(session, author.id)) == 0
    assert not owns_item(session, buyer.id, "ea:12")
    assert session.scalar(select(func.count(Purchase.id))) == 0


def test_download_decision(session, make_user):
    author = make_user("author")
    buyer = make_user("buyer", coins=50)
    premium_member = make_user("premium")
    stranger = make_user("stranger")
    session.add(Entitlement(user_id=premium_member.id, kind="content_access"))
    buy_item(session, buyer.id, "ea:3", author.id, 20)
    session.commit()
    paid = dict(item_key="ea:3", seller_id=author.id, price=20)
    assert may_download(session, buyer.id, **paid)
    assert may_download(session, author.id, **paid)
    assert not may_download(session, stranger.id, **paid)
    assert not may_download(session, premium_member.id, **paid)  # paid but not premium: buy it
    # Premium Access opens premium EAs without a price; a priced one is paid by everyone.
    assert not may_download(session, premium_member.id, premium=True, **paid)
    assert may_download(session, premium_member.id, premium=True, item_key="ea:5", seller_id=author.id, price=0)
    assert not may_download(session, stranger.id, premium=True, item_key="ea:5", seller_id=author.id, price=0)
    assert may_download(session, stranger.id, item_key="ea:4", seller_id=author.id, price=0)
    assert not may_download(session, None, item_key="ea:4", seller_id=author.id, price=0)
