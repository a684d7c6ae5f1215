"""Property-based bad input through the served app: `/scout` text, event payloads,
interactivity payloads, roster files and questions.

Every case gets a 200 ack and then a reply (or, for non-questions, silence); no reply
shows a traceback; and no shortlist changes except those a reply announces.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.agent.models import AskResult
from bot.config import Settings
from bot.errors import ScoutError
from bot.scoring.roster import import_roster
from bot.slack.blocks import (
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    ACTION_SHORTLIST_ADD,
    NEW_CAMPAIGN_VALUE,
)
from bot.slack.events import is_question
from bot.store.schema import ShortlistChange
from tests.slack.conftest import TEAM, ServedApp, posts_in_thread
from tests.support.slack_http import block_actions

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEQUENCE = itertools.count(1)
SUBCOMMANDS = [
    "score",
    "compare",
    "rank",
    "plan",
    "shortlist",
    "shortlist add",
    "shortlist remove",
    "shortlist list",
    "digest",
    "digest subscribe",
    "digest unsubscribe",
    "help",
    "frobnicate",
]
TRICKY_WORDS = ["@nobody", "<!channel>", "<@U1>", '"', "“", "$2k", "-n", "5", "n=0", "launch", "&"]


def words(handles: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=20), st.sampled_from([*handles[:5], *TRICKY_WORDS]))


def command_texts(handles: list[str]) -> st.SearchStrategy[str]:
    structured = st.builds(
        lambda sub, rest: " ".join([sub, *rest]),
        st.sampled_from(SUBCOMMANDS),
        st.lists(words(handles), max_size=5),
    )
    writes = st.builds(
        lambda action, campaign, chosen: " ".join(["shortlist", action, campaign, *chosen]),
        st.sampled_from(["add", "remove"]),
        st.sampled_from(["fuzz-a", "fuzz-b"]),
        st.lists(st.sampled_from([*handles[:4], "@nobody"]), min_size=1, max_size=3),
    )
    return st.one_of(st.text(max_size=200), structured, writes)


def shortlist_changes(app: ServedApp) -> int:
    with app.deps.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(ShortlistChange)).scalar_one()
        )


def announced_writes(reply: dict[str, Any]) -> int:
    """How many shortlist changes a reply tells the user about (one line each in `text`)."""
    text = str(reply.get("text", ""))
    return text.count("Added ") + text.count("Removed from ")


def assert_user_facing(reply: dict[str, Any]) -> None:
    text = json.dumps(reply)
    assert reply.get("text") or reply.get("blocks") or reply.get("delete_original"), reply
    assert "Traceback" not in text and 'File \\"' not in text


@pytest.fixture(scope="module")
def handles(app: ServedApp) -> list[str]:
    return app.deps.scout.handles()


@pytest.mark.timeout(240)
def test_slash_command_text(app: ServedApp, handles: list[str]) -> None:
    @FUZZ
    @given(text=command_texts(handles))
    def check(text: str) -> None:
        key = f"fz-cmd-{next(SEQUENCE)}"
        before = shortlist_changes(app)
        response = app.send_command(text, key=key)
        assert response.status_code == 200
        [reply] = app.responses(key)
        assert_user_facing(reply)
        assert shortlist_changes(app) - before == announced_writes(reply)

    check()


def test_adding_a_known_and_an_unknown_handle_writes_nothing(
    app: ServedApp, handles: list[str]
) -> None:
    before = shortlist_changes(app)
    app.send_command(f"shortlist add partial {handles[0]} @no.such.creator", key="partial")
    [reply] = app.responses("partial")
    assert "@no.such.creator" in reply["text"]
    assert shortlist_changes(app) == before
    assert app.deps.shortlists.entries(TEAM, "partial") == []


EVENT_SUBTYPES = [None, "file_share", "thread_broadcast", "message_changed", "bot_message"]


def events() -> st.SearchStrategy[dict[str, Any]]:
    text = st.one_of(
        st.text(max_size=300),
        st.sampled_from(
            [
                "add @greenrunner to the launch shortlist",
                "remove everyone from our shortlist",
                "<!channel> who fits vegan fitness?",
                "compare @a @b and shortlist the winner",
            ]
        ),
    )
    return st.fixed_dictionaries(
        {
            "type": st.sampled_from(["app_mention", "message"]),
            "text": st.builds(lambda t: f"<@UBOT> {t}", text),
            "user": st.sampled_from(["U222", "UBOT", ""]),
            "channel": st.sampled_from(["C111", "D111"]),
        },
        optional={
            "subtype": st.sampled_from(EVENT_SUBTYPES),
            "channel_type": st.sampled_from(["im", "channel", "group"]),
            "bot_id": st.just("B1"),
            "thread_ts": st.just("1.000001"),
            "files": st.lists(st.fixed_dictionaries({"id": st.text(max_size=8)}), max_size=2),
        },
    )


@pytest.mark.timeout(240)
def test_event_payloads(app: ServedApp) -> None:
    @FUZZ
    @given(event=events())
    def check(event: dict[str, Any]) -> None:
        n = next(SEQUENCE)
        event = {**event, "ts": f"{5000 + n}.000100", "event_ts": f"{5000 + n}.000100"}
        before = shortlist_changes(app)
        started = time.monotonic()
        response = app.send_event(event, event_id=f"EvFuzz{n}")
        assert response.status_code == 200
        assert time.monotonic() - started < 3.0
        answered = is_question(event, "UBOT") and (
            event["type"] == "app_mention" or event.get("channel_type") == "im"
        )
        if answered:
            thread = event.get("thread_ts") or event["ts"]
            deadline = time.monotonic() + 30
            while not (posts := posts_in_thread(app.slack, event["channel"], thread)):
                assert time.monotonic() < deadline, "a question got no answer"
                time.sleep(0.02)
            for post in posts:
                assert_user_facing(post)
        assert shortlist_changes(app) == before, "a question changed a shortlist"

    check()


def actions(handles: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    campaign = st.one_of(st.text(max_size=90), st.just(NEW_CAMPAIGN_VALUE))
    return st.one_of(
        st.builds(
            lambda handle, value: {
                "type": "static_select",
                "action_id": ACTION_SHORTLIST_ADD,
                "block_id": f"creator:{handle}",
                "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
            },
            st.one_of(st.sampled_from(handles[:5]), st.text(max_size=30)),
            campaign,
        ),
        st.builds(
            lambda action_id, value: {"type": "button", "action_id": action_id, "value": value},
            st.sampled_from([ACTION_FEEDBACK_UP, ACTION_FEEDBACK_DOWN]),
            st.text(max_size=300),
        ),
        st.builds(
            lambda value: {"type": "button", "action_id": ACTION_SHARE, "value": value},
            command_texts(handles),
        ),
    )


@pytest.mark.timeout(240)
def test_interactivity_payloads(app: ServedApp, handles: list[str]) -> None:
    @FUZZ
    @given(action=actions(handles))
    @example(action={"type": "button", "action_id": ACTION_SHARE, "value": ""})
    def check(action: dict[str, Any]) -> None:
        key = f"fz-act-{next(SEQUENCE)}"
        payload = block_actions(action, team_id=TEAM, response_url=app.slack.response_url(key))
        before = shortlist_changes(app)
        views = len(app.slack.calls_to("views.open"))
        assert app.send_action(payload).status_code == 200
        new = action.get("selected_option", {}).get("value") == NEW_CAMPAIGN_VALUE
        if new and action["block_id"].removeprefix("creator:") in handles:
            app.slack.wait_for("views.open", count=views + 1)
            assert shortlist_changes(app) == before
            return
        replies = app.responses(key)
        if replies[0].get("response_type") == "in_channel":
            replies = app.responses(key, count=2)  # the share, then the delete of the original
            assert replies[1] == {"delete_original": True}
        else:
            assert not replies[0].get("delete_original"), "a failed share deleted the answer"
        for reply in replies:
            assert_user_facing(reply)
        assert shortlist_changes(app) - before == sum(announced_writes(r) for r in replies[:1])

    check()


ROSTER_HEADER = (
    "handle,name,platform,niches,followers,avg_likes,avg_comments,avg_shares,avg_saves,"
    "avg_views,posts_per_week,sponsored_ratio,rate_usd,audience_top_country,"
    "follower_growth_30d,bio"
)
GOOD_ROW = "@good.one,Good One,instagram,vegan;fitness,20000,900,40,10,20,,3,0.1,400,US,0.01,hi"
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "-1", "1e309", "nan", "12%", "$1,200", "@x", "0", "3.5", '"']),
)


@pytest.mark.timeout(120)
def test_roster_files(tmp_path: Path) -> None:
    data_dir = tmp_path / ".scout"
    config = Settings(_env_file=None, scout_data_dir=data_dir)
    good = tmp_path / "good.csv"
    good.write_text(f"{ROSTER_HEADER}\n{GOOD_ROW}\n")
    import_roster(good, config)
    stored = data_dir / "roster.json"
    accepted = stored.read_bytes()

    @FUZZ
    @given(
        rows=st.lists(st.lists(CELL, min_size=16, max_size=16), min_size=1, max_size=4),
        header=st.one_of(st.just(ROSTER_HEADER), st.text(max_size=60)),
        as_json=st.booleans(),
    )
    def check(rows: list[list[str]], header: str, as_json: bool) -> None:
        nonlocal accepted
        if as_json:
            keys = ROSTER_HEADER.split(",")
            text = json.dumps([dict(zip(keys, row, strict=True)) for row in rows])
            path = tmp_path / "fuzz.json"
        else:
            lines = [",".join(json.dumps(c) if "," in c else c for c in row) for row in rows]
            text = "\n".join([header, *lines])
            path = tmp_path / "fuzz.csv"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            report = import_roster(path, config)
        except ScoutError as exc:
            message = str(exc)
            assert message.splitlines()[-1].endswith("nothing was imported"), message
            assert str(path) in message
            assert stored.read_bytes() == accepted, "a rejected roster changed the stored one"
        else:
            assert report.creators >= 1
            accepted = stored.read_bytes()

    check()


@pytest.mark.timeout(120)
def test_questions(app: ServedApp) -> None:
    answerer = app.deps.answerer

    @FUZZ
    @given(question=st.one_of(st.text(max_size=400), st.text(min_size=2500, max_size=3000)))
    def check(question: str) -> None:
        result = answerer.ask(question, team_id=TEAM)
        assert isinstance(result, AskResult)
        assert result.answer.strip()
        assert "Traceback" not in result.answer

    check()
