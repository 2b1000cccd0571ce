from decimal import Decimal

from sqlalchemy import select

from .models import BonusTier, RechargePackage

PACKAGES = (22, 52, 200, 500)
BONUS_TIERS = ((1000, 10),)


def seed_packages(session):
    """The brief's packages (1 coin = 1 CNY) and its 10%-from-1000 tier, once."""
    if session.scalar(select(RechargePackage.id).limit(1)) is None:
        for position, coins in enumerate(PACKAGES):
            session.add(RechargePackage(coins=coins, price=Decimal(coins), position=position, active=True))
    if session.scalar(select(BonusTier.id).limit(1)) is None:
        for min_coins, percent in BONUS_TIERS:
            session.add(BonusTier(min_coins=min_coins, percent=percent, active=True))
    session.flush()
