"""Opening the database: a schema this release cannot migrate is one line naming the setting."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.errors import ConfigError
from bot.store.db import open_database


def test_a_schema_from_a_newer_release_is_a_config_error(engine: Engine) -> None:
    # What a rollback meets: the database is at a revision this code has never heard of.
    with engine.begin() as conn:
        (current,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfuture01'"))
    try:
        with pytest.raises(ConfigError) as info:
            open_database(engine.url.render_as_string(hide_password=False))
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
    message = str(info.value)
    assert message.startswith("cannot open the database (DATABASE_URL")
    assert "f00dfuture01" in message
    assert "\n" not in message
