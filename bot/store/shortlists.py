"""Campaign shortlists, scoped per workspace, with every change logged for digests."""

from __future__ import annotations

import difflib
import unicodedata

from pydantic import BaseModel
from sqlalchemy import delete, exists, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.schema import CAMPAIGN_WIDTH, ShortlistChange, ShortlistEntry, UtcDateTime


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


# Invisible characters a paste carries into a name (zero-width space, word joiner, BOM).
# Not the joiners U+200C and U+200D: they are part of emoji sequences (a family emoji)
# and of words in Persian and other scripts.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))
MAX_CAMPAIGN_LENGTH = 80
# How many existing campaigns a "no shortlist by that name" reply lists when none is close.
_LISTED_CAMPAIGNS = 5


def normalise_campaign(campaign: str) -> str:
    """The key a campaign is stored and compared by: case-, space- and width-insensitive
    ("Spring Launch" == "spring  launch", "Straße" == "STRASSE", "ｓｐｒｉｎｇ" == "spring"), and an
    accent typed as its own character ("e" + U+0301) is the accented letter ("é")."""
    folded = unicodedata.normalize("NFKC", campaign.translate(_ZERO_WIDTH)).casefold()
    # Folding can undo NFKC ("ǰ" folds to "ǰ" decomposed); the second pass composes it again.
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def campaign_fits(campaign: str) -> bool:
    """A name of 1 to 80 characters as the user sees them (spaces collapsed, invisible
    characters and accents typed on their own not counted), whatever folding does to its key
    ("İ" folds to "i" and a dot), and a key that fits its column (NFKC spells a few ligatures
    out: "ﷺ" is 18 letters)."""
    key = normalise_campaign(campaign)
    shown = " ".join(unicodedata.normalize("NFC", campaign.translate(_ZERO_WIDTH)).split())
    length = sum(not unicodedata.combining(char) for char in shown)
    return bool(key) and length <= MAX_CAMPAIGN_LENGTH and len(key) <= CAMPAIGN_WIDTH


def no_such_campaign(campaign: str, existing: list[str]) -> str:
    """Why a campaign lists nobody when no shortlist has that name, with the closest names
    (usually a typo) or, when none is close, the workspace's few campaigns."""
    note = f"No shortlist named {campaign!r} yet."
    if close := difflib.get_close_matches(campaign, existing, n=3):
        return f"{note} Did you mean {' or '.join(map(repr, close))}?"
    if not existing:
        return f"{note} This workspace has no shortlists yet."
    shown = ", ".join(map(repr, existing[:_LISTED_CAMPAIGNS]))
    more = len(existing) - _LISTED_CAMPAIGNS
    return f"{note} Shortlists so far: {shown}" + (f" and {more} more." if more > 0 else ".")


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

    def has_history(self, team_id: str, campaign: str) -> bool:
        """Whether this workspace ever shortlisted anyone for the campaign (it may be empty now)."""
        campaign = normalise_campaign(campaign)
        with Session(self._engine) as session:
            return bool(
                session.scalar(
                    select(
                        exists().where(
                            ShortlistChange.team_id == team_id,
                            ShortlistChange.campaign == campaign,
                        )
                    )
                )
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
