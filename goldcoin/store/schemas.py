"""The JSON shape of a reward, as the API, the JSON import and the admin form
send it. What makes a reward valid beyond its shape (a badge needs a code, a
booster a multiplier) is `service.clean_reward_data`."""
from marshmallow import ValidationError, post_load, validate

from goldcoin.core.schemas import Bool, Decimal, Int, List, Nested, Schema, Text, column_max, load, one_of

from .errors import InvalidReward
from .models import KINDS, Reward


class RewardIn(Schema):
    """A reward. `coins_required` (the import format's name) is accepted for `cost`."""

    name = Text(required=True, max_length=80)
    description = Text(max_length=2000, load_default="", allow_none=True)
    cost = Int(minimum=1, maximum=column_max(Reward.cost), load_default=None,
               metadata={"description": "Coins it costs (required, or `coins_required`)."})
    coins_required = Int(minimum=1, maximum=column_max(Reward.cost), load_default=None, load_only=True,
                         metadata={"description": "The import format's name for `cost`."})
    kind = Text(required=True, validate=[one_of(KINDS)])
    code = Text(max_length=60, load_default=None, metadata={
        "description": "group: the group (derived from the name if absent); badge: the badge's name (required); "
                       "privilege: commercial_posting or start_bounty (required)."})
    multiplier = Decimal(load_default=None, metadata={"description": "booster (required): above 1, at most 10."})
    duration_days = Int(minimum=1, maximum=column_max(Reward.duration_days), load_default=None,
                        metadata={"description": "How long the effect lasts; absent: for good."})
    stock = Int(minimum=0, maximum=column_max(Reward.stock), load_default=None,
                metadata={"description": "Absent: unlimited."})
    per_user_limit = Int(minimum=1, maximum=column_max(Reward.per_user_limit), load_default=None)
    active = Bool(load_default=True)
    sort_order = Int(minimum=-1_000_000, maximum=column_max(Reward.sort_order), load_default=0, allow_none=True)
    slug = Text(max_length=80, load_default=None, validate=[validate.Regexp(
        r"^[a-z0-9-]+$", error="must be lowercase letters, digits and dashes.")],
        metadata={"description": "Stable identity for import; derived from the name if absent."})

    @post_load
    def _cost(self, data, **kwargs):
        required = data.pop("coins_required")
        if data["cost"] is None:
            data["cost"] = required
        if data["cost"] is None:
            raise ValidationError("is required.", "cost")
        data["description"] = data["description"] or ""
        data["sort_order"] = data["sort_order"] or 0
        return data


class CatalogueIn(Schema):
    """A catalogue to import: entries are matched to rewards by slug (or by the slug of their name)."""

    rewards = List(Nested(RewardIn), required=True)


def load_reward(data):
    """The reward's fields, typed, or InvalidReward saying what is wrong."""
    return load(RewardIn(), data, InvalidReward, subject="A reward")
