"""👍/👎 feedback on answers: one vote per user per answer, the latest wins."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.schema import Feedback, utcnow

Vote = Literal["up", "down"]


class FeedbackRecord(BaseModel):
    """One stored vote."""

    team_id: str
    channel_id: str
    message_ts: str
    user_id: str
    value: Vote
    question: str
    created_at: datetime


class FeedbackStore:
    """Stores votes, scoped per workspace like everything else."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(
        self,
        team_id: str,
        channel_id: str,
        message_ts: str,
        user_id: str,
        value: Vote,
        question: str = "",
    ) -> None:
        """Insert or replace this user's vote on this answer."""
        # Two clicks can race to insert the same vote; the loser updates instead.
        for attempt in range(2):
            try:
                with Session(self._engine) as session, session.begin():
                    row = session.scalars(
                        select(Feedback).where(
                            Feedback.team_id == team_id,
                            Feedback.channel_id == channel_id,
                            Feedback.message_ts == message_ts,
                            Feedback.user_id == user_id,
                        )
                    ).first()
                    if row is None:
                        session.add(
                            Feedback(
                                team_id=team_id,
                                channel_id=channel_id,
                                message_ts=message_ts,
                                user_id=user_id,
                                value=value,
                                question=question,
                            )
                        )
                    else:
                        row.value = value
                        row.question = question or row.question
                        row.created_at = utcnow()
                return
            except IntegrityError:
                if attempt:
                    raise

    def for_message(self, team_id: str, channel_id: str, message_ts: str) -> list[FeedbackRecord]:
        """Every vote on one answer."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(Feedback)
                .where(
                    Feedback.team_id == team_id,
                    Feedback.channel_id == channel_id,
                    Feedback.message_ts == message_ts,
                )
                .order_by(Feedback.id)
            ).all()
            return [FeedbackRecord.model_validate(r, from_attributes=True) for r in rows]
