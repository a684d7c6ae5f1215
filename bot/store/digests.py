"""Digest subscriptions and the claim/confirm protocol that posts each change exactly once.

Every decision is made inside a database transaction that holds the write lock
(SQLite: BEGIN IMMEDIATE; PostgreSQL: the subscription row FOR UPDATE), so any
number of runners in any number of processes agree on who posts what.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import exists, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.digests.schedule import Schedule, as_utc, manual_period_key
from bot.errors import ScoutError
from bot.store.digest_schema import DigestPost, DigestSubscription
from bot.store.schema import ShortlistChange, ShortlistEntry, UtcDateTime, utcnow
from bot.store.shortlists import normalise_campaign


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the database write lock from its first statement.

    SQLite's default deferred transactions read first and fail with "database is
    locked" when two of them then try to write; BEGIN IMMEDIATE queues them
    instead. PostgreSQL callers add row locks (FOR UPDATE) where they need them.
    """
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
        session.commit()


def _settle_change_log(session: Session) -> None:
    """Wait for in-flight change-log inserts to commit before reading the log's high-water mark.

    PostgreSQL hands out ids before commit, so id 10 can become visible after id
    11; a digest that read up to 11 would skip 10 for ever. A SHARE lock waits
    for every open inserter and holds new ones off until this transaction ends
    (milliseconds). SQLite has one writer at a time, so its ids commit in order.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE shortlist_changes IN SHARE MODE"))


class SubscriptionInfo(BaseModel):
    """A channel's digest subscription, as read back."""

    id: int
    team_id: str
    channel_id: str
    campaign: str
    frequency: str
    at_time: str
    timezone: str
    created_by: str
    active: bool
    last_change_id: int
    last_posted_at: UtcDateTime | None = None
    active_since: UtcDateTime

    @property
    def schedule(self) -> Schedule:
        return Schedule.model_validate(
            {"frequency": self.frequency, "at_time": self.at_time, "timezone": self.timezone}
        )


class SubscribeResult(BaseModel):
    """The subscription after `subscribe`, and whether it is new."""

    subscription: SubscriptionInfo
    created: bool


class Claim(BaseModel):
    """The right to post one digest: its range of changes and the attempt that holds it."""

    post_id: int
    subscription: SubscriptionInfo
    period_key: str
    from_change_id: int
    to_change_id: int
    attempt: int
    claimed_at: datetime
    # Created before this attempt: an earlier attempt may already be in the channel.
    post_created_at: datetime

    @property
    def is_retry(self) -> bool:
        return self.attempt > 1


class PostInfo(BaseModel):
    """One digest post row: what it covers and how it went."""

    id: int
    subscription_id: int
    period_key: str
    status: str
    from_change_id: int
    to_change_id: int
    attempts: int
    message_ts: str | None = None
    last_error: str | None = None


def _info(row: DigestSubscription) -> SubscriptionInfo:
    return SubscriptionInfo.model_validate(row, from_attributes=True)


def _latest_change_id(session: Session, team_id: str, campaign: str, after_id: int = 0) -> int:
    newest = session.scalar(
        select(func.max(ShortlistChange.id)).where(
            ShortlistChange.team_id == team_id,
            ShortlistChange.campaign == campaign,
            ShortlistChange.id > after_id,
        )
    )
    return int(newest) if newest is not None else after_id


