"""Adjustments, reversals, member and token changes through the admin forms:
ledger invariants hold (the `app` fixture reconciles after each test), nothing
is edited or deleted, and every action leaves an audit entry."""
import csv
import io

from sqlalchemy import select

from goldcoin.auth.models import ApiToken, User
from goldcoin.core.admin import SecureModelView
from goldcoin.core.audit import AdminAction
from goldcoin.ledger import ADJUSTMENTS, reconcile, system_account_id, wallet_id
from goldcoin.ledger.models import Account, Transfer

from .conftest import hidden_value


def balance(session, user_id):
    session.expire_all()
    return session.scalar(select(Account.balance).where(Account.user_id == user_id))


def audit_entries(session, action):
    session.expire_all()
    return session.scalars(select(AdminAction).where(AdminAction.action == action).order_by(AdminAction.id)).all()


def adjust_form(page, member=""):
    html = page.get(f"/admin/adjust/?member={member}").get_data(as_text=True)
    return {"csrf_token": hidden_value(html, "csrf_token"), "key": hidden_value(html, "key")}


def test_adjustment_posts_one_transfer_and_a_double_submit_adjusts_once(admin_page, make_user, session):
    bob = make_user("bob", coins=10)
    form = adjust_form(admin_page, "bob")
    form.update(member="bob", amount="25", reason="forum contest prize")
    first = admin_page.post("/admin/adjust/", data=form)
    assert first.status_code == 302
    second = admin_page.post("/admin/adjust/", data=form)  # the same rendered form, submitted again
    assert second.status_code == 302
    assert balance(session, bob.id) == 35
    posted = session.scalars(select(Transfer).where(Transfer.kind == "adjustment", Transfer.memo == "forum contest prize")).all()
    assert len(posted) == 1
    chief = session.scalar(select(User).where(User.username == "chief"))
    assert posted[0].actor_id == chief.id
    assert posted[0].from_account_id == system_account_id(session, ADJUSTMENTS)
    assert posted[0].to_account_id == wallet_id(session, bob.id)
    entries = audit_entries(session, "ledger.adjust")
    assert len(entries) == 1
    assert entries[0].actor_id == chief.id and entries[0].target == f"user:{bob.id}"
    assert entries[0].details["amount"] == 25 and entries[0].details["transfer_id"] == posted[0].id
    follow = admin_page.get("/admin/adjust/").get_data(as_text=True)
    assert "already posted" in follow

    # A new rendering is a new adjustment: take 5 back.
    form = adjust_form(admin_page)
    form.update(member="BOB", amount="-5", reason="typo")
    assert admin_page.post("/admin/adjust/", data=form).status_code == 302
    assert balance(session, bob.id) == 30
    assert reconcile(session).ok


def test_adjustment_validation(admin_page, make_user, session):
    bob = make_user("bob", coins=10)
    for bad in (
        {"member": "bob", "amount": "0", "reason": "x"},
        {"member": "bob", "amount": "1.5", "reason": "x"},
        {"member": "bob", "amount": "5", "reason": "   "},
        {"member": "nobody", "amount": "5", "reason": "x"},
        {"member": "bob", "amount": "99999999999", "reason": "x"},
    ):
        form = adjust_form(admin_page)
        form.update(bad)
        r = admin_page.post("/admin/adjust/", data=form)
        assert r.status_code == 400, bad
    form = adjust_form(admin_page)
    form.update(member="bob", amount="-11", reason="overdraw")
    r = admin_page.post("/admin/adjust/", data=form)
    assert r.status_code == 409 and "does not hold" in r.get_data(as_text=True)
    assert balance(session, bob.id) == 10
    assert audit_entries(session, "ledger.adjust") == []


