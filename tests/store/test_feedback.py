"""Feedback store on real SQLite and PostgreSQL: one vote per user per answer, latest wins."""

from __future__ import annotations

import uuid

from sqlalchemy.engine import Engine

from bot.store.feedback import FeedbackStore


def test_a_changed_vote_replaces_the_first(engine: Engine) -> None:
    store = FeedbackStore(engine)
    ts = f"{uuid.uuid4().int % 10**9}.0001"
    store.record("T1", "C1", ts, "U1", "up", question="who fits vegan fitness?")
    store.record("T1", "C1", ts, "U2", "down")
    store.record("T1", "C1", ts, "U1", "down")
    votes = store.for_message("T1", "C1", ts)
    assert [(v.user_id, v.value) for v in votes] == [("U1", "down"), ("U2", "down")]
    assert votes[0].question == "who fits vegan fitness?"


def test_votes_are_scoped_to_their_workspace(engine: Engine) -> None:
    store = FeedbackStore(engine)
    ts = f"{uuid.uuid4().int % 10**9}.0002"
    store.record("T1", "C1", ts, "U1", "up")
    assert store.for_message("T2", "C1", ts) == []
