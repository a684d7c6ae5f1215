"""Mentions and DMs: ack at once, then answer in the thread from a worker, exactly once."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bot.deps import Deps
from bot.errors import ScoutError
from bot.slack.blocks import APOLOGY, USAGE, build_answer_message, escape, plain_text
from bot.store.events import message_key

if TYPE_CHECKING:
    from slack_bolt import Ack, App, BoltContext
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

WORKING_REACTION = "eyes"
# A new post, with or without files; edits, deletions, joins and bot posts are not questions.
_QUESTION_SUBTYPES = {None, "file_share", "thread_broadcast"}


# Slack's references to people (`<@U123>`, `<@W123|ann>`) and to groups of them (`<!here>`,
# `<!subteam^S1|@team>`) address colleagues; read as "@u123" they would pass for a
# creator's handle and turn "who fits vegan fitness? cc @ann" into "no creator @u123".
_PEOPLE = re.compile(
    r"<(?:@[UW][A-Z0-9]+|!(?:here|channel|everyone|subteam\^[A-Z0-9]+))(?:\|[^<>]*)?>"
)


# Slack's emphasis as the composer sends it (`*bold*`, `_italic_`, `~strike~`, `code`): layout,
# not words, so "who fits *vegan* fitness?" is about "vegan fitness", not "fits vegan fitness".
# Not inside a word or a handle: "@a_b_c_" stays whole.
_EMPHASIS = re.compile(r"(?<![\w@])([*_~`])(?=\S)(.+?)(?<=\S)\1(?!\w)")


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """The question as typed, without the bot's own `<@U…>` mention or anyone else's, and
    without Slack's emphasis markers."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    text = plain_text(_PEOPLE.sub(" ", text))
    text = _EMPHASIS.sub(r"\2", _EMPHASIS.sub(r"\2", text))  # twice: *_bold italic_*
    return re.sub(r"\s+", " ", text).strip()


def is_question(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """True for a person's new message; False for the bot's own and for edits or joins."""
    if event.get("bot_id") or event.get("subtype") not in _QUESTION_SUBTYPES:
        return False
    return bool(event.get("user")) and event.get("user") != bot_user_id


def answer_event(
    deps: Deps,
    client: WebClient,
    *,
    team_id: str,
    event_id: str,
    event: dict[str, Any],
    bot_user_id: str | None,
) -> None:
    """Claim the event, then answer it in its thread; never stay silent on failure."""
    channel = event["channel"]
    ts = event["ts"]
    thread_ts = event.get("thread_ts") or ts
    try:
        claimed = deps.events.claim(team_id, event_id, message_key(team_id, channel, ts))
    except Exception:
        # The database is unreachable: Slack will not redeliver an acked event, so this
        # apology is the only reply the question can get; silence would look like a hang.
        logger.exception("claiming event %s failed", event_id)
        _apologise(client, channel, thread_ts, event_id)
        return
    if not claimed:
        logger.info("event %s already answered (retry or another replica)", event_id)
        return
    _react(client, "reactions_add", channel, ts)
    try:
        question = strip_mention(event.get("text", ""), bot_user_id)
        if not question:
            message = {"text": USAGE}
        else:
            result = deps.answerer.ask(
                question, conversation_key=f"{team_id}:{channel}:{thread_ts}", team_id=team_id
            )
            campaigns = deps.shortlists.campaigns(team_id)
            message = build_answer_message(result, question=question, campaigns=campaigns)
    except ScoutError as exc:
        message = {"text": f":warning: {escape(str(exc))}"}
    except Exception:
        logger.exception("answering event %s failed", event_id)
        message = {"text": APOLOGY}
    try:
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=message["text"],
            blocks=message.get("blocks"),
            unfurl_links=False,
        )
    except Exception as exc:
        remedy = cannot_post_here(exc)
        if remedy:
            # An apology would be refused the same way: say once what to fix, and stop.
            logger.error("cannot answer event %s in %s: %s", event_id, channel, remedy)
        else:
            # Block Kit can still be refused (e.g. an odd character count): say sorry.
            logger.exception("posting the answer to event %s failed", event_id)
            _apologise(client, channel, thread_ts, event_id)
    finally:
        _react(client, "reactions_remove", channel, ts)


# Refusals about the conversation or the token, not the message: no retry or apology there
# gets through until someone acts on them.
_UNPOSTABLE = {
    "channel_not_found": "the channel is gone, or private without the app in it",
    "not_in_channel": "the app is not in the channel: /invite @Creator Scout",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let the app post in that channel",
    "invalid_auth": "Slack refused SLACK_BOT_TOKEN: check it, or reinstall the app",
    "not_authed": "Slack refused SLACK_BOT_TOKEN: check it, or reinstall the app",
    "token_revoked": "SLACK_BOT_TOKEN was revoked: reinstall the app and set the new token",
    "account_inactive": "SLACK_BOT_TOKEN belongs to a deleted app or user: reinstall the app",
}


def cannot_post_here(exc: Exception) -> str | None:
    """What to fix when Slack refused a post for a reason no retry or apology can get past."""
    from slack_sdk.errors import SlackApiError

    if not isinstance(exc, SlackApiError):
        return None
    data = exc.response.data
    error = str(data.get("error", "")) if isinstance(data, dict) else ""
    return f"Slack said {error}: {_UNPOSTABLE[error]}" if error in _UNPOSTABLE else None


def _apologise(client: WebClient, channel: str, thread_ts: str, event_id: str) -> None:
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=APOLOGY)
    except Exception as exc:
        logger.error("the apology for event %s was refused too: %s", event_id, exc)


def _react(client: WebClient, method: str, channel: str, ts: str) -> None:
    """Show or clear the "working on it" reaction; a missing scope must not stop the answer."""
    try:
        getattr(client, method)(channel=channel, timestamp=ts, name=WORKING_REACTION)
    except Exception as exc:
        logger.warning("%s failed: %s", method, exc)


def ack_event(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    """Listen for mentions in channels and for direct messages."""

    def answer(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        answer_event(
            deps,
            client,
            team_id=body.get("team_id") or context.team_id or "",
            event_id=body["event_id"],
            event=event,
            bot_user_id=context.bot_user_id,
        )

    def handle_app_mention(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if is_question(event, context.bot_user_id):
            answer(body, event, client, context)

    def handle_message(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        # Channel messages reach us as app_mention; only DMs are answered from here.
        if event.get("channel_type") == "im" and is_question(event, context.bot_user_id):
            answer(body, event, client, context)

    app.event("app_mention")(ack=ack_event, lazy=[handle_app_mention])
    app.event("message")(ack=ack_event, lazy=[handle_message])
