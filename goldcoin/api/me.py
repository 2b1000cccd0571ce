from flask import jsonify
from flask_login import current_user

from goldcoin.extensions import db
from goldcoin.ledger import history, wallet_id

from .blueprint import bp
from .parse import query_int
from .serialize import history_item_json, member_json
from goldcoin.security import login_required_json


@bp.get("/me")
@login_required_json
def me():
    return jsonify(member_json(current_user))


@bp.get("/me/transactions")
@login_required_json
def my_transactions():
    limit = query_int("limit", default=50, minimum=1, maximum=200)
    before = query_int("before", minimum=1)
    rows = history(db.session, wallet_id(db.session, current_user.id), limit=limit, before=before)
    items = [history_item_json(t, signed) for t, signed in rows]
    next_before = items[-1]["id"] if len(items) == limit else None
    return jsonify(items=items, next_before=next_before)
