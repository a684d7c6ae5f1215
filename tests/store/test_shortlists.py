"""Shortlist store on real SQLite and PostgreSQL: scoping, idempotence, change log."""

from __future__ import annotations

import threading
import unicodedata

from sqlalchemy.engine import Engine

from bot.store.shortlists import ShortlistStore


def test_add_list_remove_logs_each_change(engine: Engine) -> None:
    store = ShortlistStore(engine)
    assert store.add("T1", "Spring Launch", "@a", "U1", score=71.5)
    assert store.add("T1", "spring launch", "@b", "U2")
    assert not store.add("T1", "SPRING  launch", "@a", "U3")  # already there: no new log row
    assert [i.handle for i in store.entries("T1", "spring launch")] == ["@a", "@b"]
    assert store.remove("T1", "Spring Launch", "@a", "U1")
    assert not store.remove("T1", "Spring Launch", "@a", "U1")
    changes = store.changes_since("T1", "spring launch", 0)
    assert [(c.handle, c.kind, c.actor) for c in changes] == [
        ("@a", "added", "U1"),
        ("@b", "added", "U2"),
        ("@a", "removed", "U1"),
    ]
    assert changes[2].old_score == 71.5
    assert store.changes_since("T1", "spring launch", changes[1].id)[0].kind == "removed"


def test_workspaces_never_see_each_other(engine: Engine) -> None:
    store = ShortlistStore(engine)
    store.add("T1", "launch", "@a", "U1")
    assert store.entries("T2", "launch") == []
    assert store.campaigns("T2") == []
    assert store.changes_since("T2", "launch", 0) == []
    assert not store.remove("T2", "launch", "@a", "U9")
    assert store.campaigns("T1") == ["launch"]


def test_a_name_typed_with_combining_accents_is_the_same_campaign(engine: Engine) -> None:
    composed, decomposed = "Café Ünïcode", unicodedata.normalize("NFD", "CAFÉ ÜNÏCODE")
    assert composed.lower() != decomposed.lower()  # they look alike, code points differ
    store = ShortlistStore(engine)
    assert store.add("T1", composed, "@a", "U1")
    assert not store.add("T1", decomposed, "@a", "U2")
    assert [i.handle for i in store.entries("T1", decomposed)] == ["@a"]
    assert store.campaigns("T1") == ["café ünïcode"]
    assert store.remove("T1", decomposed, "@a", "U2")
    assert [c.kind for c in store.changes_since("T1", composed, 0)] == ["added", "removed"]


def test_removes_at_once_remove_and_log_a_creator_once(engine: Engine) -> None:
    store = ShortlistStore(engine)
    removers = 4

    def remove(handle: str, ready: threading.Barrier, said_removed: list[bool]) -> None:
        ready.wait()
        said_removed.append(store.remove("T1", "launch", handle, "U2"))

    for i in range(10):
        handle = f"@alba{i}"
        store.add("T1", "launch", handle, "U1", score=81.0)
        ready = threading.Barrier(removers)
        said_removed: list[bool] = []
        threads = [
            threading.Thread(target=remove, args=(handle, ready, said_removed))
            for _ in range(removers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # On SQLite every remover found the creator: "Removed" up to four times, four logs.
        assert sorted(said_removed) == [False] * (removers - 1) + [True]

    removals = [c for c in store.changes_since("T1", "launch", 0) if c.kind == "removed"]
    assert [(c.handle, c.old_score) for c in removals] == [(f"@alba{i}", 81.0) for i in range(10)]
    assert store.entries("T1", "launch") == []
