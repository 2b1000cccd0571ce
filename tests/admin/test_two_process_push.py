"""Two app processes sharing PostgreSQL and Redis: a push crosses them."""
import pytest

from scripts.two_process_push import prove_push_crosses_processes


@pytest.mark.postgresql_only
def test_a_push_crosses_two_processes():
    payload = prove_push_crosses_processes(timeout=20, log=lambda *_: None)
    assert payload is not None, "the member connected to process A got no balance event"
    assert payload["balance"] == 7 and payload["delta"] == 7 and payload["kind"] == "adjustment"
