import pytest

from tests.support.services import delete_prefix


@pytest.fixture
def redis_prefix(redis_service):
    """A key prefix of our own per test, deleted afterwards."""
    import uuid

    url, base = redis_service
    prefix = f"{base}{uuid.uuid4().hex[:6]}:"
    yield url, prefix
    delete_prefix(url, prefix)


@pytest.fixture
def redis_app_config(app_config, redis_prefix):
    url, prefix = redis_prefix
    app_config.update({"REDIS_URL": url, "REDIS_PREFIX": prefix})
    return app_config
