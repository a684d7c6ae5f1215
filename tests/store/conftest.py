"""The store tests run on a real SQLite file and on a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.config import load_settings
from bot.store.db import Base, open_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database; the shared PostgreSQL one is emptied after each test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scout.db'}"
    else:
        url = load_settings(database_url=request.getfixturevalue("pg_url")).sqlalchemy_url
    engine = open_database(url)
    yield engine
    if request.param == "postgres":
        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()
