"""The admin's Accounts list shows a system account's balance as its transfers say."""
from sqlalchemy import select

from goldcoin.admin.views import AccountView
from goldcoin.extensions import db
from goldcoin.ledger import MINT, Account, system_account_id, transfer, wallet_id


def test_accounts_list_shows_the_derived_balance_of_system_accounts(app, session, make_user):
    # The list page itself is not rendered here: with Flask-Babel installed but
    # not yet set up (the i18n work), Flask-Admin's list pages fail in this venv.
    alice = wallet_id(session, make_user().id)
    mint = system_account_id(session, MINT)
    transfer(session, mint, alice, 37, kind="earn.test", key="earn:test:admin")
    session.commit()
    shown = AccountView.column_formatters["balance"]
    with app.app_context():
        accounts = {a.id: a for a in db.session.scalars(select(Account).where(Account.id.in_((mint, alice))))}
        assert shown(None, {}, accounts[mint], "balance") == -37
        assert shown(None, {}, accounts[alice], "balance") == 37
        assert accounts[mint].balance == 0  # the stored figure of a system account is not used
