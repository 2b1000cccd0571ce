"""Migration 0510 gives EAs uploaded before reports were read a proof row:
typed figures, or an unread report (verifying either needs an override)."""
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from goldcoin import create_app


def test_existing_eas_get_a_proof_row(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    engine = create_engine(empty_database_url)
    with app.app_context():
        upgrade(revision="0400")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, email, password_hash, role, created_at) "
                              "VALUES (1, 'old', 'old@example.com', 'x', 'member', CURRENT_TIMESTAMP)"))
            for ea_id, report in ((1, None), (2, "abc.htm")):
                conn.execute(text(
                    "INSERT INTO expert_advisors (id, author_id, name, description, file_name, original_name, "
                    "report_file_name, symbol, timeframe, period, net_profit, profit_factor, max_drawdown_pct, "
                    "trades, win_rate, price_coins, is_premium, status, created_at) VALUES (:id, 1, 'Old', '', "
                    "'f.ex4', 'f.ex4', :report, 'EURUSD', 'H1', '2024', 10, 1.5, 7.25, 10, 50, 0, false, 'verified', "
                    "CURRENT_TIMESTAMP)"), {"id": ea_id, "report": report})
        upgrade()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT ea_id, source, read_error, profit_factor, max_drawdown_pct, fingerprint "
                                     "FROM ea_performance ORDER BY ea_id")).all()
    engine.dispose()
    assert [(r[0], r[1], r[2] is not None, str(r[3]).rstrip("0"), str(r[4]).rstrip("0"), r[5]) for r in rows] == [
        (1, "typed", False, "1.5", "7.25", None),
        (2, "unread", True, "1.5", "7.25", None),
    ]
