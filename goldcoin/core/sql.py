"""SQL the two supported databases (PostgreSQL, SQLite) share but SQLAlchemy spells per dialect."""
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_once(session, model):
    """`INSERT` for `model` that takes `.on_conflict_do_nothing()`: one
    statement where a SELECT, a savepoint and a caught IntegrityError were."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)
