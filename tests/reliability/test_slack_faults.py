"""Slack Web API faults and a missing index, through the served app.

(429 then a 5xx on one post is also covered by
tests/slack/test_events.py::test_rate_limits_and_server_errors_are_retried.)
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest

from bot.slack.blocks import APOLOGY
from tests.slack.conftest import ServedApp, app_settings, posts_in_thread, served_app
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import block_actions, mention_event

QUESTION = "who should we partner with for vegan fitness?"


def _posts(app: ServedApp, ts: str, count: int, timeout: float = 30.0) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while len(found := posts_in_thread(app.slack, "C111", ts)) < count:
        assert time.monotonic() < deadline, f"expected {count} post(s) in thread {ts}"
        time.sleep(0.02)
    return found


def test_429_with_retry_after_then_500_delivers_the_answer_once(app: ServedApp) -> None:
    app.slack.fail_next(
        "chat.postMessage", 429, headers={"Retry-After": "1"}, body={"ok": False, "error": "x"}
    )
    app.slack.fail_next("chat.postMessage", 500)
    started = time.monotonic()
    app.send_event(mention_event(QUESTION, ts="960.0001"), event_id="Ev429then500")
    attempts = _posts(app, "960.0001", count=3)
    assert time.monotonic() - started >= 1.0, "Retry-After was honoured"
    time.sleep(1.0)  # a duplicate would arrive by now
    attempts = posts_in_thread(app.slack, "C111", "960.0001")
    assert len(attempts) == 3, "two refused attempts, then one delivered answer"
    assert attempts[-1].get("blocks") and not str(attempts[0].get("text", "")).startswith("Sorry")


@pytest.mark.parametrize(
    ("error", "remedy"),
    [
        ("channel_not_found", "the channel is gone, or private without the app in it"),
        ("not_in_channel", "/invite @Creator Scout"),
        ("invalid_auth", "Slack refused SLACK_BOT_TOKEN"),
    ],
)
def test_a_post_refused_for_the_channel_or_token_logs_the_remedy_once(
    app: ServedApp, caplog: pytest.LogCaptureFixture, error: str, remedy: str
) -> None:
    ts = f"962.{len(error):04d}"
    app.slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": error})
    with caplog.at_level(logging.INFO):
        app.send_event(mention_event(QUESTION, ts=ts), event_id=f"EvRefused-{error}")
        deadline = time.monotonic() + 30
        while not any(
            c.body.get("timestamp") == ts for c in app.slack.calls_to("reactions.remove")
        ):
            assert time.monotonic() < deadline, "the working reaction was never cleared"
            time.sleep(0.02)
        time.sleep(0.3)  # an apology attempt would have been made by now
    # One attempt: an apology in the same place would be refused for the same reason.
    assert len(posts_in_thread(app.slack, "C111", ts)) == 1
    [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = logged.getMessage()
    assert message.startswith(f"cannot answer event EvRefused-{error} in C111: Slack said {error}")
    assert remedy in message
    assert logged.exc_info is None, "one line, not a traceback"


def test_slack_failing_throughout_is_logged_and_the_app_keeps_serving(
    app: ServedApp, caplog: pytest.LogCaptureFixture
) -> None:
    # Every attempt (the answer and the apology, each with its retries) is refused.
    app.slack.fail_next("chat.postMessage", 500, times=8)
    with caplog.at_level(logging.ERROR):
        app.send_event(mention_event(QUESTION, ts="961.0001"), event_id="EvSlackDown")
        _posts(app, "961.0001", count=8, timeout=60)
        deadline = time.monotonic() + 10
        while "posting the answer to event EvSlackDown failed" not in caplog.text:
            assert time.monotonic() < deadline, "the failure was not logged"
            time.sleep(0.05)
    assert httpx.get(f"{app.url}/healthz").status_code == 200
    app.send_event(mention_event(QUESTION, ts="961.0002"), event_id="EvSlackBack")
    [answer] = _posts(app, "961.0002", count=1)
    assert answer.get("blocks")


def test_a_missing_index_answer_says_how_to_build_it(fake_slack: FakeSlack, tmp_path: Path) -> None:
    settings = app_settings(tmp_path / "empty", fake_slack.api_url, f"sqlite:///{tmp_path}/x.db")
    with served_app(settings, fake_slack) as app:
        app.send_event(mention_event("how do we measure ROI?", ts="962.0001"), event_id="EvNoIndex")
        [answer] = _posts(app, "962.0001", count=1)
    assert "scout ingest" in str(answer)
    assert answer["text"] != APOLOGY


def test_a_command_reply_survives_429_then_500_on_its_response_url(app: ServedApp) -> None:
    app.slack.fail_next(
        "response_url", 429, headers={"Retry-After": "1"}, body={"ok": False, "error": "x"}
    )
    app.slack.fail_next("response_url", 500)
    app.send_command("help", key="flaky-url")
    attempts = app.responses("flaky-url", count=3)
    time.sleep(1.0)  # a duplicate would arrive by now
    assert len(app.responses("flaky-url", count=3)) == 3, "two refused, then one delivered"
    assert "/scout" in attempts[-1]["text"]


def test_a_click_reply_survives_a_500_on_its_response_url(app: ServedApp) -> None:
    app.slack.fail_next("response_url", 500)
    payload = block_actions(
        {"type": "button", "action_id": "feedback_up", "value": "q"},
        team_id="T111",
        response_url=app.slack.response_url("flaky-click"),
        message_ts="963.0002",
    )
    assert app.send_action(payload).status_code == 200
    attempts = app.responses("flaky-click", count=2)
    assert attempts[-1]["text"].startswith("Thanks")
