from flask import jsonify

from goldcoin.auth.models import User
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, reverse, wallet_id
from goldcoin.ledger.adjustments import adjust_balance
from goldcoin.ledger.models import Transfer
from goldcoin.security import acting_user_id, admin_required_json

from .blueprint import bp
from .errors import ApiError
from .parse import get_int, get_str, json_body
from .serialize import transfer_json

MAX_ADJUSTMENT = 10_000_000


@bp.post("/admin/adjustments")
@admin_required_json
def create_adjustment():
    data = json_body()
    user_id = get_int(data, "user_id", minimum=1)
    amount = get_int(data, "amount", nonzero=True, minimum=-MAX_ADJUSTMENT, maximum=MAX_ADJUSTMENT)
    reason = get_str(data, "reason", max_length=255)
    key = get_str(data, "key", required=False, max_length=120)
    if db.session.get(User, user_id) is None:
        raise ApiError("not_found", f"No member {user_id}.")
    posting = adjust_balance(db.session, user_id, amount, reason=reason, actor_id=acting_user_id(), key=key)
    balance = balance_of(db.session, wallet_id(db.session, user_id))
    db.session.commit()
    return {
        "transfer_id": posting.transfer.id,
        "user_id": user_id,
        "amount": amount,
        "balance": int(balance),
        "replayed": posting.replayed,
    }, 201


@bp.post("/admin/transfers/<int:transfer_id>/reverse")
@admin_required_json
def reverse_transfer(transfer_id):
    data = json_body()
    reason = get_str(data, "reason", max_length=255)
    if db.session.get(Transfer, transfer_id) is None:
        raise ApiError("not_found", f"No transfer {transfer_id}.")
    posting = reverse(db.session, transfer_id, memo=reason, actor_id=acting_user_id())
    db.session.commit()
    return jsonify(transfer_json(posting.transfer)), 201
