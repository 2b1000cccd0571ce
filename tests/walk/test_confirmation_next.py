""""Go to Premium Content" on the recharge confirmation led to the store's
list. The button now says where it goes and goes there: to Premium EA Access
in the store (with the new balance above it), or, for a member who already
has Premium EA Access, to the EA library."""
import re
from decimal import Decimal

from goldcoin.payments.models import COMPLETED
from goldcoin.payments.orders import create_order, transition
from goldcoin.store.service import redeem_reward
from tests.store.conftest import make_reward  # noqa: F401


def _completed_order(session, user_id, coins=200):
    order = create_order(session, user_id, coins=coins, bonus_coins=0, price=Decimal(coins), currency="CNY",
                         pay_currency="USDT.TRC20", provider="coinpayments")
    order.pay_amount = Decimal("27.5")
    transition(session, order, COMPLETED)
    order_id = order.id
    session.commit()  # and read nothing after it: on SQLite a read holds the lock the app needs
    return order_id


def _next_steps(html):
    button = re.search(r'<a class="button" id="go-to-content" href="([^"]+)">([^<]+)</a>', html)
    return button.group(1), button.group(2)


def test_the_confirmation_leads_to_the_premium_eas_it_names(app, session, make_user, make_api, make_reward):  # noqa: F811
    premium = make_reward("Premium EA Access", cost=100, kind="content_access", duration_days=30,
                          slug="premium-ea-access")
    alice = make_user("alice", coins=30)
    order_id = _completed_order(session, alice.id)
    api = make_api("alice")

    html = api.get(f"/recharge/orders/{order_id}").get_data(as_text=True)
    assert "Go to Premium Content" not in html
    assert _next_steps(html) == ("/store#reward-premium-ea-access",
                                 "Unlock premium EAs in the store (Premium EA Access, 100 coins)")
    assert "Your balance is now <strong>230</strong> coins." in html
    assert 'href="/community/eas">Buy EAs in the EA library</a>' in html
    assert 'id="reward-premium-ea-access"' in api.get("/store").get_data(as_text=True)  # where it lands

    redeem_reward(session, alice.id, premium, "premium")
    session.commit()
    html = api.get(f"/recharge/orders/{order_id}").get_data(as_text=True)
    assert _next_steps(html) == ("/community/eas", "Open the premium EAs in the EA library")
    assert "Your balance is now <strong>130</strong> coins." in html


def test_without_premium_access_on_sale_the_button_says_store(app, session, make_user, make_api):
    bob = make_user("bob")
    order_id = _completed_order(session, bob.id, coins=50)
    html = make_api("bob").get(f"/recharge/orders/{order_id}").get_data(as_text=True)
    assert _next_steps(html) == ("/store", "Spend coins in the store")