def test_reverse_button_posts_the_reversing_transfer(admin_page, make_user, session):
    bob = make_user("bob", coins=40)
    original = session.scalar(select(Transfer).where(Transfer.idempotency_key == f"adjust:test-funds:{bob.id}"))
    listing = admin_page.get("/admin/transfers/").get_data(as_text=True)
    assert f'action="/admin/transfers/reverse/{original.id}"' in listing

    refused = admin_page.post(f"/admin/transfers/reverse/{original.id}", data={"reason": ""})
    assert refused.status_code == 302 and balance(session, bob.id) == 40

    r = admin_page.post(f"/admin/transfers/reverse/{original.id}", data={"reason": "granted by mistake"})
    assert r.status_code == 302
    again = admin_page.post(f"/admin/transfers/reverse/{original.id}", data={"reason": "granted by mistake"})
    assert again.status_code == 302
    assert balance(session, bob.id) == 0
    session.expire_all()
    reversal = session.scalar(select(Transfer).where(Transfer.reverses_id == original.id))
    assert reversal.amount == 40 and reversal.kind == original.kind and reversal.memo == "granted by mistake"
    assert (reversal.from_account_id, reversal.to_account_id) == (original.to_account_id, original.from_account_id)
    # The original is untouched.
    assert session.get(Transfer, original.id).amount == 40
    assert session.scalar(select(Transfer).where(Transfer.id == original.id)).reverses_id is None
    entries = audit_entries(session, "ledger.reverse")
    assert [(e.target, e.details["reversal_id"]) for e in entries] == [(f"transfer:{original.id}", reversal.id)]
    # A reversal has no Reverse button and cannot be reversed.
    listing = admin_page.get("/admin/transfers/").get_data(as_text=True)
    assert f'action="/admin/transfers/reverse/{reversal.id}"' not in listing
    # Nor has the original any more: it says what reversed it.
    assert f'action="/admin/transfers/reverse/{original.id}"' not in listing
    assert f"reversed by #{reversal.id}" in listing
    admin_page.post(f"/admin/transfers/reverse/{reversal.id}", data={"reason": "undo"})
    assert balance(session, bob.id) == 0
    assert reconcile(session).ok


def test_reversal_the_wallet_cannot_cover_is_refused(admin_page, make_user, make_api, session):
    bob = make_user("bob", coins=40)
    original = session.scalar(select(Transfer).where(Transfer.idempotency_key == f"adjust:test-funds:{bob.id}"))
    form = adjust_form(admin_page)
    form.update(member="bob", amount="-30", reason="spent")
    admin_page.post("/admin/adjust/", data=form)
    r = admin_page.post(f"/admin/transfers/reverse/{original.id}", data={"reason": "clawback"}, follow_redirects=True)
    assert "was not reversed" in r.get_data(as_text=True)
    assert balance(session, bob.id) == 10
    assert audit_entries(session, "ledger.reverse") == []


def test_role_and_ban_changes_are_audited(admin_page, make_user, make_page_client, session):
    bob = make_user("bob")
    html = admin_page.get(f"/admin/members/edit/?id={bob.id}").get_data(as_text=True)
    r = admin_page.post(
        f"/admin/members/edit/?id={bob.id}",
        data={"csrf_token": hidden_value(html, "csrf_token"), "role": "moderator"},
    )
    assert r.status_code == 302
    session.expire_all()
    assert session.get(User, bob.id).role == "moderator"
    [entry] = audit_entries(session, "member.role")
    assert entry.details["old"] == "member" and entry.details["new"] == "moderator"

    bob_page = make_page_client("bob")
    r = admin_page.post("/admin/members/action/", data={"action": "ban", "rowid": [str(bob.id)]})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(User, bob.id).is_banned
    assert [e.target for e in audit_entries(session, "member.ban")] == [f"user:{bob.id}"]
    # A banned member's existing session no longer counts.
    assert bob_page.get("/admin/").status_code == 302
    admin_page.post("/admin/members/action/", data={"action": "unban", "rowid": [str(bob.id)]})
    session.expire_all()
    assert not session.get(User, bob.id).is_banned
    assert len(audit_entries(session, "member.unban")) == 1


