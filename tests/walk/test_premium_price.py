"""Defect 14: Premium Access does not give a priced EA away. A priced EA is
paid by every member, premium or not, and its author gets the share; the
upload form and the EA page say so."""
import re

from tests.community.conftest import form_post
from tests.integration.test_store_meets_community import publish_ea, redeem


def test_a_premium_holder_pays_a_priced_premium_ea_and_the_author_is_paid(forum, session, make_user, make_api, balance):
    author, ea_id = publish_ea(make_api, make_user, session, price=30, premium=True)
    member = make_user(coins=130)
    api = make_api(member.username)
    redeem(session, member, "premium-ea-access")  # 100 coins
    assert api.get(f"/community/eas/{ea_id}/download").status_code == 403  # not free for premium holders
    page = api.get(f"/community/eas/{ea_id}").get_data(as_text=True)
    assert "Buy for 30 coins" in page
    assert "Every member pays this price, Premium Access holders too; the author gets 70%." in page
    assert "· premium" not in page
    assert form_post(api, f"/community/eas/{ea_id}/buy").status_code == 302
    assert api.get(f"/community/eas/{ea_id}/download").status_code == 200
    assert balance(author) == 50 + 21 and balance(member) == 0


def test_the_upload_form_states_the_rule(make_user, make_api):
    make_user("ann")
    form = make_api("ann").get("/community/eas/new").get_data(as_text=True)
    assert 'id="premium-rule"' in form
    assert "With a price, every member pays it, Premium Access holders too, and you get 70% of it." in form


def test_the_price_label_says_what_a_member_pays(forum, session, make_user, make_api):
    """The library and the EA page label an EA by what a member pays: its
    price (premium or not), free with Premium EA Access, or free."""
    labels = {}
    for price, premium in ((10, True), (1, False), (0, True), (0, False)):
        _, ea_id = publish_ea(make_api, make_user, session, price=price, premium=premium)
        labels[ea_id] = (price, premium)
    reader = make_api(make_user().username)
    library = reader.get("/community/eas").get_data(as_text=True)
    said = dict(re.findall(r'<tr data-ea-id="(\d+)">.*?<td class="num">([^<]*)</td></tr>', library, re.S))
    assert {labels[int(i)]: label for i, label in said.items()} == {
        (10, True): "10 coins", (1, False): "1 coin", (0, True): "Free with Premium EA Access", (0, False): "Free"}
    for ea_id in labels:
        page = reader.get(f"/community/eas/{ea_id}").get_data(as_text=True)
        shown = re.search(r'<p class="ea-price">([^<]*)</p>', page).group(1)
        assert shown == said[str(ea_id)]
        assert "Premium Access</p>" not in page and "· premium" not in page
