"""Redeeming rewards, and managing the catalogue. Functions flush, never commit."""
import re
from contextlib import nullcontext
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import case, exists, func, select, update

from goldcoin.earning import end_personal_booster, grant_personal_booster
from goldcoin.ledger import SINK, lock_wallet, on_reversal, system_account_id, transfer
from goldcoin.ledger.models import Account, Transfer, utcnow

from . import entitlements
from .errors import InvalidReward, KeyReused, LimitReached, OutOfStock, RewardNotFound
from .models import BOOSTER, GROUP, KINDS_WITH_CODE, Redemption, Reward
from .schemas import load_reward

REDEEM_KIND = "redeem"
# Client keys: what an Idempotency-Key header may hold. "/" is kept out so a
# client key can never collide with a derived one.
CLIENT_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class RedeemResult(NamedTuple):
    redemption: Redemption
    replayed: bool
    balance: int | None = None  # the wallet's balance after a new redemption (None for a replay)


def list_rewards(session, include_inactive=False):
    stmt = select(Reward).order_by(Reward.sort_order, Reward.id)
    if not include_inactive:
        stmt = stmt.where(Reward.active.is_(True))
    return session.scalars(stmt).all()


def first_active_reward(session, kind, code=None):
    """The reward on sale that grants `kind` (and `code`), first in the store's order; None if none is."""
    stmt = select(Reward).where(Reward.active.is_(True), Reward.kind == kind)
    if code is not None:
        stmt = stmt.where(Reward.code == code)
    return session.scalar(stmt.order_by(Reward.sort_order, Reward.id).limit(1))


def _replay(session, key, reward_id):
    first = session.scalar(select(Transfer).where(Transfer.idempotency_key == key))
    if first is None:
        return None
    redemption = session.scalar(select(Redemption).where(Redemption.transfer_id == first.id))
    if redemption is None or redemption.reward_id != reward_id:
        raise KeyReused(_("This Idempotency-Key was used for another request."))
    return RedeemResult(redemption, True)


def _counts_toward_limit():
    """A redemption counts toward its reward's per-member limit unless it was
    reversed (refunded)."""
    return ~exists().where(Transfer.reverses_id == Redemption.transfer_id)


def limits_reached(session, user_id, rewards):
    """Ids of the `rewards` whose per-member limit the member has reached, by
    the rule redeem_reward enforces: what the store shows instead of Redeem."""
    limits = {r.id: r.per_user_limit for r in rewards if r.per_user_limit is not None}
    if user_id is None or not limits:
        return set()
    held = session.execute(
        select(Redemption.reward_id, func.count(Redemption.id))
        .where(Redemption.user_id == user_id, Redemption.reward_id.in_(limits), _counts_toward_limit())
        .group_by(Redemption.reward_id)
    ).all()
    return {reward_id for reward_id, n in held if n >= limits[reward_id]}


