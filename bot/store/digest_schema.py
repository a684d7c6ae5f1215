"""Digest tables: channel subscriptions and the posts made for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.db import Base
from bot.store.schema import CAMPAIGN_WIDTH, utcnow


class DigestSubscription(Base):
    """A channel's subscription to one campaign's shortlist changes."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "campaign"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    campaign: Mapped[str] = mapped_column(String(CAMPAIGN_WIDTH))
    frequency: Mapped[str] = mapped_column(String(8))  # daily | weekly
    at_time: Mapped[str] = mapped_column(String(5), default="09:00")  # HH:MM local
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the current (re)subscription started: no slot before it is ever due.
    active_since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Highest shortlist_changes.id already posted to this channel.
    last_change_id: Mapped[int] = mapped_column(Integer, default=0)
    last_posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DigestPost(Base):
    """One digest for one subscription and period; the unique key makes it once-only."""

    __tablename__ = "digest_posts"
    __table_args__ = (UniqueConstraint("subscription_id", "period_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id"))
    period_key: Mapped[str] = mapped_column(String(32))
    # pending (claimed, not yet confirmed) | posted | skipped (nothing changed) | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # The changes it covers: from_change_id < id <= to_change_id.
    from_change_id: Mapped[int] = mapped_column(Integer, default=0)
    to_change_id: Mapped[int] = mapped_column(Integer, default=0)
    # Also the fencing token: only the runner holding this attempt may confirm it.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A pending post is left alone until then (a runner's lease, or a retry's backoff).
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
