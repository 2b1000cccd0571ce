"""What coins cost: packages, bonus tiers and the quote for an order."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from .errors import PackageNotFound, RechargeError
from .models import BonusTier, RechargePackage

CENT = Decimal("0.01")


def bonus_for(session, coins):
    """Bonus coins of the best active tier the amount reaches (rounded down)."""
    percent = session.scalar(
        select(BonusTier.percent)
        .where(BonusTier.active.is_(True), BonusTier.min_coins <= coins)
        .order_by(BonusTier.min_coins.desc())
        .limit(1)
    )
    return coins * percent // 100 if percent else 0


def active_tiers(session):
    """The active bonus tiers, smallest threshold first."""
    return session.scalars(select(BonusTier).where(BonusTier.active.is_(True)).order_by(BonusTier.min_coins)).all()


def bonus_hint(session):
    """The bonus tiers in words, e.g. "Bonus: +5% from 500 coins, +10% from
    1000 coins." ("" when no tier is active)."""
    tiers = active_tiers(session)
    if not tiers:
        return ""
    tiers_text = _(", ").join(_("+%(percent)s%% from %(coins)s coins", percent=t.percent, coins=t.min_coins) for t in tiers)
    return _("Bonus: %(tiers)s.", tiers=tiers_text)


def active_packages(session):
    return session.scalars(
        select(RechargePackage).where(RechargePackage.active.is_(True)).order_by(RechargePackage.position, RechargePackage.coins)
    ).all()


def package_json(session, package, currency):
    return {
        "id": package.id,
        "coins": package.coins,
        "bonus_coins": bonus_for(session, package.coins),
        "price": str(package.price.quantize(CENT)),
        "currency": currency,
    }


def quote(session, config, *, package_id=None, coins=None):
    """(coins, bonus_coins, price) for a package or a custom amount."""
    if package_id is not None:
        package = session.get(RechargePackage, package_id)
        if package is None or not package.active:
            raise PackageNotFound(_("No recharge package %(package_id)s.", package_id=package_id))
        coins, price = package.coins, package.price.quantize(CENT)
    else:
        low, high = config["RECHARGE_CUSTOM_MIN"], config["RECHARGE_CUSTOM_MAX"]
        if coins is None or not low <= coins <= high:
            raise RechargeError(_("A custom amount is %(low)s to %(high)s coins.", low=low, high=high))
        price = (Decimal(coins) * Decimal(config["RECHARGE_PRICE_PER_COIN"])).quantize(CENT)
        if price <= 0:
            raise RechargeError(_("That amount costs nothing; choose more coins."))
    return coins, bonus_for(session, coins), price
