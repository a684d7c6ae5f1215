"""Conversation history per key (a Slack thread, a CLI `--thread`), bounded in size and age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store.schema import ConversationTurn

Role = Literal["user", "assistant"]

# Long answers are kept whole enough for follow-ups but never grow the table unboundedly.
MAX_CONTENT_CHARS = 4000


class Turn(BaseModel):
    """One remembered message of a conversation."""

    role: Role
    content: str
    created_at: datetime


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class HistoryStore:
    """Appends turns and reads back the recent ones; old and excess turns are pruned on write."""

    def __init__(
        self,
        engine: Engine,
        *,
        keep_turns: int = 40,
        keep_for: timedelta = timedelta(days=14),
    ) -> None:
        self._engine = engine
        self._keep_turns = keep_turns
        self._keep_for = keep_for

    def append(self, key: str, role: Role, content: str, *, now: datetime | None = None) -> None:
        """Remember one turn, then drop this conversation's turns beyond the bounds."""
        now = now or datetime.now(UTC)
        with Session(self._engine) as session, session.begin():
            session.add(
                ConversationTurn(
                    conversation_key=key,
                    role=role,
                    content=content[:MAX_CONTENT_CHARS],
                    created_at=now,
                )
            )
            session.flush()
            session.execute(
                delete(ConversationTurn).where(
                    ConversationTurn.conversation_key == key,
                    ConversationTurn.created_at < now - self._keep_for,
                )
            )
            newest = (
                select(ConversationTurn.id)
                .where(ConversationTurn.conversation_key == key)
                .order_by(ConversationTurn.id.desc())
                .limit(self._keep_turns)
            )
            session.execute(
                delete(ConversationTurn).where(
                    ConversationTurn.conversation_key == key,
                    ConversationTurn.id.not_in(newest.scalar_subquery()),
                )
            )

    def recent(
        self,
        key: str,
        max_turns: int = 12,
        max_age: timedelta = timedelta(hours=24),
        *,
        now: datetime | None = None,
    ) -> list[Turn]:
        """The newest `max_turns` turns no older than `max_age`, oldest first."""
        now = now or datetime.now(UTC)
        with Session(self._engine) as session:
            rows = session.scalars(
                select(ConversationTurn)
                .where(
                    ConversationTurn.conversation_key == key,
                    ConversationTurn.created_at >= now - max_age,
                )
                .order_by(ConversationTurn.id.desc())
                .limit(max_turns)
            ).all()
            turns = [
                Turn(role=r.role, content=r.content, created_at=_aware(r.created_at)) for r in rows
            ]
        return turns[::-1]
