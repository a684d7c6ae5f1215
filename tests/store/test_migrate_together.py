"""Replicas starting together on one SQLite file migrate in turn, not into each other."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys, time
import alembic.command, alembic.config, bot.store.digest_schema, bot.store.schema
from sqlalchemy import text
from bot.store.db import open_database
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
engine = open_database(f"sqlite:///{sys.argv[1]}")
with engine.connect() as conn:
    print(conn.execute(text("SELECT count(*) FROM alembic_version")).scalar())
"""


def test_processes_starting_together_share_one_migration(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    start = time.time() + 1.5  # after every interpreter has imported SQLAlchemy and Alembic
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(database), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["1", "1", "1"]
