"""Conversation history on real SQLite and PostgreSQL: order, per-key isolation, bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.store.history import MAX_CONTENT_CHARS, HistoryStore


def test_recent_returns_turns_oldest_first_per_key(engine: Engine) -> None:
    store = HistoryStore(engine)
    store.append("T1:C1:1.0", "user", "who for vegan fitness?")
    store.append("T1:C1:1.0", "assistant", "@a and @b")
    store.append("T1:C1:2.0", "user", "another thread")
    turns = store.recent("T1:C1:1.0")
    assert [(t.role, t.content) for t in turns] == [
        ("user", "who for vegan fitness?"),
        ("assistant", "@a and @b"),
    ]
    assert turns[0].created_at.tzinfo is not None
    assert [t.content for t in store.recent("T1:C1:2.0")] == ["another thread"]
    assert store.recent("nobody") == []


def test_recent_is_bounded_by_count_and_age(engine: Engine) -> None:
    store = HistoryStore(engine)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minute in range(6):
        store.append("k", "user", f"q{minute}", now=start + timedelta(minutes=minute))
    later = start + timedelta(minutes=5)
    assert [t.content for t in store.recent("k", max_turns=2, now=later)] == ["q4", "q5"]
    window = store.recent("k", max_age=timedelta(minutes=2, seconds=30), now=later)
    assert [t.content for t in window] == ["q3", "q4", "q5"]


def test_append_prunes_excess_and_stale_turns(engine: Engine) -> None:
    store = HistoryStore(engine, keep_turns=3, keep_for=timedelta(days=1))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    store.append("other", "user", "kept", now=start)
    for i in range(5):
        store.append("k", "user", f"q{i}", now=start + timedelta(minutes=i))
    far = start + timedelta(days=30)
    assert [t.content for t in store.recent("k", max_age=timedelta(days=60), now=far)] == [
        "q2",
        "q3",
        "q4",
    ]
    store.append("k", "user", "fresh", now=far)
    assert [t.content for t in store.recent("k", max_age=timedelta(days=60), now=far)] == ["fresh"]
    assert [t.content for t in store.recent("other", max_age=timedelta(days=60), now=far)] == [
        "kept"
    ]


def test_long_content_is_truncated(engine: Engine) -> None:
    store = HistoryStore(engine)
    store.append("k", "assistant", "x" * (MAX_CONTENT_CHARS + 500))
    assert len(store.recent("k")[0].content) == MAX_CONTENT_CHARS
