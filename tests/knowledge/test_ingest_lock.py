"""Two `scout ingest` on one data dir, and one killed mid-build (real subprocesses)."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.knowledge.index import ingest
from bot.knowledge.loader import read_corpus
from bot.knowledge.store import COLLECTION_PREFIX, LOCK_FILE, ingest_lock, live_state, open_client
from tests.knowledge.conftest import CountingEmbedder

WAITING = "waiting for another scout ingest to finish"


def start_ingest(corpus: Path, *, code: str | None = None) -> subprocess.Popen[str]:
    """`scout ingest corpus --json` in a subprocess; `code` runs first (to break it)."""
    prelude = ["-c", f"{code}\nfrom bot.cli import main\nmain()", "ingest"] if code else []
    command = [sys.executable, *(prelude or ["-m", "bot", "ingest"]), str(corpus), "--json"]
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


def test_after_kill_9_mid_build_the_next_ingest_drops_the_half_built_collection(
    isolated_env: Path, corpus: Path, counting: CountingEmbedder
) -> None:
    settings = load_settings()
    documents, _ = read_corpus([corpus])
    first = ingest(open_client(settings), counting, documents)
    (corpus / "new.md").write_text("# New\n\nOne more note on gifting.\n", encoding="utf-8")
    # The build has copied the kept vectors into a new collection when it is killed.
    killed = start_ingest(
        corpus,
        code=(
            "import os, signal\n"
            "from bot.embeddings import WordLlamaEmbedder\n"
            "WordLlamaEmbedder.embed = lambda self, texts: os.kill(os.getpid(), signal.SIGKILL)"
        ),
    )
    killed.communicate(timeout=120)
    assert killed.returncode == -9
    assert len(our_collections(isolated_env)) == 2

    with ingest_lock(isolated_env, on_wait=lambda _: pytest.fail("the kernel frees the lock")):
        report = ingest(open_client(settings), counting, read_corpus([corpus])[0])

    assert report.orphans_dropped == 1 and report.chunks_added == 1
    assert our_collections(isolated_env) == {report.collection}
    assert report.collection != first.collection