class DigestStore:
    """Subscriptions (subscribe, unsubscribe, list) and the runners' claim/confirm/release."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- subscriptions ------------------------------------------------------------
    def subscribe(
        self,
        team_id: str,
        channel_id: str,
        campaign: str,
        schedule: Schedule,
        created_by: str,
        now: datetime | None = None,
    ) -> SubscribeResult:
        """Subscribe a channel to a campaign of this workspace; re-subscribing updates it.

        The first digest covers changes made after subscribing. A campaign this
        workspace has never shortlisted is refused with the same message whether
        or not another workspace has one by that name.
        """
        campaign = normalise_campaign(campaign)
        now = now or utcnow()
        try:
            return self._subscribe(team_id, channel_id, campaign, schedule, created_by, now)
        except IntegrityError:
            # A concurrent first subscribe won the insert; ours becomes the update.
            return self._subscribe(team_id, channel_id, campaign, schedule, created_by, now)

    def _subscribe(
        self,
        team_id: str,
        channel_id: str,
        campaign: str,
        schedule: Schedule,
        created_by: str,
        now: datetime,
    ) -> SubscribeResult:
        with write_transaction(self._engine) as session:
            known = session.scalar(
                select(
                    exists().where(
                        ShortlistEntry.team_id == team_id, ShortlistEntry.campaign == campaign
                    )
                    | exists().where(
                        ShortlistChange.team_id == team_id, ShortlistChange.campaign == campaign
                    )
                )
            )
            if not known:
                raise ScoutError(
                    f'this workspace has no shortlist called "{campaign}"; '
                    "add a creator to it first (/scout shortlist add)"
                )
            row = session.scalars(
                select(DigestSubscription)
                .where(
                    DigestSubscription.team_id == team_id,
                    DigestSubscription.channel_id == channel_id,
                    DigestSubscription.campaign == campaign,
                )
                .with_for_update()
            ).first()
            created = row is None
            if row is None or not row.active:
                _settle_change_log(session)
                start = _latest_change_id(session, team_id, campaign)
                if row is None:
                    row = DigestSubscription(
                        team_id=team_id, channel_id=channel_id, campaign=campaign
                    )
                    session.add(row)
                row.active = True
                row.active_since = now
                row.last_change_id = start
            elif (row.frequency, row.at_time, row.timezone) != (
                schedule.frequency,
                schedule.at_time,
                schedule.timezone,
            ):
                # The new schedule starts now: a slot it would have had earlier (last Monday,
                # for daily turned weekly on a Friday) was never promised, so none is due at once.
                row.active_since = now
            row.frequency = schedule.frequency
            row.at_time = schedule.at_time
            row.timezone = schedule.timezone
            row.created_by = created_by
            session.flush()
            return SubscribeResult(subscription=_info(row), created=created)

    def unsubscribe(self, team_id: str, channel_id: str, campaign: str) -> bool:
        """Stop a channel's digests for a campaign; False if it was not subscribed."""
        campaign = normalise_campaign(campaign)
        with write_transaction(self._engine) as session:
            row = session.scalars(
                select(DigestSubscription)
                .where(
                    DigestSubscription.team_id == team_id,
                    DigestSubscription.channel_id == channel_id,
                    DigestSubscription.campaign == campaign,
                    DigestSubscription.active.is_(True),
                )
                .with_for_update()
            ).first()
            if row is None:
                return False
            row.active = False
            for post in session.scalars(
                select(DigestPost).where(
                    DigestPost.subscription_id == row.id, DigestPost.status == "pending"
                )
            ):
                post.status = "cancelled"
            return True

    def subscriptions(self, team_id: str, channel_id: str | None = None) -> list[SubscriptionInfo]:
        """Active subscriptions of a workspace (optionally one channel), oldest first."""
        query = select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.active.is_(True)
        )
        if channel_id is not None:
            query = query.where(DigestSubscription.channel_id == channel_id)
        with Session(self._engine) as session:
            return [_info(r) for r in session.scalars(query.order_by(DigestSubscription.id))]

    def active_subscriptions(self) -> list[SubscriptionInfo]:
        """Every active subscription, all workspaces: what a runner walks through."""
        with Session(self._engine) as session:
            return [
                _info(r)
                for r in session.scalars(
                    select(DigestSubscription)
                    .where(DigestSubscription.active.is_(True))
                    .order_by(DigestSubscription.id)
                )
            ]

    def posts(self, subscription_id: int) -> list[PostInfo]:
        """Every post row of a subscription, oldest first."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(DigestPost)
                .where(DigestPost.subscription_id == subscription_id)
                .order_by(DigestPost.id)
            )
            return [PostInfo.model_validate(r, from_attributes=True) for r in rows]

    # -- the exactly-once protocol ------------------------------------------------
    def claim(
        self, subscription_id: int, now: datetime, *, manual: bool, lease: timedelta
    ) -> Claim | None:
        """Take the right to post this subscription's next digest, or None if there is none.

        In order: an unconfirmed earlier post whose lease has run out is taken
        over (its range is fixed; it may already be in the channel); otherwise,
        if a period is due and changes arrived since the last digest, a new post
        row is inserted for (subscription, period key) covering all of them. A
        due period with no changes is recorded as skipped so it stays quiet.
        """
        now = as_utc(now)
        with write_transaction(self._engine) as session:
            sub = session.scalars(
                select(DigestSubscription)
                .where(DigestSubscription.id == subscription_id)
                .with_for_update()
            ).first()
            if sub is None or not sub.active:
                return None
            info = _info(sub)
            open_post = session.scalars(
                select(DigestPost)
                .where(DigestPost.subscription_id == sub.id, DigestPost.status == "pending")
                .order_by(DigestPost.id)
            ).first()
            if open_post is not None:
                held_until = as_utc(open_post.lease_until) if open_post.lease_until else None
                # Held by a live runner, or backing off after a failure (release() left
                # its error; a claim clears it, so a live claim is never mistaken for a
                # backoff, whatever the runners' clocks say). A manual run may cut a
                # long backoff short: after a refusal ("invite the app") someone fixed,
                # they rerun by hand and expect a post.
                long_backoff = (
                    open_post.last_error is not None
                    and held_until is not None
                    and held_until > now + lease
                )
                if held_until is not None and held_until > now and not (manual and long_backoff):
                    return None
                open_post.attempts += 1
                open_post.lease_until = now + lease
                open_post.last_error = None
                return self._claim(open_post, info, now)

            period_key = None
            if not manual:
                period_key = info.schedule.due_period(now, info.active_since)
                if period_key is None or self._has_post(session, sub.id, period_key):
                    return None
            _settle_change_log(session)
            newest = _latest_change_id(session, sub.team_id, sub.campaign, sub.last_change_id)
            if newest == sub.last_change_id:
                if period_key is not None:
                    session.add(
                        DigestPost(
                            subscription_id=sub.id,
                            period_key=period_key,
                            status="skipped",
                            from_change_id=sub.last_change_id,
                            to_change_id=sub.last_change_id,
                            posted_at=now,
                        )
                    )
                return None
            if period_key is None:
                period_key = manual_period_key(newest)
                if self._has_post(session, sub.id, period_key):
                    return None
            post = DigestPost(
                subscription_id=sub.id,
                period_key=period_key,
                status="pending",
                from_change_id=sub.last_change_id,
                to_change_id=newest,
                attempts=1,
                lease_until=now + lease,
                created_at=now,
            )
            session.add(post)
            session.flush()
            return self._claim(post, info, now)

    @staticmethod
    def _has_post(session: Session, subscription_id: int, period_key: str) -> bool:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        DigestPost.subscription_id == subscription_id,
                        DigestPost.period_key == period_key,
                    )
                )
            )
        )

    @staticmethod
    def _claim(post: DigestPost, info: SubscriptionInfo, now: datetime) -> Claim:
        return Claim(
            post_id=post.id,
            subscription=info,
            period_key=post.period_key,
            from_change_id=post.from_change_id,
            to_change_id=post.to_change_id,
            attempt=post.attempts,
            claimed_at=now,
            post_created_at=as_utc(post.created_at),
        )

    def confirm(self, claim: Claim, message_ts: str | None, now: datetime) -> bool:
        """Record the post as made and move the subscription past its changes, atomically.
        Without a `message_ts` the changes cancelled out: the post is recorded as skipped
        and the last digest stays the last one posted.

        False if this attempt no longer holds the claim (its lease ran out and
        another runner took over, or the channel unsubscribed meanwhile).
        """
        with write_transaction(self._engine) as session:
            sub = session.scalars(
                select(DigestSubscription)
                .where(DigestSubscription.id == claim.subscription.id)
                .with_for_update()
            ).one()
            post = session.scalars(
                select(DigestPost).where(DigestPost.id == claim.post_id).with_for_update()
            ).one()
            if post.status != "pending" or post.attempts != claim.attempt:
                return False
            post.status = "posted" if message_ts else "skipped"
            post.message_ts = message_ts
            post.posted_at = now
            post.lease_until = None
            post.last_error = None
            sub.last_change_id = max(sub.last_change_id, post.to_change_id)
            if message_ts:
                sub.last_posted_at = now
            return True

    def release(self, claim: Claim, error: str, retry_at: datetime) -> None:
        """A failed attempt: keep the post pending, untouchable until `retry_at`."""
        with write_transaction(self._engine) as session:
            post = session.scalars(
                select(DigestPost).where(DigestPost.id == claim.post_id).with_for_update()
            ).one()
            if post.status == "pending" and post.attempts == claim.attempt:
                post.lease_until = retry_at
                post.last_error = error[:200]
