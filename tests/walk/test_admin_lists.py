"""The Flask-Admin site in Chromium: every list fits its container at 1280 px
(orders and transfers were wider), an unlimited stock reads "Unlimited" (not a
red "Empty") and 0 "Sold out", and the dashboard has one heading and day
labels that never overlap, at 390 and 1280 px."""
from decimal import Decimal

import pytest

from tests.support.browser import chromium_context, log_in
from tests.support.server import running_demo

LISTS = ["/admin/members/", "/admin/accounts/", "/admin/transfers/", "/admin/tokens/", "/admin/audit/",
         "/admin/earning_rules/", "/admin/earning_settings/", "/admin/booster_campaigns/",
         "/admin/personal_boosters/", "/admin/referrals/", "/admin/forum_events/", "/admin/forum_sections/",
         "/admin/challenges/", "/admin/challenge_entries/", "/admin/ea_queue/", "/admin/bounties/",
         "/admin/rewards/", "/admin/redemptions/", "/admin/entitlements/", "/admin/titles/", "/admin/purchases/",
         "/admin/recharge_packages/", "/admin/bonus_tiers/", "/admin/recharge_orders/", "/admin/ipn_records/",
         "/admin/payment_currencies/", "/admin/discourse_settings/", "/admin/discourse_events/",
         "/admin/discourse_members/"]


def add_long_rows(session):
    """What the demo lacks and real lists have: orders with provider ids and
    failure reasons, and a bounty on an open question."""
    from sqlalchemy import select

    from goldcoin.auth.models import User
    from goldcoin.community.bounties import start_bounty
    from goldcoin.community.models import Section
    from goldcoin.community.service import create_thread
    from goldcoin.ledger.adjustments import adjust_balance
    from goldcoin.payments.models import RechargeOrder

    users = {u.username: u for u in session.scalars(select(User))}
    for i, status in enumerate(["pending", "failed", "expired", "pending", "failed"]):
        member = users[["alice", "bob", "dave", "alice", "bob"][i]]
        session.add(RechargeOrder(
            user_id=member.id, coins=1000 * (i + 1), bonus_coins=50 * i, price=Decimal("10.00") * (i + 1),
            currency="USD", pay_currency="USDT.TRC20", pay_amount=Decimal("10.12345678") * (i + 1),
            txn_id=f"CPHL{i}ABCDEFGH1234567890XYZQWERTYU", address="TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE",
            status=status, provider_status=[0, -1, -1, 1, -2][i], provider_status_text="Waiting for buyer funds",
            failure_reason=("Underpaid: received 9.50000000 USDT.TRC20 of 10.12345678; the buyer was told to "
                            "contact support") if status == "failed" else None))
    carol = users["carol"]  # a moderator may start bounties
    adjust_balance(session, carol.id, 100, reason="walk", key="walk:carol")
    qa = session.scalar(select(Section).where(Section.is_qa.is_(True)))
    thread = create_thread(session, carol, qa, "Why does my grid EA open two orders at the same tick on XAUUSD?",
                           "It happens on every broker.")
    start_bounty(session, carol, thread, 60, days=3)


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory):
    with running_demo(tmp_path_factory.mktemp("walk-admin"), add_rows=add_long_rows) as (base, _):
        yield base


def admin_page(context, base, width):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/login")
    log_in(page, "admin", "admin-demo-pass")
    page.wait_for_url(base + "/profile")
    return page


def test_every_admin_list_fits_its_container_at_1280(admin_server, tmp_path):
    wide = []
    with chromium_context() as context:
        page = admin_page(context, admin_server, 1280)
        for path in LISTS:
            assert page.goto(admin_server + path).status == 200, path
            table, box = page.evaluate("""() => { const t = document.querySelector('table.model-list');
                return [t.scrollWidth, t.parentElement.clientWidth]; }""")
            if table > box:
                wide.append((path, table, box))
                page.screenshot(path=tmp_path / f"wide-{path.strip('/').replace('/', '_')}.png", full_page=True)
        assert not wide, f"lists wider than their container at 1280 px: {wide}"
        page.goto(admin_server + "/admin/recharge_orders/")
        assert page.locator("table.model-list tbody tr").count() == 5  # the long rows are there to be measured
        clipped = page.locator("td.col-txn_id .admin-clip").first
        assert clipped.get_attribute("title").startswith("CPHL4ABCDEFGH")  # whole in the tooltip


STOCK = "table.model-list a[data-pk='{pk}'][name=stock]"
XEDITABLE_RED = "rgb(221, 17, 68)"


def test_unlimited_stock_reads_unlimited_and_zero_sold_out(admin_server):
    with chromium_context() as context:
        page = admin_page(context, admin_server, 1280)
        page.goto(admin_server + "/admin/rewards/")
        cell = page.locator(STOCK.format(pk=1))
        assert cell.inner_text() == "Unlimited"
        assert cell.evaluate("e => getComputedStyle(e).color") != XEDITABLE_RED

        def set_stock(value, before):
            page.locator(STOCK.format(pk=1)).click()
            field = page.locator(".editable-input input")
            assert field.input_value() == before  # the editor edits the number, not the words
            field.fill(value)
            with page.expect_response(lambda r: "/ajax/update/" in r.url) as answer:
                page.locator(".editable-submit").click()
            assert answer.value.status == 200
            page.reload()
            return page.locator(STOCK.format(pk=1))

        cell = set_stock("0", before="")
        assert cell.inner_text() == "Sold out"
        cell = set_stock("", before="0")
        assert cell.inner_text() == "Unlimited"
        assert cell.evaluate("e => getComputedStyle(e).color") != XEDITABLE_RED


@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard_has_one_heading_and_day_labels_that_do_not_overlap(admin_server, width):
    problems = []
    with chromium_context() as context:
        page = admin_page(context, admin_server, width)
        for days in (7, 14, 30, 31, 45, 60, 90, 365):
            page.goto(f"{admin_server}/admin/?days={days}")
            page.wait_for_selector("#economy-chart[data-drawn=true]")
            headings = page.evaluate("""() => [...document.querySelectorAll('h1, h2, h3, h4')]
                .map(h => h.textContent.trim())""")
            if headings.count("Dashboard") != 1 or "Gold Coin admin" in headings:
                problems.append((days, "headings", headings))
            labels = page.evaluate("""() => {
                const chart = document.getElementById('economy-chart').getBoundingClientRect();
                return [...document.querySelectorAll('#economy-chart text[text-anchor=middle]')].map(t => {
                    const r = t.getBoundingClientRect();
                    return [t.textContent, r.left, r.right, chart.left, chart.right]; });
            }""")
            labels.sort(key=lambda label: label[1])
            last_day = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).days.pop()")
            if not labels or labels[-1][0] != last_day[5:]:
                problems.append((days, "last day unlabelled", labels[-1:]))
            for (a, _l, a_right, *_), (b, b_left, *_r) in zip(labels, labels[1:], strict=False):
                if a_right > b_left:
                    problems.append((days, "overlap", a, b))
            if labels and (labels[0][1] < labels[0][3] or labels[-1][2] > labels[-1][4]):
                problems.append((days, "outside the chart", labels[0], labels[-1]))
    assert not problems, problems
