"""Requests not from Slack are refused before any work: unsigned, wrongly signed, replayed
(stale timestamp) or oversized. (Wrong signature and stale timestamp: tests/slack/test_http.py.)"""

from __future__ import annotations

import time

import httpx
import pytest

from bot.server import MAX_BODY_BYTES
from tests.slack.conftest import SIGNING_SECRET, ServedApp
from tests.support.slack_http import event_body, mention_event, signed_headers


def test_an_unsigned_request_is_refused(app: ServedApp) -> None:
    body = event_body(mention_event("hi", ts="920.0001"), event_id="EvUnsigned")
    response = app.client.post(
        f"{app.url}/slack/events", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    assert not app.deps.events.seen("EvUnsigned")


def test_a_replayed_request_is_refused_even_with_a_valid_signature(app: ServedApp) -> None:
    body = event_body(mention_event("hi", ts="920.0002"), event_id="EvReplayed")
    old = int(time.time()) - 6 * 60  # Slack's window is five minutes
    headers = signed_headers(SIGNING_SECRET, body, old)
    for _ in range(2):
        response = app.client.post(f"{app.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 401
    assert not app.deps.events.seen("EvReplayed")


def test_an_oversized_body_is_refused_with_413(app: ServedApp) -> None:
    event = mention_event("x" * MAX_BODY_BYTES, ts="920.0003")
    response = app.send_event(event, event_id="EvHuge")
    assert response.status_code == 413
    assert not app.deps.events.seen("EvHuge")


def test_an_oversized_chunked_body_is_refused_with_413(app: ServedApp) -> None:
    def chunks() -> object:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    response = httpx.post(
        f"{app.url}/slack/events",
        content=chunks(),  # type: ignore[arg-type]
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_a_body_under_the_limit_is_still_served(app: ServedApp) -> None:
    response = app.send_event(mention_event("hi " * 1000, ts="920.0004"), event_id="EvBigButFine")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        (b"payload=%7Bnot", "application/x-www-form-urlencoded"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded"),
    ],
)
def test_a_malformed_body_is_refused_with_400_not_a_crash(
    app: ServedApp, body: bytes, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    with httpx.Client() as client:
        response = client.post(
            f"{app.url}/slack/events", content=body, headers={"Content-Type": content_type}
        )
    assert response.status_code == 400
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert app.send_event(mention_event("hi", ts="920.0005"), event_id="EvAfter").status_code == 200
