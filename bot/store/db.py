"""Database engine and migrations: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import DeclarativeBase

from bot.errors import ConfigError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every replica.
_MIGRATION_LOCK_ID = 7_305_114


class Base(DeclarativeBase):
    """Declarative base for every table Creator Scout stores."""


def create_db_engine(url: str) -> Engine:
    """Build an engine; SQLite gets WAL and a busy timeout so processes can share it."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        # A URI filename ("file:/path/scout.db?mode=ro", with ?uri=true) names a file that
        # must exist already; its folder is not "file:" under the current one.
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; replicas take turns on PostgreSQL."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        elif engine.dialect.name == "sqlite":
            # Take SQLite's write lock first, so processes starting together on one file
            # migrate in turn instead of both creating the tables.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _settings_naming(url: str) -> str:
    # The default is SQLite in SCOUT_DATA_DIR, so name both settings that choose it.
    return "DATABASE_URL or SCOUT_DATA_DIR" if url.startswith("sqlite") else "DATABASE_URL"


def _reason(exc: DatabaseError) -> str:
    """The driver's own first line, without SQLAlchemy's SQL and parameters."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def database_problem(exc: BaseException) -> str | None:
    """One line for a database that stopped working mid-command (a read-only file, a full
    disk, a server gone away), naming the setting; None for any other error."""
    if not isinstance(exc, OperationalError):
        return None
    dialect = "sqlite" if isinstance(exc.orig, sqlite3.Error) else "postgresql"
    return f"cannot use the database ({_settings_naming(dialect)}): {_reason(exc)}"


def open_database(url: str) -> Engine:
    """Connect and migrate, or fail with one line naming DATABASE_URL."""
    where = _settings_naming(url)
    try:
        engine = create_db_engine(url)
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise ConfigError(f"cannot open the database ({where}): {exc}") from None
    from alembic.util import CommandError

    try:
        migrate(engine)
    except DatabaseError as exc:  # unreachable server, or a file that is not a database
        engine.dispose()
        raise ConfigError(f"cannot open the database ({where}): {_reason(exc)}") from None
    except CommandError as exc:
        # Typically a rollback: a newer release migrated the schema past what this one knows.
        engine.dispose()
        reason = " ".join(str(exc).split())
        raise ConfigError(
            f"cannot open the database ({where}): {reason}; was it migrated by a newer "
            "version of Creator Scout?"
        ) from None
    return engine
