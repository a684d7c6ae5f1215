"""Core tables: shortlists and their change log, feedback, history, processed events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator
from sqlalchemy import DateTime, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were written in UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# A timestamp read back from the database: UTC with its offset on SQLite and PostgreSQL
# alike, so the JSON the CLI prints has one format.
UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc)]
# A campaign's key (bot.store.shortlists.normalise_campaign), in every table that has one.
CAMPAIGN_WIDTH = 200


class ShortlistEntry(Base):
    """A creator on a campaign's shortlist, scoped to one workspace."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (UniqueConstraint("team_id", "campaign", "handle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    campaign: Mapped[str] = mapped_column(String(CAMPAIGN_WIDTH))
    handle: Mapped[str] = mapped_column(String(80))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class ShortlistChange(Base):
    """Append-only log of shortlist adds, removes and score moves (digests read it)."""

    __tablename__ = "shortlist_changes"
    __table_args__ = (Index("ix_shortlist_changes_campaign", "team_id", "campaign", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    campaign: Mapped[str] = mapped_column(String(CAMPAIGN_WIDTH))
    handle: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))  # added | removed | score_move
    actor: Mapped[str] = mapped_column(String(64))
    old_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    new_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feedback(Base):
    """A 👍/👎 on an answer; one vote per user per message, the latest wins."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "message_ts", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(8))  # up | down
    question: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationTurn(Base):
    """One turn of a conversation (a Slack thread or a CLI session), for follow-ups."""

    __tablename__ = "conversation_turns"
    __table_args__ = (Index("ix_conversation_turns_key", "conversation_key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_key: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessedEvent(Base):
    """A Slack event id claimed by the replica that answers it (exactly once)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), default="")
    # Indexed for pruning: claims only need to outlive Slack's retries.
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
