"""The HTTP surface: health, URL verification, and request signing (401 when wrong)."""

from __future__ import annotations

import json
import time

import httpx

from tests.slack.conftest import ServedApp
from tests.support.slack_http import event_body, mention_event


def test_healthz_answers_200(app: ServedApp) -> None:
    response = httpx.get(f"{app.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_url_verification_echoes_the_challenge(app: ServedApp) -> None:
    body = json.dumps({"token": "t", "challenge": "abc123", "type": "url_verification"})
    response = app.post(body, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "abc123"}


def test_a_bad_signature_is_refused(app: ServedApp) -> None:
    body = event_body(mention_event("hi", ts="1.1"), event_id="EvBADSIG")
    response = app.post(body, content_type="application/json", secret="not-the-secret")
    assert response.status_code == 401
    assert not app.deps.events.seen("EvBADSIG")


def test_a_stale_timestamp_is_refused(app: ServedApp) -> None:
    body = event_body(mention_event("hi", ts="1.2"), event_id="EvSTALE")
    response = app.post(body, content_type="application/json", timestamp=int(time.time()) - 600)
    assert response.status_code == 401
    assert not app.deps.events.seen("EvSTALE")
