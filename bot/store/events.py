"""Exactly-once answers: a replica claims a Slack event before it answers it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.schema import ProcessedEvent


def message_key(team_id: str, channel_id: str, ts: str) -> str:
    """The claim key of one Slack message, shared by its `app_mention` and `message` events."""
    return f"msg:{team_id}:{channel_id}:{ts}"


class EventLedger:
    """Claims event ids under the table's primary key, so one claim wins across replicas."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, team_id: str, *keys: str) -> bool:
        """Record every key in one transaction; False if any was claimed before.

        Pass the Slack `event_id` and the message's `message_key`: a retried
        delivery repeats the first, a mention that also arrives as a message
        event repeats the second.
        """
        try:
            with Session(self._engine) as session, session.begin():
                for key in dict.fromkeys(keys):
                    session.add(ProcessedEvent(event_id=key, team_id=team_id))
                    # Flush one row at a time so PostgreSQL reports the first conflict.
                    session.flush()
        except IntegrityError:
            return False
        return True

    def prune(self, before: datetime) -> int:
        """Forget claims received before `before`; returns how many were removed."""
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(ProcessedEvent).where(ProcessedEvent.received_at < before)
            )
            return result.rowcount

    def seen(self, key: str) -> bool:
        """True when `key` has been claimed."""
        with Session(self._engine) as session:
            return session.get(ProcessedEvent, key) is not None
