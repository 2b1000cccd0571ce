"""Defect 6: minted, sold, sunk and escrowed are defined by the ledger's
accounts, and minted + sold - sunk - escrowed = circulating, which the
dashboard shows."""
from goldcoin.extensions import db
from goldcoin.ledger import ADJUSTMENTS, ESCROW, MINT, SALES, SINK, system_account_id, transfer, wallet_id
from goldcoin.ledger.adjustments import adjust_balance


def test_escrow_payouts_mint_nothing_and_adjustments_count(app, make_user, admin_page):
    alice, bob = make_user("alice"), make_user("bob")
    with app.app_context():
        s = db.session
        mint, sales, sink, escrow = (system_account_id(s, c) for c in (MINT, SALES, SINK, ESCROW))
        wa, wb = wallet_id(s, alice.id), wallet_id(s, bob.id)
        transfer(s, mint, wa, 40, kind="earn.post_quality", key="e:1")
        transfer(s, sales, wb, 500, kind="recharge", key="recharge:order:1")
        adjust_balance(s, alice.id, 25, reason="meetup speaker", key="adj:1")
        adjust_balance(s, bob.id, -10, reason="double payout", key="adj:2")
        # bob's bounty: 100 of his coins into escrow, 60 of them paid to alice, 40 still held.
        transfer(s, wb, escrow, 100, kind="bounty.escrow", key="bounty:1:escrow")
        transfer(s, escrow, wa, 60, kind="earn.bounty", key="bounty:1:award")
        transfer(s, wa, sink, 30, kind="redeem", key="redeem:1")
        transfer(s, wa, wb, 7, kind="purchase", key="p:1")  # member to member: no figure moves
        s.commit()

    data = admin_page.get("/admin/dashboard/data.json").get_json()
    assert sum(data["minted"]) == 40 + 25 - 10  # the escrow payout is bob's coins, not new ones
    assert (sum(data["sold"]), sum(data["sunk"]), sum(data["escrowed"])) == (500, 30, 40)
    assert data["circulating"] == 40 + 500 + 25 - 10 - 40 - 30
    totals = data["totals"]
    assert totals["minted"] + totals["sold"] - totals["sunk"] - totals["escrowed"] == totals["circulating"]
    assert totals["ties"] is True

    page = admin_page.get("/admin/").get_data(as_text=True)
    assert 'id="supply-identity"' in page and 'data-ties="true"' in page
    assert "minted <strong>55</strong> + sold <strong>500</strong>" in page
    assert "circulating <strong>485</strong>" in page
    assert page.count("Gold Coin admin</h2>") == 0  # the menu bar already names the site


def test_transfers_between_system_accounts_of_one_figure_move_nothing(app, admin_page):
    with app.app_context():
        s = db.session
        transfer(s, system_account_id(s, ADJUSTMENTS), system_account_id(s, MINT), 5, kind="adjustment", key="x:1")
        s.commit()
    totals = admin_page.get("/admin/dashboard/data.json").get_json()["totals"]
    assert totals == {"minted": 0, "sold": 0, "sunk": 0, "escrowed": 0, "circulating": 0, "ties": True}
