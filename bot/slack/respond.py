"""Replies through a command's or a click's `response_url`, retried like Web API calls."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.app import retry_handlers
from bot.slack.blocks import APOLOGY

if TYPE_CHECKING:
    from slack_bolt import Respond

logger = logging.getLogger(__name__)


class RetryingRespond:
    """Bolt's `respond`, except that a 429 (after its Retry-After) or a 5xx is retried.

    Bolt's own sends once and drops the reply on any failure, so a rate-limited
    `response_url` would leave the user with no answer.
    """

    def __init__(self, respond: Respond) -> None:
        self._url = respond.response_url

    def __call__(self, **message: Any) -> None:
        from slack_sdk.webhook import WebhookClient

        if self._url is None:
            logger.warning("no response_url to reply to")
            return
        client = WebhookClient(self._url, timeout=30, retry_handlers=retry_handlers())
        response = client.send_dict(message)
        if response.status_code == 200:
            return
        logger.error(
            "reply via response_url failed: HTTP %s %s", response.status_code, response.body
        )
        if 400 <= response.status_code < 500 and message.get("blocks"):
            # Block Kit refused (e.g. invalid_blocks): an apology in plain text beats silence.
            apology = {"text": APOLOGY, "response_type": message.get("response_type", "ephemeral")}
            client.send_dict({**apology, "replace_original": False})
