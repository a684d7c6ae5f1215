"""Two `scout ingest` on one data dir (real subprocesses)."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from bot.config import load_settings
from bot.knowledge.store import COLLECTION_PREFIX, LOCK_FILE, live_state, open_client

WAITING = "waiting for another scout ingest to finish"


def start_ingest(corpus: Path) -> subprocess.Popen[str]:
    """`scout ingest corpus --json` in a subprocess."""
    command = [sys.executable, "-m", "bot", "ingest", str(corpus), "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def our_collections(data_dir: Path) -> set[str]:
    client = open_client(load_settings(scout_data_dir=data_dir))
    return {c.name for c in client.list_collections() if c.name.startswith(COLLECTION_PREFIX)}


def test_a_second_ingest_waits_for_the_first(isolated_env: Path, corpus: Path) -> None:
    isolated_env.mkdir(parents=True)
    with (isolated_env / LOCK_FILE).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another ingest is running
        process = start_ingest(corpus)
        assert process.stderr is not None
        first_line = process.stderr.readline()  # blocks until the child says something
        assert first_line.startswith(WAITING), first_line
        assert process.poll() is None
        assert live_state(open_client(load_settings())) is None
    stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 0, stderr
    assert len(json.loads(stdout)["files_added"]) == 5
    assert our_collections(isolated_env) == {
        live_state(open_client(load_settings())).collection  # type: ignore[union-attr]
    }


def test_two_ingests_at_once_both_succeed_and_leave_one_collection(
    isolated_env: Path, corpus: Path
) -> None:
    processes = [start_ingest(corpus) for _ in range(2)]
    results = [p.communicate(timeout=180) for p in processes]

    for process, (_, stderr) in zip(processes, results, strict=True):
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
    live = live_state(open_client(load_settings()))
    assert live is not None
    assert our_collections(isolated_env) == {live.collection}
