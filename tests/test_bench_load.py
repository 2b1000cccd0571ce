"""bench/load.py, tiny and short: its invariant checks pass (no figures are judged)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.postgresql_only
def test_the_load_test_runs_and_its_books_are_exact(db_kind, redis_service):
    assert db_kind == "postgresql", "run this test in the PostgreSQL pass (--db postgresql)"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--seconds", "1.5", "--earners", "2", "--redeemers", "2",
         "--members", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "OK   every 2xx is in the ledger exactly once; nothing paid twice" in done.stdout
    assert "OK   balances sum to zero" in done.stdout and "errors by status: none" in done.stdout
