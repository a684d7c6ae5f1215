"""`/scout digest subscribe|unsubscribe|list`: a channel's digest subscriptions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.digests.schedule import DEFAULT_AT, FREQUENCIES, Schedule, parse_at_time
from bot.errors import ScoutError
from bot.slack.blocks import MAX_UNKNOWN_WORD, clip, escape
from bot.store.digests import DigestStore, SubscribeResult, SubscriptionInfo
from bot.store.shortlists import MAX_CAMPAIGN_LENGTH, campaign_fits, normalise_campaign

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.deps import Deps

logger = logging.getLogger(__name__)

Message = dict[str, Any]

DIGEST_USAGE = """\
*Digests* keep this channel up to date on a campaign's shortlist:
• `/scout digest subscribe CAMPAIGN [daily|weekly] [at HH:MM]` (your time zone; weekly is Mondays)
• `/scout digest unsubscribe CAMPAIGN`
• `/scout digest list`
Quote campaign names with spaces or not: `/scout digest subscribe "spring launch" weekly at 9:30`"""

_QUOTES: dict[str, str | int | None] = {"“": '"', "”": '"', "‘": "'", "’": "'"}
_SMART_QUOTES = str.maketrans(_QUOTES)


class DigestUsageError(ScoutError):
    """The digest command did not parse; the reply adds the usage text."""


def _message(text: str, *, context: str | None = None) -> Message:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if context:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": context}]})
    return {"text": text, "blocks": blocks}


def _describe(sub: SubscriptionInfo) -> str:
    when = "every Monday" if sub.frequency == "weekly" else "every day"
    return f"{sub.frequency} digest ({when} at {sub.at_time}, {sub.timezone})"


def build_subscribed_message(result: SubscribeResult) -> Message:
    sub = result.subscription
    verb = "will now get" if result.created else "now gets"
    return _message(
        f":white_check_mark: This channel {verb} a {_describe(sub)} of the "
        f"*{escape(sub.campaign)}* shortlist: who was added or removed, by whom, and score "
        "moves. Nothing is posted when nothing changed.",
        context=(
            f"Stop it with `/scout digest unsubscribe {escape(sub.campaign)}`. "
            "In a private channel, invite me first: `/invite @Creator Scout`"
        ),
    )


def build_unsubscribed_message(campaign: str, stopped: bool) -> Message:
    if stopped:
        return _message(f"This channel will no longer get digests for *{escape(campaign)}*.")
    return _message(f"This channel has no digest for *{escape(campaign)}*.")


def build_list_message(subscriptions: list[SubscriptionInfo]) -> Message:
    if not subscriptions:
        return _message(
            "This channel has no digests.",
            context="Start one with `/scout digest subscribe CAMPAIGN [daily|weekly]`",
        )
    lines = [f"• *{escape(s.campaign)}*: {_describe(s)}" for s in subscriptions]
    return _message("*Digests in this channel*\n" + "\n".join(lines))


def build_usage_message(problem: str | None = None) -> Message:
    text = f"{problem}\n\n{DIGEST_USAGE}" if problem else DIGEST_USAGE
    return _message(text)


def split_words(args: list[str]) -> list[str]:
    """Words, with quoted names kept together even if the caller split on spaces already."""
    from bot.slack.commands import UsageError, split_args

    text = " ".join(args).translate(_SMART_QUOTES)
    try:
        return split_args(text)  # reads "women's launch" as typed, not as a quote
    except UsageError:
        # An unbalanced quote: the words as typed, quotes dropped, beat refusing.
        return text.replace('"', " ").split()


def parse_subscribe(words: list[str]) -> tuple[str, str, str]:
    """`CAMPAIGN... [daily|weekly] [at HH:MM]` -> (campaign, frequency, at_time)."""
    at_time = DEFAULT_AT
    frequency = "daily"
    if len(words) >= 2 and words[-2].lower() == "at":
        at_time = parse_at_time(words[-1])
        words = words[:-2]
    if words and words[-1].lower() in FREQUENCIES:
        frequency = words[-1].lower()
        words = words[:-1]
    return parse_campaign(words), frequency, at_time


def parse_campaign(words: list[str]) -> str:
    campaign = normalise_campaign(" ".join(words))
    if not campaign:
        raise DigestUsageError("Which campaign? Give its name.")
    if not campaign_fits(" ".join(words)):
        raise DigestUsageError(f"Campaign names are 1 to {MAX_CAMPAIGN_LENGTH} characters.")
    return campaign


def user_timezone(client: WebClient, user_id: str) -> str:
    """The IANA zone on the user's Slack profile, or "UTC" if Slack cannot tell us."""
    from slack_sdk.errors import SlackApiError

    try:
        response = client.users_info(user=user_id)
    except (SlackApiError, OSError) as exc:
        logger.warning("users.info failed for %s, using UTC: %s", user_id, exc)
        return "UTC"
    user = response.get("user") or {}
    return str(user.get("tz") or "UTC")


def handle_digest_command(
    args: list[str],
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    client: WebClient,
    deps: Deps,
) -> Message:
    """Run `/scout digest ...` for a channel and return the reply (`text` and `blocks`)."""
    words = split_words(args)
    if not words:
        return build_usage_message()
    action, rest = words[0].lower(), words[1:]
    store = DigestStore(deps.engine)
    try:
        if action == "subscribe":
            if channel_id.startswith("D"):
                # A direct message between people is no place the app can post to, and
                # the command cannot tell it from the app's own DM: ask for a channel.
                return build_usage_message(
                    "Digests go to a channel: run this in the channel that should get "
                    "them (and `/invite @Creator Scout` there first)."
                )
            campaign, frequency, at_time = parse_subscribe(rest)
            schedule = Schedule.model_validate(
                {
                    "frequency": frequency,
                    "at_time": at_time,
                    "timezone": user_timezone(client, user_id),
                }
            )
            try:
                result = store.subscribe(team_id, channel_id, campaign, schedule, user_id)
            except ScoutError as exc:
                # Often a misspelt frequency read as part of the name ("spring hourly").
                return build_usage_message(escape(str(exc)))
            return build_subscribed_message(result)
        if action == "unsubscribe":
            campaign = parse_campaign(rest)
            return build_unsubscribed_message(
                campaign, store.unsubscribe(team_id, channel_id, campaign)
            )
        if action == "list":
            return build_list_message(store.subscriptions(team_id, channel_id))
    except DigestUsageError as exc:
        return build_usage_message(str(exc))
    except ScoutError as exc:
        return _message(escape(str(exc)))
    return build_usage_message(f"I don't know `digest {escape(clip(action, MAX_UNKNOWN_WORD))}`.")
