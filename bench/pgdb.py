"""A throw-away PostgreSQL database for one benchmark run (bench/ledger.py, bench/load.py)."""
import os
import uuid

import psycopg

PG_ADMIN_URL = os.environ.get("GOLDCOIN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def create_database(prefix):
    """A new empty database; returns its name and URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name):
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sa_url(url):
    """The same database as a SQLAlchemy URL (the psycopg 3 driver)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)
