"""The admin JSON API (API.md, Admin): adjustments and reversals."""
from flask import jsonify

from goldcoin.auth.models import User
from goldcoin.extensions import db
from goldcoin.core.api import bp
from goldcoin.core.errors import ApiError
from goldcoin.core.parse import get_int, get_str, json_body
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.ledger.models import Transfer
from goldcoin.security import acting_user_id, admin_required_json

from . import service

MAX_ADJUSTMENT = 10_000_000


def transfer_json(transfer):
    return {
        "id": transfer.id,
        "from_account_id": transfer.from_account_id,
        "to_account_id": transfer.to_account_id,
        "amount": transfer.amount,
        "kind": transfer.kind,
        "memo": transfer.memo,
        "reference": transfer.reference,
        "reverses_id": transfer.reverses_id,
        "created_at": transfer.created_at.isoformat(),
    }


@bp.post("/admin/adjustments")
@admin_required_json
def create_adjustment():
    data = json_body()
    user_id = get_int(data, "user_id", minimum=1)
    amount = get_int(data, "amount", nonzero=True, minimum=-MAX_ADJUSTMENT, maximum=MAX_ADJUSTMENT)
    reason = get_str(data, "reason", max_length=255)
    key = get_str(data, "key", required=False, max_length=120)
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError("not_found", f"No member {user_id}.")
    posting = service.adjust_member(db.session, user, amount, reason=reason, actor_id=acting_user_id(), key=key, via="api")
    balance = balance_of(db.session, wallet_id(db.session, user_id))
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
    posting = service.reverse_transfer(db.session, transfer_id, reason=reason, actor_id=acting_user_id(), via="api")
    return jsonify(transfer_json(posting.transfer)), 201
