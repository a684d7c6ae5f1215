"""Campaign shortlists, scoped per workspace, with every change logged for digests."""

from __future__ import annotations

import unicodedata

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.schema import ShortlistChange, ShortlistEntry, UtcDateTime


class ShortlistItem(BaseModel):
    """A creator on a shortlist, as read back."""

    handle: str
    added_by: str
    added_at: UtcDateTime
    last_score: float | None = None


class ChangeRecord(BaseModel):
    """One entry of the shortlist change log."""

    id: int
    team_id: str
    campaign: str
    handle: str
    kind: str
    actor: str
    old_score: float | None
    new_score: float | None
    created_at: UtcDateTime


def normalise_campaign(campaign: str) -> str:
    """Campaign names compare case- and space-insensitively ("Spring Launch" == "spring launch"),
    and an accent typed as its own character ("e" + U+0301) is the accented letter ("é")."""
    return unicodedata.normalize("NFC", " ".join(campaign.split()).lower())


class ShortlistStore:
    """Reads and writes shortlists; every write also appends to the change log."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self, team_id: str, campaign: str, handle: str, actor: str, score: float | None = None
    ) -> bool:
        """Add `handle`; False if it was already there (nothing is logged then)."""
        campaign = normalise_campaign(campaign)
        try:
            with Session(self._engine) as session, session.begin():
                session.add(
                    ShortlistEntry(
                        team_id=team_id,
                        campaign=campaign,
                        handle=handle,
                        added_by=actor,
                        last_score=score,
                    )
                )
                session.flush()
                session.add(
                    ShortlistChange(
                        team_id=team_id,
                        campaign=campaign,
                        handle=handle,
                        kind="added",
                        actor=actor,
                        new_score=score,
                    )
                )
        except IntegrityError:
            return False
        return True

    def remove(self, team_id: str, campaign: str, handle: str, actor: str) -> bool:
        """Remove `handle`; False if it was not there."""
        campaign = normalise_campaign(campaign)
        with Session(self._engine) as session, session.begin():
            # One statement that deletes and reads: on SQLite a SELECT before the DELETE
            # took no lock, so two removes at once both found the creator, both said
            # "Removed" and both logged the removal.
            deleted = session.execute(
                delete(ShortlistEntry)
                .where(
                    ShortlistEntry.team_id == team_id,
                    ShortlistEntry.campaign == campaign,
                    ShortlistEntry.handle == handle,
                )
                .returning(ShortlistEntry.last_score)
            ).first()
            if deleted is None:
                return False
            (old_score,) = deleted
            session.add(
                ShortlistChange(
                    team_id=team_id,
                    campaign=campaign,
                    handle=handle,
                    kind="removed",
                    actor=actor,
                    old_score=old_score,
                )
            )
        return True

    def entries(self, team_id: str, campaign: str) -> list[ShortlistItem]:
        """The shortlist in the order creators were added."""
        campaign = normalise_campaign(campaign)
        with Session(self._engine) as session:
            rows = session.scalars(
                select(ShortlistEntry)
                .where(ShortlistEntry.team_id == team_id, ShortlistEntry.campaign == campaign)
                .order_by(ShortlistEntry.id)
            ).all()
            return [
                ShortlistItem(
                    handle=r.handle,
                    added_by=r.added_by,
                    added_at=r.added_at,
                    last_score=r.last_score,
                )
                for r in rows
            ]

    def campaigns(self, team_id: str) -> list[str]:
        """Every campaign of this workspace that has at least one creator."""
        with Session(self._engine) as session:
            return list(
                session.scalars(
                    select(ShortlistEntry.campaign)
                    .where(ShortlistEntry.team_id == team_id)
                    .group_by(ShortlistEntry.campaign)
                    .order_by(func.min(ShortlistEntry.id))
                ).all()
            )

    def changes_since(self, team_id: str, campaign: str, after_id: int) -> list[ChangeRecord]:
        """Change-log entries for a campaign with id greater than `after_id`, oldest first."""
        campaign = normalise_campaign(campaign)
        with Session(self._engine) as session:
            rows = session.scalars(
                select(ShortlistChange)
                .where(
                    ShortlistChange.team_id == team_id,
                    ShortlistChange.campaign == campaign,
                    ShortlistChange.id > after_id,
                )
                .order_by(ShortlistChange.id)
            ).all()
            return [ChangeRecord.model_validate(r, from_attributes=True) for r in rows]