def redeem_reward(session, user_id, reward_id, client_key=None, now=None):
    """Spend the reward's cost and grant its effect; all of it or nothing.

    All of it happens, in the global lock order (docs/ledger.md): the
    member's wallet row locked (found and locked in one statement), the replay
    check, the per-member limit count, the conditional stock decrement
    (`stock > 0`, only for a reward with stock), the ledger debit wallet ->
    sink, the redemption record and the entitlement/effect. Any error rolls
    all of it back. `sink` is not locked: its balance is derived from its
    transfers, so redemptions by different members never wait for each other
    (nor, for a reward without stock, on the reward's row).

    The ledger key is `redeem:<user_id>:<client_key>`; without a client key it
    is derived from the member's count of redemptions of this reward (taken
    under the wallet lock), so it is unique and stable.
    Raises RewardNotFound, OutOfStock, LimitReached, KeyReused,
    goldcoin.ledger.InsufficientFunds.
    """
    if client_key is not None and not CLIENT_KEY_RE.match(client_key):
        raise InvalidReward(_("Idempotency-Key: 1 to 100 of A-Z a-z 0-9 _ . : -"))
    key = f"redeem:{user_id}:{client_key}" if client_key else None
    # One fresh read (also of a reward already in the session). Its fields may
    # change concurrently: a redemption that read them before an admin's edit
    # is ordered before that edit, and the stock decrement re-checks `active`
    # and `stock` in the UPDATE itself.
    # (`sink`'s id comes with it: one statement fewer on every redemption.)
    row = session.execute(
        select(Reward, select(Account.id).where(Account.code == SINK).scalar_subquery())
        .where(Reward.id == reward_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise RewardNotFound(_("No reward %(reward_id)s.", reward_id=reward_id))
    reward, sink = row
    sink = sink if sink is not None else system_account_id(session, SINK)

    # A savepoint only where there is something to take back: the stock
    # decrement, if the debit is then refused. Without stock, everything
    # refused is refused before anything is written (the ledger removes its
    # own refused row), so the savepoint's two statements are saved.
    with session.begin_nested() if reward.stock is not None else nullcontext():
        # Lock site (docs/ledger.md, "Lock order" 3): this member's wallet, held to
        # commit, so the count below and a concurrent same-key request are settled.
        wallet = lock_wallet(session, user_id)
        if key:
            replay = _replay(session, key, reward_id)
            if replay:
                return replay
        if not reward.active:
            raise RewardNotFound(_("Reward %(reward_id)s is not available.", reward_id=reward_id))
        count = 0
        if reward.per_user_limit is not None or not key:
            mine = (Redemption.user_id == user_id, Redemption.reward_id == reward_id)
            count, held = session.execute(
                select(func.count(Redemption.id), func.count(case((_counts_toward_limit(), Redemption.id))))
                .where(*mine)
            ).one()
            if reward.per_user_limit is not None and held >= reward.per_user_limit:
                raise LimitReached(_("You have redeemed %(name)s %(held)s time(s); the limit is %(per_user_limit)s.",
                                     name=reward.name, held=held, per_user_limit=reward.per_user_limit))
        if reward.stock is not None:
            # Lock site ("Lock order" 4): the reward's stock row, after the wallet.
            taken = session.execute(
                update(Reward)
                .where(Reward.id == reward_id, Reward.active.is_(True), (Reward.stock.is_(None)) | (Reward.stock > 0))
                .values(stock=Reward.stock - 1),  # NULL - 1 stays NULL: made unlimited meanwhile
                execution_options={"synchronize_session": False},
            ).rowcount
            if taken != 1:
                raise OutOfStock(_("%(name)s is out of stock.", name=reward.name))
            session.expire(reward, ["stock"])
        posting = transfer(
            session,
            wallet,
            sink,
            reward.cost,
            kind=REDEEM_KIND,
            key=key or f"redeem:{user_id}:auto/{reward_id}/{count + 1}",
            memo=f"Redeemed: {reward.name}",
            reference=f"reward:{reward_id}",
            actor_id=user_id,
        )
        if posting.replayed:  # only a derived key can get here; the lock makes it unreachable
            raise KeyReused(_("This redemption was already made."))
        redemption = Redemption(user_id=user_id, reward_id=reward_id, cost=reward.cost, transfer_id=posting.transfer.id)
        session.add(redemption)
        session.flush()
        apply_effect(session, reward, redemption, now=now)
    return RedeemResult(redemption, False, posting.balances.get(wallet))


def apply_effect(session, reward, redemption, now=None):
    """Every kind becomes an entitlement; a booster also starts the earning booster."""
    code = reward.code if reward.kind in KINDS_WITH_CODE else None
    if reward.kind == BOOSTER:
        code = str(reward.multiplier.normalize()) if reward.multiplier is not None else None
    entitlements.grant(
        session, redemption.user_id, reward.kind, code, reward.duration_days, redemption_id=redemption.id, now=now
    )
    if reward.kind == BOOSTER:
        start_booster(session, redemption.user_id, reward, redemption)


@on_reversal(REDEEM_KIND)
def undo_redemption(session, debit):
    """The redemption's debit was reversed (an admin refunded it): its effect
    ends now and, for a reward with stock, the unit goes back on the shelf."""
    redemption = session.scalar(select(Redemption).where(Redemption.transfer_id == debit.id))
    if redemption is None:
        return
    now = utcnow()
    entitlements.end_for_redemption(session, redemption.id, now=now)
    end_personal_booster(session, _booster_key(redemption), now=now)
    session.execute(
        update(Reward)
        .where(Reward.id == redemption.reward_id, Reward.stock.is_not(None))
        .values(stock=Reward.stock + 1)
        .execution_options(synchronize_session=False)
    )


def _booster_key(redemption):
    return f"store:redemption:{redemption.id}"


def start_booster(session, user_id, reward, redemption):
    """The booster reward's effect: a personal earning booster (goldcoin.earning)."""
    multiplier = reward.multiplier
    if multiplier == multiplier.to_integral_value():
        multiplier = int(multiplier)
    hours = (reward.duration_days or 1) * 24
    grant_personal_booster(session, user_id, multiplier, hours, _booster_key(redemption))


# ---------------------------------------------------------------- catalogue

FIELDS = (
    "slug", "name", "description", "cost", "kind", "code", "multiplier",
    "duration_days", "stock", "per_user_limit", "active", "sort_order",
)


def slugify(text):
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:70] or "reward"


def clean_reward_data(data):
    """Validate a reward's fields (API, JSON import, admin form): its shape
    (`schemas.RewardIn`), then what each kind needs. Returns a dict of FIELDS."""
    out = load_reward(data)
    if out["kind"] == GROUP and not out["code"] and len(entitlements.GROUPS) == 1:
        # API.md asks no code of a group reward: it is the app's one group.
        out["code"] = next(iter(entitlements.GROUPS))
    if out["kind"] in KINDS_WITH_CODE and not out["code"]:
        raise InvalidReward(_("A %(kind)s reward needs a 'code' (group, badge name or privilege code).", kind=out['kind']))
    if out["kind"] in KINDS_WITH_CODE:
        entitlements.check_code(out["kind"], out["code"])
    if out["kind"] not in KINDS_WITH_CODE:
        out["code"] = None
    multiplier = out["multiplier"]
    if out["kind"] == BOOSTER:
        if multiplier is None:
            raise InvalidReward(_("A booster reward needs a 'multiplier' (e.g. 2)."))
        if not Decimal("1") < multiplier <= Decimal("10"):
            raise InvalidReward(_("'multiplier' must be above 1 and at most 10."))
        out["multiplier"] = multiplier.quantize(Decimal("0.01"))
        out["duration_days"] = out["duration_days"] or 1
    else:
        out["multiplier"] = None
    return out


def _unique_slug(session, base, exclude_id=None):
    slug, n = base, 1
    while True:
        stmt = select(Reward.id).where(Reward.slug == slug)
        if exclude_id is not None:
            stmt = stmt.where(Reward.id != exclude_id)
        if session.scalar(stmt) is None:
            return slug
        n += 1
        slug = f"{base}-{n}"


def create_reward(session, data):
    fields = clean_reward_data(data)
    fields["slug"] = _unique_slug(session, fields["slug"] or slugify(fields["name"]))
    reward = Reward(**fields)
    session.add(reward)
    session.flush()
    return reward


def update_reward(session, reward, data):
    fields = clean_reward_data(data)
    fields["slug"] = _unique_slug(session, fields["slug"] or reward.slug, exclude_id=reward.id)
    for name, value in fields.items():
        setattr(reward, name, value)
    session.flush()
    return reward


def reward_json(reward):
    """The brief's export shape plus our fields."""
    return {
        "id": reward.id,
        "slug": reward.slug,
        "name": reward.name,
        "coins_required": reward.cost,
        "description": reward.description or "",
        "kind": reward.kind,
        "code": reward.code,
        "multiplier": float(reward.multiplier) if reward.multiplier is not None else None,
        "duration_days": reward.duration_days,
        "stock": reward.stock,
        "per_user_limit": reward.per_user_limit,
        "active": bool(reward.active),
        "sort_order": reward.sort_order,
    }


def export_rewards(session):
    return {"rewards": [reward_json(r) for r in list_rewards(session, include_inactive=True)]}


def import_rewards(session, document):
    """Create or update rewards from `{"rewards": [...]}`; returns (created, updated).

    Entries are matched by `slug` (as exported), or without one by the slug
    derived from the name ("Premium EA Access" -> premium-ea-access). The
    `id` is informative only: ids differ between installations, and matching
    on them would overwrite an unrelated reward. Every entry is validated
    before anything is written.
    """
    if not isinstance(document, dict) or not isinstance(document.get("rewards"), list):
        raise InvalidReward('Expected {"rewards": [...]}.')
    plans = []
    for n, entry in enumerate(document["rewards"], 1):
        try:
            fields = clean_reward_data(entry)
        except InvalidReward as exc:
            raise InvalidReward(_("reward #%(n)s: %(exc)s", n=n, exc=exc)) from None
        slug = fields["slug"] or slugify(fields["name"])
        entry = dict(entry, slug=slug)
        target = session.scalar(select(Reward).where(Reward.slug == slug))
        plans.append((target, entry))
    created = updated = 0
    for target, entry in plans:
        if target is None:
            create_reward(session, entry)
            created += 1
        else:
            update_reward(session, target, entry)
            updated += 1
    return created, updated


SEED = [
    dict(slug="premium-ea-access", name=_l("Premium EA Access"), cost=100, kind="content_access", duration_days=30,
         description=_l("Unlock access to exclusive EAs: download the free premium EAs and read exclusive content for 30 "
                        "days (a priced EA is paid by every member, so its author is paid)."),
         sort_order=10),
    dict(slug="vip-group", name=_l("VIP Group Access"), cost=150, kind="group", code="vip", duration_days=30,
         description=_l("Join VIP discussion groups: the members-only VIP section and a VIP mark next to your name."),
         sort_order=20),
    dict(slug="custom-title", name=_l("Custom Title"), cost=50, kind="title", per_user_limit=1,
         description=_l("Choose a custom title shown under your name."), sort_order=30),
    dict(slug="gold-supporter-badge", name=_l("Gold Supporter Badge"), cost=40, kind="badge", code=_l("Gold Supporter"),
         per_user_limit=1, description=_l("A badge on your profile and posts."), sort_order=40),
    dict(slug="commercial-posting", name=_l("Commercial Section Posting"), cost=120, kind="privilege",
         code="commercial_posting", duration_days=30,
         description=_l("Post offers in the commercial section for 30 days."), sort_order=50),
    dict(slug="start-bounties", name=_l("Start Bounties"), cost=80, kind="privilege", code="start_bounty",
         per_user_limit=1, description=_l("Start bounties that reward whoever solves your problem."), sort_order=60),
    dict(slug="personal-booster-x2", name=_l("Personal x2 Booster (24 h)"), cost=60, kind="booster", multiplier=2,
         duration_days=1, description=_l("Double the coins you earn from activity for 24 hours."), sort_order=70),
]


def seed_rewards(session):
    """Create the starter catalogue; rewards already present (by slug) are left alone."""
    created = 0
    for entry in SEED:
        if session.scalar(select(Reward.id).where(Reward.slug == entry["slug"])) is None:
            # Names and descriptions in the language of the request or command
            # (`flask goldcoin demo --locale zh_CN`): they are content from then on.
            create_reward(session, {key: str(value) if isinstance(value, LazyString) else value
                                    for key, value in entry.items()})
            created += 1
    return created
