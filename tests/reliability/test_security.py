"""Security: secrets stay out of logs, replies cannot ping, and only user actions write."""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from tests.slack.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    ServedApp,
    posts_in_thread,
    scout_serve,
    serve_env,
    served_app,
    wait_healthy,
)
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import (
    block_actions,
    command_body,
    event_body,
    mention_event,
    signed_headers,
)

OPENAI_KEY = "sk-test-4f9c2e7d1b"
DB_PASSWORD = "pg-pass-8e1a7c"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres
def test_secrets_never_appear_in_debug_logs(index_dir: Path, tmp_path: Path, pg_url: str) -> None:
    # Trust auth ignores the password, so it can be a marker that must never be logged.
    database_url = pg_url.replace("postgres@", f"postgres:{DB_PASSWORD}@")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with FakeSlack() as slack, FakeOpenAI() as openai:
        openai.chat.fail(500)  # and then the script is empty: every call fails
        env = serve_env(
            index_dir,
            slack,
            database_url,
            PORT=str(port),
            OPENAI_API_KEY=OPENAI_KEY,
            OPENAI_BASE_URL=openai.base_url,
        )
        env["LOG_LEVEL"] = "DEBUG"
        with scout_serve(env, log) as process:
            wait_healthy(url, process, log)
            with httpx.Client(timeout=20) as client:
                body = event_body(mention_event("vegan fitness?", ts="950.0001"), event_id="EvLogs")
                client.post(
                    f"{url}/slack/events",
                    content=body,
                    headers=signed_headers(SIGNING_SECRET, body),
                )
                form = command_body("rank vegan fitness", response_url=slack.response_url("logs"))
                headers = signed_headers(
                    SIGNING_SECRET, form, content_type="application/x-www-form-urlencoded"
                )
                client.post(f"{url}/slack/events", content=form, headers=headers)
                bad = signed_headers("wrong-secret", body)
                assert (
                    client.post(f"{url}/slack/events", content=body, headers=bad).status_code == 401
                )
            slack.wait_for("chat.postMessage", timeout=60)
            slack.wait_for("response_url", timeout=60)
        assert openai.requests_to("/v1/chat/completions"), "the LLM was called (and failed)"
    logged = log.read_text()
    assert "DEBUG" in logged, "the log was captured at debug level"
    for secret in (BOT_TOKEN, SIGNING_SECRET, OPENAI_KEY, DB_PASSWORD):
        assert secret not in logged


BIO_ROSTER = (
    "handle,name,platform,niches,followers,avg_likes,avg_comments,avg_shares,avg_saves,"
    "avg_views,posts_per_week,sponsored_ratio,rate_usd,audience_top_country,"
    "follower_growth_30d,bio\n"
    "@ping.me,<!channel> & <!here>,instagram,vegan;fitness,20000,900,40,10,20,,3,0.1,400,US,"
    '0.01,"Vegan fitness <!channel> <!everyone> <@U999> & <https://evil.example|click>"\n'
    "@plain.one,Plain One,instagram,vegan;fitness,30000,1200,60,10,20,,3,0.1,500,US,0.01,"
    "Plant-based strength training\n"
)
PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<https://evil")


def test_a_creator_bio_cannot_ping_anyone(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(BIO_ROSTER)
    settings = Settings(
        _env_file=None,
        scout_data_dir=index_dir,
        scout_roster=roster,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
    )
    with served_app(settings, fake_slack) as app:
        app.send_command("score @ping.me", key="bio-score")
        app.send_command("rank vegan fitness", key="bio-rank")
        app.send_event(mention_event("who fits vegan fitness?", ts="951.0001"), event_id="EvBio")
        replies = [*app.responses("bio-score"), *app.responses("bio-rank")]
        deadline = time.monotonic() + 30
        while not (posts := posts_in_thread(app.slack, "C111", "951.0001")):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    rendered = json.dumps([*replies, *posts])
    assert "@ping.me" in rendered, "the creator is shown"
    for ping in PINGS:
        assert ping not in rendered


def test_a_shortlist_write_cannot_be_repeated_by_sharing_its_reply(app: ServedApp) -> None:
    handle = app.deps.scout.handles()[0]
    campaign = f"share-{uuid.uuid4().hex[:6]}"
    app.send_command(f"shortlist add {campaign} {handle}", key="share-add")
    app.send_command(f"shortlist list {campaign}", key="share-list")
    added, listed = app.responses("share-add")[0], app.responses("share-list")[0]
    assert "share_in_channel" not in json.dumps(added)
    assert "share_in_channel" in json.dumps(listed), "reads can still be shared"


def _click(app: ServedApp, team_id: str, action: dict[str, object], key: str) -> None:
    payload = block_actions(
        action, team_id=team_id, response_url=app.slack.response_url(key), message_ts="970.0002"
    )
    assert app.send_action(payload).status_code == 200
    app.responses(key)


def test_clicks_write_only_to_the_clicking_workspace(app: ServedApp) -> None:
    handle = app.deps.scout.handles()[1]
    campaign = f"iso-{uuid.uuid4().hex[:6]}"
    pick: dict[str, object] = {
        "type": "static_select",
        "action_id": "shortlist_add",
        "block_id": f"creator:{handle}",
        "selected_option": {"text": {"type": "plain_text", "text": "c"}, "value": campaign},
    }
    _click(app, "T111", pick, key="iso-pick")
    _click(app, "T999", {"type": "button", "action_id": "feedback_down", "value": "q"}, "iso-fb")
    assert [e.handle for e in app.deps.shortlists.entries("T111", campaign)] == [handle]
    assert app.deps.shortlists.entries("T999", campaign) == []
    assert campaign not in app.deps.shortlists.campaigns("T999")
    assert len(app.deps.feedback.for_message("T999", "C111", "970.0002")) == 1
    assert app.deps.feedback.for_message("T111", "C111", "970.0002") == []
