"""Real PostgreSQL and Redis for the tests: throwaway databases and key prefixes.

When a service cannot be reached the test fails under CI=true (CI must never
pass by skipping what it was asked to prove) and is skipped on a laptop.
"""
import os
import uuid

import psycopg
import pytest
import redis

PG_ADMIN_URL = os.environ.get("GOLDCOIN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("GOLDCOIN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what, exc):
    message = f"{what} is not reachable: {exc}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def sqlalchemy_url(url):
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def create_pg_database():
    """Create an empty database; returns its SQLAlchemy URL and a dropper."""
    name = f"gc_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        unavailable("PostgreSQL", exc)
    base = PG_ADMIN_URL.rsplit("/", 1)[0]

    def drop():
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return sqlalchemy_url(f"{base}/{name}"), drop


def redis_for_tests():
    """A Redis URL and a unique key prefix, after checking the server answers."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    return REDIS_URL, f"gctest:{uuid.uuid4().hex[:8]}:"


def delete_prefix(url, prefix):
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
