"""The digest tables' migration (0002) matches their models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from bot.store.db import Base
from bot.store.digest_schema import DigestPost, DigestSubscription

DIGEST_TABLES = {DigestSubscription.__tablename__, DigestPost.__tablename__}


def _touches_digest_tables(diff: object) -> bool:
    for item in diff if isinstance(diff, list) else [diff]:
        for part in item if isinstance(item, tuple) else (item,):
            table = getattr(part, "table", None)
            name = getattr(table, "name", None) or getattr(part, "name", None)
            if name in DIGEST_TABLES or part in DIGEST_TABLES:
                return True
    return False


def test_migration_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert [d for d in diffs if _touches_digest_tables(d)] == []
