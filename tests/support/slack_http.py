"""Build signed Slack requests (events, slash commands, interactivity) for tests."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier


def signed_headers(
    secret: str, body: str, timestamp: int | None = None, content_type: str = "application/json"
) -> dict[str, str]:
    """Headers Slack would send, signed with `secret` (a stale `timestamp` is allowed)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


def event_body(event: dict[str, Any], *, event_id: str, team_id: str = "T111") -> str:
    """An Events API `event_callback` envelope as JSON text."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": "A111",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
        }
    )


def command_body(text: str, *, response_url: str, team_id: str = "T111", **extra: str) -> str:
    """A `/scout` slash command as form-encoded text."""
    fields = {
        "token": "legacy",
        "team_id": team_id,
        "team_domain": "fake",
        "channel_id": "C111",
        "channel_name": "marketing",
        "user_id": "U222",
        "user_name": "marketer",
        "command": "/scout",
        "text": text,
        "api_app_id": "A111",
        "response_url": response_url,
        "trigger_id": "123.456",
    }
    fields.update(extra)
    return urlencode(fields)


def action_body(payload: dict[str, Any]) -> str:
    """An interactivity payload (button click) as form-encoded text."""
    return urlencode({"payload": json.dumps(payload)})


def mention_event(
    text: str, *, ts: str, channel: str = "C111", user: str = "U222", **extra: Any
) -> dict[str, Any]:
    """An `app_mention` event from a person, addressed to the bot (`<@UBOT>`)."""
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }


def block_actions(
    action: dict[str, Any],
    *,
    team_id: str,
    response_url: str,
    message_ts: str = "300.0002",
    **container: str,
) -> dict[str, Any]:
    """A button or menu click (`block_actions`) on a message in #marketing."""
    return {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "fake"},
        "user": {"id": "U222", "team_id": team_id},
        "api_app_id": "A111",
        "trigger_id": "111.222",
        "channel": {"id": "C111", "name": "marketing"},
        "container": {"type": "message", "message_ts": message_ts, **container},
        "response_url": response_url,
        "actions": [{"action_ts": "300.5", "block_id": "b", **action}],
    }
