"""The digest's Block Kit: who changed what, readable at a glance, within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.digests.compose import (
    MAX_LINES_PER_SECTION,
    TopEntry,
    build_digest,
    net_changes,
    rank_top,
    summarise,
)
from bot.store.shortlists import ChangeRecord

WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def change(i: int, handle: str, kind: str, actor: str = "U1", **scores: float) -> ChangeRecord:
    return ChangeRecord(
        id=i,
        team_id="T1",
        campaign="launch",
        handle=handle,
        kind=kind,
        actor=actor,
        old_score=scores.get("old"),
        new_score=scores.get("new"),
        created_at=WHEN,
    )


def test_sections_per_kind_with_actor_scores_and_top_list() -> None:
    changes = [
        change(1, "@a", "added", new=71),
        change(2, "@b", "removed", actor="U2", old=40),
        change(3, "@c", "score_move", actor="roster import", old=60, new=68.4),
    ]
    top = rank_top([TopEntry(handle="@c", score=68.4), TopEntry(handle="@a", score=71)])
    message = build_digest("launch", changes, top, shortlist_size=2, since=WHEN)
    blocks = message["blocks"]

    assert message["text"] == "Shortlist digest for launch: 1 added, 1 removed, 1 score move"
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Shortlist digest: launch"},
    }
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert texts[0].startswith("*Added*\n• *@a* (score 71) · by <@U1>, <!date^")
    assert texts[1].startswith("*Removed*\n• *@b* (score 40) · by <@U2>")
    assert "📈 *@c* 60 → 68 (+8) · roster import" in texts[2]
    assert texts[3].splitlines()[1:] == ["1. *@a* — 71", "2. *@c* — 68"]
    assert "since the last digest" in blocks[1]["elements"][0]["text"]


def test_a_score_move_reads_as_the_difference_of_the_scores_shown() -> None:
    moves = [
        change(1, "@a", "score_move", old=85.37, new=60.53),
        change(2, "@b", "score_move", old=60.4, new=66.6),
    ]
    message = build_digest("launch", moves, [], shortlist_size=0, since=None)
    lines = message["blocks"][2]["text"]["text"].splitlines()[1:]
    assert lines[0].startswith("• 📉 *@a* 85 → 61 (-24) ·")  # was (-25): 85.37 - 60.53
    assert lines[1].startswith("• 📈 *@b* 60 → 67 (+7) ·")  # was (+6)


def test_long_change_lists_are_summarised() -> None:
    changes = [change(i, f"@creator{i}", "added") for i in range(40)]
    message = build_digest("launch", changes, [], shortlist_size=0, since=None)
    added = message["blocks"][2]["text"]["text"]
    assert added.count("\n• ") == MAX_LINES_PER_SECTION + 1
    assert added.endswith(f"…and {40 - MAX_LINES_PER_SECTION} more")
    assert "The shortlist is empty now" in json.dumps(message["blocks"])
    assert len(message["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")


def test_user_text_cannot_ping_or_link() -> None:
    changes = [change(1, "@a<!channel>", "added", actor="<@U1|x>")]
    message = build_digest("<!here> launch", changes, [], shortlist_size=1, since=None)
    # The header is plain_text, which Slack never parses for mentions.
    dumped = json.dumps([message["text"], *message["blocks"][1:]])
    assert "<!channel>" not in dumped and "<!here>" not in dumped and "<@U1|x>" not in dumped


def test_unscored_creators_rank_last_and_summary_counts() -> None:
    ranked = rank_top([TopEntry(handle="@x"), TopEntry(handle="@y", score=3)])
    assert [e.handle for e in ranked] == ["@y", "@x"]
    moves = [
        change(1, "@a", "score_move", old=1, new=9),
        change(2, "@a", "score_move", old=9, new=1),
    ]
    assert summarise(moves) == "2 score moves"
    assert summarise([]) == "no changes"


def test_changes_undone_before_the_digest_cancel_out() -> None:
    changes = [
        change(1, "@a", "added", new=70),
        change(2, "@a", "score_move", old=70, new=60),
        change(3, "@b", "removed", old=50),
        change(4, "@a", "removed", old=60),
        change(5, "@b", "added", new=55),
        change(6, "@c", "score_move", old=40, new=45),
        change(7, "@d", "added", new=80),
        change(8, "@d", "removed", old=80),
        change(9, "@d", "added", new=81),
        change(10, "@d", "score_move", old=81, new=83),
    ]
    # @a came and went, @b left and came back: neither is news; @d's last add and the
    # move after it are.
    assert [c.id for c in net_changes(changes)] == [6, 9, 10]


@given(st.lists(st.sampled_from(["@a", "@b"]), max_size=8), st.sampled_from(["@a", "@b", None]))
def test_net_changes_take_the_list_from_before_to_after(
    toggles: list[str], first: str | None
) -> None:
    """Toggling creators on and off: the net changes turn the list before into the list after."""
    before = {first} if first else set()
    on, changes = set(before), []
    for i, handle in enumerate(toggles, start=1):
        kind = "removed" if handle in on else "added"
        on ^= {handle}
        changes.append(change(i, handle, kind))
    after = set(before)
    for c in net_changes(changes):
        assert (c.handle in after) == (c.kind == "removed")
        after ^= {c.handle}
    assert after == on
