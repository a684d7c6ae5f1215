"""Score moves: log each shortlisted creator whose score moved enough since the channel heard.

Checked after `scout roster import` and before every digest run, so a roster file
replaced in place (say a nightly export written to SCOUT_ROSTER) is reported too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.store.digests import write_transaction
from bot.store.schema import ShortlistChange, ShortlistEntry, utcnow
from bot.store.shortlists import ChangeRecord

if TYPE_CHECKING:
    from bot.deps import Deps

ROSTER_IMPORT_ACTOR = "roster import"
ROSTER_UPDATE_ACTOR = "roster update"  # the file changed without `scout roster import`


def record_score_moves(
    engine: Engine,
    score_of: Callable[[str], float | None],
    *,
    threshold: float,
    actor: str = ROSTER_IMPORT_ACTOR,
) -> list[ChangeRecord]:
    """Append a `score_move` change for every shortlist entry (all workspaces) that moved.

    A move is |new - last_score| > `threshold`. `last_score` is only updated
    when a move is logged, so it is always the score the channel last heard
    about and slow drift is reported once it adds up. An entry with no score yet
    takes the current one as its baseline; creators the roster no longer scores
    (`score_of` returns None) are left alone. One transaction with the entries
    locked, so two imports at once cannot log the same move twice.
    """
    scores: dict[str, float | None] = {}
    moves: list[ShortlistChange] = []
    with write_transaction(engine) as session:
        entries = session.scalars(
            select(ShortlistEntry).order_by(ShortlistEntry.id).with_for_update()
        ).all()
        for entry in entries:
            if entry.handle not in scores:
                scores[entry.handle] = score_of(entry.handle)
            new = scores[entry.handle]
            if new is None:
                continue
            old = entry.last_score
            if old is not None and abs(new - old) <= threshold:
                continue
            entry.last_score = new
            if old is None:
                continue
            move = ShortlistChange(
                team_id=entry.team_id,
                campaign=entry.campaign,
                handle=entry.handle,
                kind="score_move",
                actor=actor,
                old_score=old,
                new_score=new,
                created_at=utcnow(),
            )
            session.add(move)
            moves.append(move)
        session.flush()
        return [ChangeRecord.model_validate(m, from_attributes=True) for m in moves]


def record_roster_score_moves(deps: Deps) -> list[ChangeRecord]:
    """After `scout roster import`: score every shortlisted creator on the roster now in use."""
    from bot.errors import ScoutError
    from bot.scoring.service import Scout

    scout = Scout.from_settings(deps.settings, deps.embedder)

    def score_of(handle: str) -> float | None:
        try:
            return scout.card(handle).score
        except ScoutError:
            return None

    return record_score_moves(
        deps.engine, score_of, threshold=deps.settings.scout_digest_score_threshold
    )
