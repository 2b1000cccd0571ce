"""The admin JSON API (API.md, Admin): adjustments and reversals."""
from flask_babel import gettext as _
from marshmallow import fields

from goldcoin.auth.models import User
from goldcoin.core.api import ADMIN, bp, doc, id_in_path
from goldcoin.core.errors import ApiError
from goldcoin.core.schemas import Bool, Int, NonZero, Schema, Text, column_max
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.ledger.models import Transfer
from goldcoin.security import acting_user_id, admin_required_json

from . import service

MAX_ADJUSTMENT = 10_000_000


class AdjustmentIn(Schema):
    user_id = Int(required=True, minimum=1, maximum=column_max(User.id))
    amount = Int(required=True, minimum=-MAX_ADJUSTMENT, maximum=MAX_ADJUSTMENT, validate=[NonZero()],
                 metadata={"description": "Coins to give (> 0) or take back (< 0); never 0."})
    reason = Text(required=True, max_length=255)
    key = Text(max_length=120, metadata={"description": "The same key twice adjusts once."})


class AdjustmentOut(Schema):
    transfer_id = Int(required=True)
    user_id = Int(required=True)
    amount = Int(required=True)
    balance = Int(required=True, metadata={"description": "The member's balance after it."})
    replayed = Bool(required=True, metadata={"description": "True when the key was used before: nothing moved."})


class ReverseIn(Schema):
    reason = Text(required=True, max_length=255)


class TransferOut(Schema):
    id = Int(required=True)
    from_account_id = Int(required=True)
    to_account_id = Int(required=True)
    amount = Int(required=True)
    kind = Text(required=True)
    memo = Text(required=True)
    reference = Text(allow_none=True)
    reverses_id = Int(allow_none=True, metadata={"description": "The transfer this one reverses."})
    created_at = fields.DateTime(required=True)


@bp.post("/admin/adjustments")
@admin_required_json
@doc(security=ADMIN, refuses=(401, 403, 404, 409))
@bp.arguments(AdjustmentIn)
@bp.response(201, AdjustmentOut)
def create_adjustment(data):
    """Give or take back a member's coins (insufficient_funds if the wallet cannot cover it)."""
    user = db.session.get(User, data["user_id"])
    if user is None:
        raise ApiError("not_found", _("No member %(user_id)s.", user_id=data['user_id']))
    posting = service.adjust_member(db.session, user, data["amount"], reason=data["reason"],
                                    actor_id=acting_user_id(), key=data.get("key"), via="api")
    return {
        "transfer_id": posting.transfer.id,
        "user_id": user.id,
        "amount": data["amount"],
        "balance": balance_of(db.session, wallet_id(db.session, user.id)),
        "replayed": posting.replayed,
    }


@bp.post(f"/admin/transfers/{id_in_path('transfer_id', Transfer.id)}/reverse")
@admin_required_json
@doc(security=ADMIN, refuses=(401, 403, 404, 409))
@bp.arguments(ReverseIn)
@bp.response(201, TransferOut)
def reverse_transfer(data, transfer_id):
    """Reverse a transfer with a new one pointing at it; answers the reversing transfer."""
    if db.session.get(Transfer, transfer_id) is None:
        raise ApiError("not_found", _("No transfer %(transfer_id)s.", transfer_id=transfer_id))
    posting = service.reverse_transfer(db.session, transfer_id, reason=data["reason"], actor_id=acting_user_id(),
                                       via="api")
    return posting.transfer
