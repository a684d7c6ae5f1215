"""Pure Block Kit builders for a campaign digest: what changed, by whom, and the top of the list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from bot.digests.schedule import as_utc
from bot.store.shortlists import ChangeRecord

Block = dict[str, Any]

# Enough to read at a glance; the rest is summarised as "...and N more".
MAX_LINES_PER_SECTION = 12
TOP_N = 5
# Slack rejects section text over 3,000 characters.
_SECTION_LIMIT = 2900


class TopEntry(BaseModel):
    """A creator on the shortlist now, with the current score when the roster knows them."""

    handle: str
    score: float | None = None


def _escape(text: str) -> str:
    """Names typed by users cannot ping @channel or smuggle in links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _who(actor: str) -> str:
    """Slack user ids become mentions; system actors ("roster import", "cli") stay plain."""
    if actor[:1] in {"U", "W"} and actor.isalnum() and actor.isupper():
        return f"<@{actor}>"
    return _escape(actor)


def _when(moment: datetime) -> str:
    """A date Slack renders in each reader's own time zone, with a UTC fallback."""
    utc = as_utc(moment)
    fallback = utc.strftime("%d %b %H:%M UTC")
    return f"<!date^{int(utc.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _change_line(change: ChangeRecord) -> str:
    if change.kind == "score_move":
        old, new = change.old_score or 0.0, change.new_score or 0.0
        arrow = "📈" if new > old else "📉"
        # The difference of the scores as shown, so "85 → 61" reads (-24), not (-25).
        shown_delta = round(new) - round(old)
        return (
            f"{arrow} *{_escape(change.handle)}* {_score(change.old_score)} → "
            f"{_score(change.new_score)} ({shown_delta:+d}) · {_who(change.actor)}, "
            f"{_when(change.created_at)}"
        )
    score = change.new_score if change.kind == "added" else change.old_score
    shown = f" (score {_score(score)})" if score is not None else ""
    who = _who(change.actor)
    return f"*{_escape(change.handle)}*{shown} · by {who}, {_when(change.created_at)}"


def _section(title: str, lines: list[str]) -> Block:
    shown = lines[:MAX_LINES_PER_SECTION]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more")
    body = f"*{title}*\n" + "\n".join(f"• {line}" for line in shown)
    if len(body) > _SECTION_LIMIT:
        body = body[: _SECTION_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": body}}


def net_changes(changes: list[ChangeRecord]) -> list[ChangeRecord]:
    """What changed between the list before `changes` and after them: a creator added and
    removed again (or removed and added back) in between is no change, and the score moves
    of a creator who left are moot. Otherwise the last add or remove stands, in log order."""
    membership: dict[str, list[ChangeRecord]] = {}
    for change in changes:
        if change.kind in {"added", "removed"}:
            membership.setdefault(change.handle, []).append(change)
    kept = []
    for change in changes:
        events = membership.get(change.handle)
        if not events:
            kept.append(change)
            continue
        was_on, is_on = events[0].kind == "removed", events[-1].kind == "added"
        if change.kind == "score_move":
            if is_on and change.id > (events[-1].id if not was_on else 0):
                kept.append(change)
        elif was_on != is_on and change is events[-1]:
            kept.append(change)
    return kept


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarise(changes: list[ChangeRecord]) -> str:
    """ "2 added, 1 removed, 1 score move": the notification text and the header's context."""
    counts = {
        kind: sum(1 for c in changes if c.kind == kind)
        for kind in ("added", "removed", "score_move")
    }
    parts = []
    if counts["added"]:
        parts.append(f"{counts['added']} added")
    if counts["removed"]:
        parts.append(f"{counts['removed']} removed")
    if counts["score_move"]:
        parts.append(_plural(counts["score_move"], "score move"))
    return ", ".join(parts) or "no changes"


def build_digest(
    campaign: str,
    changes: list[ChangeRecord],
    top: list[TopEntry],
    *,
    shortlist_size: int,
    since: datetime | None,
) -> dict[str, Any]:
    """The digest message: `text` (notifications, screen readers) and `blocks`."""
    summary = summarise(changes)
    since_text = f"since the last digest ({_when(since)})" if since else "since subscribing"
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"Shortlist digest: {campaign}"[:150]},
        },
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"*{summary}* {since_text}"}],
        },
    ]
    for kind, title in (("added", "Added"), ("removed", "Removed"), ("score_move", "Score moves")):
        lines = [_change_line(c) for c in changes if c.kind == kind]
        if lines:
            blocks.append(_section(title, lines))
    blocks.append({"type": "divider"})
    if top:
        heading = f"*Top {min(len(top), TOP_N)} of {_plural(shortlist_size, 'creator')} now*"
        ranked = [
            f"{rank}. *{_escape(entry.handle)}* — "
            + (_score(entry.score) if entry.score is not None else "no longer in the roster")
            for rank, entry in enumerate(top[:TOP_N], start=1)
        ]
        text = f"{heading} (score 0–100)\n" + "\n".join(ranked)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    else:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": "_The shortlist is empty now._"}}
        )
    return {"text": f"Shortlist digest for {_escape(campaign)}: {summary}", "blocks": blocks}


def rank_top(entries: list[TopEntry]) -> list[TopEntry]:
    """Best score first; creators the roster no longer scores go last, in shortlist order."""
    return sorted(entries, key=lambda e: (e.score is None, -(e.score or 0.0)))
