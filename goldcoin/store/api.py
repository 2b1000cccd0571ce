"""Store routes of the JSON API (see API.md, Store and Admin)."""
from flask import jsonify, request
from flask_login import current_user

from goldcoin.core.api import bp
from goldcoin.core.parse import json_body, optional_json_body
from goldcoin.extensions import db
from goldcoin.ledger import balance_of, wallet_id
from goldcoin.security import admin_required_json, login_required_json

from .service import create_reward, export_rewards, import_rewards, list_rewards, redeem_reward, reward_json


def reward_public_json(reward):
    return {
        "id": reward.id,
        "name": reward.name,
        "description": reward.description or "",
        "cost": reward.cost,
        "kind": reward.kind,
        "stock": reward.stock,
        "available": reward.available,
        "duration_days": reward.duration_days,
        "per_user_limit": reward.per_user_limit,
    }


@bp.get("/rewards")
def rewards():
    return jsonify([reward_public_json(r) for r in list_rewards(db.session)])


@bp.post("/rewards/<int:reward_id>/redeem")
@login_required_json
def redeem(reward_id):
    optional_json_body()  # a body is allowed but says nothing
    key = request.headers.get("Idempotency-Key") or None
    result = redeem_reward(db.session, current_user.id, reward_id, key)
    balance = balance_of(db.session, wallet_id(db.session, current_user.id))
    redemption = result.redemption
    body = {
        "redemption_id": redemption.id,
        "reward_id": redemption.reward_id,
        "cost": redemption.cost,
        "balance": int(balance),
        "replayed": result.replayed,
    }
    return body, 201


@bp.post("/admin/rewards")
@admin_required_json
def admin_create_reward():
    """One reward `{name, cost, kind, ...}` -> 201; or `{"rewards": [...]}` (the
    brief's import shape) -> 200 {created, updated}."""
    data = json_body()
    if "rewards" in data:
        created, updated = import_rewards(db.session, data)
        return {"created": created, "updated": updated}, 200
    reward = create_reward(db.session, data)
    body = reward_json(reward)
    body["cost"] = reward.cost
    return body, 201


@bp.get("/admin/rewards")
@admin_required_json
def admin_export_rewards():
    return jsonify(export_rewards(db.session))
