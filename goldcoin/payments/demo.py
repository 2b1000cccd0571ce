"""Demo data for payments: the brief's packages and bonus tier (if missing)."""
from .seed import seed_packages


def create_payments_demo_data(session):
    seed_packages(session)
