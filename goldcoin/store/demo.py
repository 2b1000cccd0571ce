"""Demo data of the store: the starter catalogue, a member who owns things,
and one with enough coins to try the VIP group."""
from flask_babel import gettext as _
from sqlalchemy import select

from goldcoin.ledger.adjustments import adjust_balance

from .models import Reward
from .service import redeem_reward, seed_rewards


def create_store_demo(session, users):
    seed_rewards(session)
    badge = session.scalar(select(Reward).where(Reward.slug == "gold-supporter-badge"))
    # alice earned 100 and spent 30 in the foundation's demo: she wears a badge.
    redeem_reward(session, users["alice"].id, badge.id, "demo-badge")
    adjust_balance(session, users["bob"].id, 200, reason=_("Store launch gift"), actor_id=users["admin"].id,
                   key="demo:gift:bob:store")
