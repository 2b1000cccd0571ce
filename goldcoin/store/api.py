"""Store routes of the JSON API (see API.md, Store and Admin)."""
from collections.abc import Mapping

from flask import jsonify
from flask_login import current_user
from marshmallow import fields

from goldcoin.core.api import ADMIN, MEMBER, PUBLIC, bp, doc, id_in_path
from goldcoin.core.schemas import Bool, Empty, Int, List, Nested, Schema, Text
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.security import admin_required_json, login_required_json

from .models import Reward
from .schemas import CatalogueIn, RewardIn
from .service import create_reward, export_rewards, import_rewards, list_rewards, redeem_reward, reward_json


class RewardPublicOut(Schema):
    id = Int(required=True)
    name = Text(required=True)
    description = Text(required=True)
    cost = Int(required=True)
    kind = Text(required=True)
    stock = Int(required=True, allow_none=True, metadata={"description": "null: unlimited."})
    available = Bool(required=True, metadata={"description": "Active and in stock."})
    duration_days = Int(required=True, allow_none=True, metadata={"description": "null: for good."})
    per_user_limit = Int(required=True, allow_none=True)


class RedeemHeaders(Schema):
    idempotency_key = Text(data_key="Idempotency-Key", load_default=None, metadata={
        "description": "1 to 100 of A-Z a-z 0-9 _ . : -; the same key again answers the same redemption."})


class RedeemOut(Schema):
    redemption_id = Int(required=True)
    reward_id = Int(required=True)
    cost = Int(required=True)
    balance = Int(required=True, metadata={"description": "The member's balance after it."})
    replayed = Bool(required=True, metadata={
        "description": "True when the Idempotency-Key was used before: the first redemption, nothing charged."})


class RewardOut(Schema):
    """A reward as admins see it: the import format plus our fields."""

    id = Int(required=True)
    slug = Text(required=True)
    name = Text(required=True)
    cost = Int(required=True)
    coins_required = Int(required=True, metadata={"description": "The same as cost, the import format's name."})
    description = Text(required=True)
    kind = Text(required=True)
    code = Text(required=True, allow_none=True)
    multiplier = fields.Float(required=True, allow_none=True,
                              metadata={"description": "booster: e.g. 2 for double coins."})
    duration_days = Int(required=True, allow_none=True)
    stock = Int(required=True, allow_none=True)
    per_user_limit = Int(required=True, allow_none=True)
    active = Bool(required=True)
    sort_order = Int(required=True)


class CatalogueOut(Schema):
    rewards = List(Nested(RewardOut), required=True)


class ImportOut(Schema):
    created = Int(required=True)
    updated = Int(required=True)


class RewardOrCatalogueIn(Schema):
    """One reward, or `{"rewards": [...]}` to import a catalogue (documented as oneOf)."""

    rewards = List(Nested(RewardIn))  # for its depth: a catalogue nests three levels

    def load(self, data, **kwargs):
        if isinstance(data, Mapping) and "rewards" in data:
            return CatalogueIn().load(data, **kwargs)
        return RewardIn().load(data, **kwargs)


@bp.get("/rewards")
@doc(security=PUBLIC)
@bp.response(200, RewardPublicOut(many=True))
def rewards():
    """The active rewards."""
    return list_rewards(db.session)


@bp.post(f"/rewards/{id_in_path('reward_id', Reward.id)}/redeem")
@login_required_json
@doc(security=MEMBER, refuses=(401, 404, 409))
@bp.arguments(Empty, required=False)
@bp.arguments(RedeemHeaders, location="headers")
@bp.response(201, RedeemOut)
def redeem(_body, headers, reward_id):
    """Spend the reward's cost: 409 insufficient_funds, out_of_stock or limit_reached; 404 unknown or inactive."""
    result = redeem_reward(db.session, current_user.id, reward_id, headers["idempotency_key"])
    redemption = result.redemption
    return {
        "redemption_id": redemption.id,
        "reward_id": redemption.reward_id,
        "cost": redemption.cost,
        # A new redemption's debit read the balance already; a replay reads it.
        "balance": result.balance if result.balance is not None
        else balance_of(db.session, wallet_id(db.session, current_user.id)),
        "replayed": result.replayed,
    }


@bp.post("/admin/rewards")
@admin_required_json
@doc(security=ADMIN, refuses=(401, 403))
@bp.doc(requestBody={"content": {"application/json": {"schema": {"oneOf": [RewardIn, CatalogueIn]}}}})
@bp.arguments(RewardOrCatalogueIn)
@bp.response(201, RewardOut)
@bp.alt_response(200, schema=ImportOut, success=True, description="The catalogue was imported.")
def admin_create_reward(data):
    """Create one reward (201), or import a catalogue `{"rewards": [...]}` (200 {created, updated})."""
    if "rewards" in data:
        created, updated = import_rewards(db.session, data)
        return jsonify(created=created, updated=updated)
    # create_reward checks the reward again, for its other callers (admin form, file import).
    body = reward_json(create_reward(db.session, data))
    body["cost"] = body["coins_required"]
    return body


@bp.get("/admin/rewards")
@admin_required_json
@doc(security=ADMIN, refuses=(401, 403))
@bp.response(200, CatalogueOut)
def admin_export_rewards():
    """Every reward, in the import format."""
    return export_rewards(db.session)