def test_token_created_once_and_revoked(admin_page, client, session):
    html = admin_page.get("/admin/tokens/new/").get_data(as_text=True)
    r = admin_page.post(
        "/admin/tokens/new/", data={"csrf_token": hidden_value(html, "csrf_token"), "name": "forum", "scope": "admin"}
    )
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    page = r.get_data(as_text=True)
    plaintext = page.split('id="token-plaintext"', 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    assert plaintext.startswith("gc_")
    token = session.scalar(select(ApiToken).where(ApiToken.name == "forum"))
    assert token.token_hash != plaintext and plaintext not in admin_page.get("/admin/tokens/").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.post("/api/v1/admin/adjustments", json={}, headers=headers).status_code == 400  # accepted, bad body

    admin_page.post("/admin/tokens/action/", data={"action": "revoke", "rowid": [str(token.id)]})
    assert client.post("/api/v1/admin/adjustments", json={}, headers=headers).status_code == 401
    assert [e.target for e in audit_entries(session, "token.create")] == [f"token:{token.id}"]
    assert [e.target for e in audit_entries(session, "token.revoke")] == [f"token:{token.id}"]


def test_every_model_view_audits_create_edit_delete(app, make_user, make_page_client, session):
    """Any domain's SecureModelView gets the audit hooks (here a throwaway view)."""

    class Scratch(SecureModelView):
        form_columns = ("name", "scope", "token_hash")

    app.extensions["goldcoin_admin"].add_view(Scratch(ApiToken, app.extensions["sqlalchemy"], endpoint="scratch", name="Scratch"))
    make_user("chief", role="admin")
    admin_page = make_page_client("chief")
    html = admin_page.get("/admin/scratch/new/").get_data(as_text=True)
    r = admin_page.post(
        "/admin/scratch/new/",
        data={"csrf_token": hidden_value(html, "csrf_token"), "name": "x", "scope": "events", "token_hash": "h" * 64},
    )
    assert r.status_code == 302
    token = session.scalar(select(ApiToken).where(ApiToken.name == "x"))
    token_id = token.id
    html = admin_page.get(f"/admin/scratch/edit/?id={token.id}").get_data(as_text=True)
    admin_page.post(
        f"/admin/scratch/edit/?id={token.id}",
        data={"csrf_token": hidden_value(html, "csrf_token"), "name": "y", "scope": "events", "token_hash": "h" * 64},
    )
    admin_page.post("/admin/scratch/delete/", data={"id": str(token.id)})
    session.expire_all()
    assert session.get(ApiToken, token_id) is None
    created, edited, deleted = (audit_entries(session, a) for a in ("model.create", "model.edit", "model.delete"))
    assert [e.target for e in created] == [f"ApiToken:{token_id}"]
    assert created[0].details["changes"]["token_hash"] == "<redacted>"
    assert edited[0].details["changes"]["name"] == ["x", "y"]
    assert deleted[0].details["values"]["name"] == "y"
    assert audit_entries(session, "model.create")[0].actor_id is not None
    # The audit log is readable in the admin, and read-only.
    listing = admin_page.get("/admin/audit/").get_data(as_text=True)
    assert "model.delete" in listing
    assert admin_page.get("/admin/audit/new/").status_code == 302


def test_csv_export_matches_the_transfers_table(admin_page, make_user, session):
    make_user("alice", coins=100)
    bob = make_user("bob", coins=50)
    for amount in (7, -3, 12):
        form = adjust_form(admin_page)
        form.update(member="alice", amount=str(amount), reason=f"r{amount}, with \"quotes\"")
        admin_page.post("/admin/adjust/", data=form)
    r = admin_page.get("/admin/transfers/export/csv/")
    assert r.status_code == 200 and "text/csv" in r.headers["Content-Type"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    session.expire_all()
    table = session.scalars(select(Transfer).order_by(Transfer.id.desc())).all()
    assert len(rows) == len(table) == 5
    for row, t in zip(rows, table, strict=True):
        assert int(row["Id"]) == t.id
        assert int(row["Amount"]) == t.amount
        assert row["Kind"] == t.kind and row["Memo"] == t.memo
        assert int(row["From Account Id"]) == t.from_account_id and int(row["To Account Id"]) == t.to_account_id
        assert row["Idempotency Key"] == t.idempotency_key

    # Filtered by member (username): only transfers touching bob's wallet.
    filtered = admin_page.get("/admin/transfers/export/csv/?flt0_0=bob")
    ids = [int(row["Id"]) for row in csv.DictReader(io.StringIO(filtered.get_data(as_text=True)))]
    bob_wallet = wallet_id(session, bob.id)
    expected = [t.id for t in table if bob_wallet in (t.from_account_id, t.to_account_id)]
    assert ids == expected and len(ids) == 1
    listing = admin_page.get("/admin/transfers/?flt0_0=alice").get_data(as_text=True)
    assert "r12" in listing and f"adjust:test-funds:{bob.id}" not in listing


def test_members_list_escapes_names_and_links_to_adjust(admin_page, make_user):
    make_user("bob_1")
    html = admin_page.get("/admin/members/").get_data(as_text=True)
    assert 'href="/admin/adjust/?member=bob_1"' in html
