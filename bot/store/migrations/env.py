"""Alembic environment: runs on the connection handed in by bot.store.db.migrate."""

from __future__ import annotations

from alembic import context

import bot.store.digest_schema
import bot.store.schema  # noqa: F401  (registers the tables on Base.metadata)
from bot.store.db import Base

target_metadata = Base.metadata
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
