"""Buttons end to end: add to a shortlist (existing or new campaign), feedback, share."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.slack.conftest import TEAM, ServedApp
from tests.support.slack_http import block_actions


def _click(app: ServedApp, action: dict[str, Any], key: str, **extra: Any) -> None:
    payload = block_actions(
        action,
        team_id=TEAM,
        response_url=app.slack.response_url(key),
        thread_ts="300.0001",
    )
    payload.update(extra)
    response = app.send_action(payload)
    assert response.status_code == 200


def _wait(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def handle(app: ServedApp) -> str:
    return app.deps.scout.handles()[0]


def test_picking_a_campaign_adds_the_creator(app: ServedApp, handle: str) -> None:
    action = {
        "type": "static_select",
        "action_id": "shortlist_add",
        "block_id": f"creator:{handle}",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "summer drop"},
    }
    _click(app, action, key="pick")
    [reply] = app.responses("pick")
    assert reply["text"] == f"Added {handle} to *summer drop*."
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    [entry] = app.deps.shortlists.entries(TEAM, "summer drop")
    assert (entry.handle, entry.added_by) == (handle, "U222")
    assert entry.last_score == pytest.approx(app.deps.scout.card(handle).score)
    [change] = app.deps.shortlists.changes_since(TEAM, "summer drop", 0)
    assert change.kind == "added"


def _pick(block_id: str, campaign: str) -> dict[str, Any]:
    option = {"text": {"type": "plain_text", "text": "x"}, "value": campaign}
    return {
        "type": "static_select",
        "action_id": "shortlist_add",
        "block_id": block_id,
        "selected_option": option,
    }


@pytest.mark.parametrize(
    ("block_id", "campaign", "said"),
    [
        # An answer from before a roster import that dropped the creator.
        ("creator:@left_the_roster", "stale picks", "no creator @left_the_roster on the roster"),
        ("b", "stale picks", "belongs to no creator"),
        ("creator:", "stale picks", "a handle is empty"),
        ("creator:{handle}", "", "Campaign names are 1 to 80"),
        ("creator:{handle}", "   ", "Campaign names are 1 to 80"),
        ("creator:{handle}", "c" * 81, "Campaign names are 1 to 80"),
    ],
)
def test_a_stale_or_malformed_pick_adds_nothing_and_says_why(
    app: ServedApp, handle: str, block_id: str, campaign: str, said: str
) -> None:
    campaigns = app.deps.shortlists.campaigns(TEAM)
    key = f"pick-bad-{abs(hash((block_id, campaign)))}"
    _click(app, _pick(block_id.format(handle=handle), campaign), key=key)
    [reply] = app.responses(key)
    assert reply["text"].startswith(":warning: Nothing was added:")
    assert said in reply["text"]
    assert (reply["response_type"], reply["replace_original"]) == ("ephemeral", False)
    assert app.deps.shortlists.campaigns(TEAM) == campaigns
    assert app.deps.shortlists.entries(TEAM, "stale picks") == []


def test_a_pick_adds_the_roster_handle_once_however_it_is_cased(
    app: ServedApp, handle: str
) -> None:
    _click(app, _pick(f"creator:{handle}", "casing"), key="pick-case-1")
    # Answered before the second click: clicks are handled in worker threads, so two sent
    # at once may be added in either order.
    assert app.responses("pick-case-1")[0]["text"] == f"Added {handle} to *casing*."
    _click(app, _pick(f"creator:{handle.upper()}", "Casing"), key="pick-case-2")
    assert app.responses("pick-case-2")[0]["text"] == f"{handle} is already on *casing*."
    assert [e.handle for e in app.deps.shortlists.entries(TEAM, "casing")] == [handle]


def test_a_new_campaign_opens_a_modal_and_its_submission_adds(app: ServedApp, handle: str) -> None:
    action = {
        "type": "static_select",
        "action_id": "shortlist_add",
        "block_id": f"creator:{handle}",
        "selected_option": {"text": {"type": "plain_text", "text": "New"}, "value": "__new__"},
    }
    _click(app, action, key="pick-new")
    [opened] = app.slack.wait_for("views.open")
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "shortlist_new_campaign"
    submission = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "fake"},
        "user": {"id": "U222", "team_id": TEAM},
        "api_app_id": "A111",
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {
                    "campaign": {"name": {"type": "plain_text_input", "value": "Autumn Push"}}
                }
            },
        },
    }
    response = app.send_action(submission)
    assert response.status_code == 200
    [confirmation] = app.slack.wait_for("chat.postEphemeral")
    assert confirmation.body["text"] == f"Added {handle} to *autumn push*."
    assert confirmation.body["thread_ts"] == "300.0001"
    assert [e.handle for e in app.deps.shortlists.entries(TEAM, "autumn push")] == [handle]


def test_a_failing_click_gets_an_apology(app: ServedApp, handle: str) -> None:
    app.slack.fail_next("views.open", 200, body={"ok": False, "error": "expired_trigger_id"})
    action = {
        "type": "static_select",
        "action_id": "shortlist_add",
        "block_id": f"creator:{handle}",
        "selected_option": {"text": {"type": "plain_text", "text": "New"}, "value": "__new__"},
    }
    _click(app, action, key="pick-fails")
    [reply] = app.responses("pick-fails")
    assert reply["text"].startswith("Sorry")
    assert reply["response_type"] == "ephemeral"


def _submission(handle: str, name: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U222"},
        "view": {
            "id": "V2",
            "type": "modal",
            "callback_id": "shortlist_new_campaign",
            "private_metadata": json.dumps({"handle": handle, "channel_id": "C111"}),
            "state": {"values": {"campaign": {"name": {"value": name}}}},
        },
    }


def test_an_empty_campaign_name_is_refused_and_adds_nothing(app: ServedApp, handle: str) -> None:
    before = len(app.slack.calls_to("chat.postEphemeral"))
    response = app.send_action(_submission(handle, "   "))
    assert response.json() == {
        "response_action": "errors",
        "errors": {"campaign": "Give the campaign a name."},
    }
    # A valid submission after it: once that one is confirmed, the refused one (sent
    # first, to the same workers) has had its chance to write, and must not have.
    assert app.send_action(_submission(handle, "Winter Sale")).status_code == 200
    confirmations = app.slack.wait_for("chat.postEphemeral", count=before + 1)[before:]
    assert [c.body["text"] for c in confirmations] == [f"Added {handle} to *winter sale*."]
    assert "" not in app.deps.shortlists.campaigns(TEAM)


def test_feedback_is_stored_and_acknowledged(app: ServedApp) -> None:
    up = {"type": "button", "action_id": "feedback_up", "block_id": "feedback", "value": "who?"}
    _click(app, up, key="fb1")
    app.responses("fb1")
    down = {**up, "action_id": "feedback_down"}
    _click(app, down, key="fb2", user={"id": "U333", "team_id": TEAM})
    app.responses("fb2")
    votes = app.deps.feedback.for_message(TEAM, "C111", "300.0002")
    assert [(v.user_id, v.value, v.question) for v in votes] == [
        ("U222", "up", "who?"),
        ("U333", "down", "who?"),
    ]


def test_share_in_channel_reposts_publicly_with_the_chart(app: ServedApp) -> None:
    first, second = app.deps.scout.handles()[:2]
    share = {
        "type": "button",
        "action_id": "share_in_channel",
        "block_id": "share",
        "value": f"compare {first} {second}",
    }
    _click(app, share, key="share")
    posted, deleted = app.responses("share", count=2)
    assert posted["response_type"] == "in_channel"
    assert first in json.dumps(posted["blocks"])
    assert "Shared by <@U222>" in json.dumps(posted["blocks"])
    assert deleted["delete_original"] is True
    _wait(
        lambda: any(
            c.body.get("channel_id") == "C111"
            for c in app.slack.calls_to("files.completeUploadExternal")
        )
    )


def test_a_double_click_on_share_posts_the_answer_once(app: ServedApp) -> None:
    first, second = app.deps.scout.handles()[2:4]
    share = {
        "type": "button",
        "action_id": "share_in_channel",
        "value": f"compare {first} {second}",
    }
    uploads = len(app.slack.calls_to("files.completeUploadExternal"))
    for key in ("dbl-1", "dbl-2"):  # the second click lands while the first is charting
        payload = block_actions(
            share, team_id=TEAM, response_url=app.slack.response_url(key), message_ts="310.0001"
        )
        assert app.send_action(payload).status_code == 200
    # Either click may win the race; the other is told, and posts nothing.
    firsts = {key: app.responses(key)[0] for key in ("dbl-1", "dbl-2")}
    [winner] = [key for key, reply in firsts.items() if reply["response_type"] == "in_channel"]
    [loser] = [key for key in firsts if key != winner]
    assert app.responses(winner, count=2)[1] == {"delete_original": True}
    time.sleep(0.5)  # a second share would have been posted by now
    assert app.responses(loser) == [
        {
            "text": "This answer is already shared in the channel.",
            "response_type": "ephemeral",
            "replace_original": False,
        }
    ]
    shared = [
        r for r in app.slack.calls_to("response_url") if r.body.get("response_type") == "in_channel"
    ]
    assert sum(first in json.dumps(r.body) for r in shared) == 1
    assert len(app.slack.calls_to("files.completeUploadExternal")) == uploads + 1


def test_a_share_that_now_fails_tells_the_clicker_only(app: ServedApp) -> None:
    # The roster changed since the answer: its creator is gone. The error must not be
    # posted to the channel as "Shared by", nor the clicker's own answer deleted.
    share = {
        "type": "button",
        "action_id": "share_in_channel",
        "block_id": "share",
        "value": "score @left_the_roster",
    }
    _click(app, share, key="share-fails")
    [reply] = app.responses("share-fails")
    time.sleep(0.5)
    assert len(app.responses("share-fails")) == 1, "the original answer stays"
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    assert "@left_the_roster" in reply["text"]
    assert "Shared by" not in json.dumps(reply)


def test_a_new_campaign_for_a_creator_who_left_the_roster_adds_nothing(app: ServedApp) -> None:
    before = len(app.slack.calls_to("chat.postEphemeral"))
    assert app.send_action(_submission("@left_the_roster", "Gone Soon")).status_code == 200
    [told] = app.slack.wait_for("chat.postEphemeral", count=before + 1)[before:]
    assert told.body["text"].startswith(":warning: Nothing was added: no creator @left_the_roster")
    assert app.deps.shortlists.entries(TEAM, "gone soon") == []
