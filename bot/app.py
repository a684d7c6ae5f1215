"""Build the Bolt app: a Web API client that retries, the signing secret, the listeners."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.config import Settings
from bot.deps import Deps
from bot.errors import ConfigError

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient
    from slack_sdk.http_retry.handler import RetryHandler

# Answers run in this many worker threads; acks never wait for them.
ANSWER_WORKERS = 4
CLAIM_RETENTION = timedelta(days=7)


def require(value: SecretStr | None, name: str) -> str:
    """The secret's value, or a ConfigError naming the missing variable."""
    if value is None or not value.get_secret_value():
        raise ConfigError(f"{name} is not set; the Slack app needs it to serve")
    return value.get_secret_value()


def retry_handlers() -> list[RetryHandler]:
    """Retry connection errors, 429s (honouring Retry-After) and any 5xx."""
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )
    from slack_sdk.http_retry.request import HttpRequest
    from slack_sdk.http_retry.response import HttpResponse
    from slack_sdk.http_retry.state import RetryState

    class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
        """slack_sdk's handler retries 500 and 503 only; Slack's edge also answers 502/504."""

        def _can_retry(
            self,
            *,
            state: RetryState,
            request: HttpRequest,
            response: HttpResponse | None = None,
            error: Exception | None = None,
        ) -> bool:
            return response is not None and 500 <= response.status_code < 600

    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=3),
    ]


def build_web_client(settings: Settings) -> WebClient:
    """A WebClient on `SLACK_API_URL` that retries 429s (honouring Retry-After) and 5xx."""
    from slack_sdk import WebClient

    return WebClient(
        token=require(settings.slack_bot_token, "SLACK_BOT_TOKEN"),
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        retry_handlers=retry_handlers(),
        timeout=30,
    )


def create_app(settings: Settings, deps: Deps) -> App:
    """The Bolt app with every listener registered; fails fast on missing settings."""
    from slack_bolt.error import BoltError

    from bot.slack import actions, commands, events

    signing_secret = require(settings.slack_signing_secret, "SLACK_SIGNING_SECRET")
    client = build_web_client(settings)
    # Open and migrate the database now, not on the first event; drop claims Slack can no
    # longer retry (it gives up within the hour), so the table stays small.
    deps.events.prune(datetime.now(UTC) - CLAIM_RETENTION)
    try:
        app = build_bolt_app(client, signing_secret)
    except BoltError as exc:
        raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack: {exc}") from None
    except OSError as exc:  # urllib's URLError and socket errors, after the retries
        reason = getattr(exc, "reason", exc)
        raise ConfigError(
            f"cannot reach the Slack API at {client.base_url} (SLACK_API_URL): {reason}"
        ) from None
    for module in (events, commands, actions):
        module.register(app, deps)
    return app


def _not_the_token_we_chose_not_to_pass(record: logging.LogRecord) -> bool:
    # Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns that the
    # client we hand it (which holds that same token) wins: true, and not worth a
    # warning at every start.
    return "`token` will be unused" not in record.getMessage()


def build_bolt_app(client: WebClient, signing_secret: str) -> App:
    """A Bolt app that acks at once and answers from a bounded pool of worker threads."""
    from slack_bolt import App

    logger = logging.getLogger("bot.slack")
    logger.addFilter(_not_the_token_we_chose_not_to_pass)  # once: the same function
    return App(
        client=client,
        signing_secret=signing_secret,
        # auth.test once at start: a bad token fails fast, and no request pays for it later.
        token_verification_enabled=True,
        # Acks run inline while dispatching and return at once; the work runs in lazy
        # listeners on the bounded pool below. (With False, Bolt queues the ack functions of
        # commands and actions on that same pool, behind answers in progress.)
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=ANSWER_WORKERS, thread_name_prefix="scout-answer"
        ),
        logger=logger,
    )
