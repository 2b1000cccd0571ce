"""The earning tests' fixtures: `token`, the root conftest's forum token for POST /api/v1/events."""
import pytest


@pytest.fixture
def token(events_token):
    return events_token
