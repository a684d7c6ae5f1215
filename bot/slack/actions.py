"""Buttons and pickers: add to a shortlist, 👍/👎 feedback, share a command's answer."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.deps import Deps
from bot.errors import ScoutError
from bot.slack.blocks import (
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    ACTION_SHORTLIST_ADD,
    APOLOGY,
    CREATOR_BLOCK_PREFIX,
    NEW_CAMPAIGN_VALUE,
    VIEW_NEW_CAMPAIGN,
    build_new_campaign_modal,
    escape,
)
from bot.slack.commands import (
    Invocation,
    normalise_handle,
    parse_campaign,
    run,
)
from bot.slack.respond import RetryingRespond
from bot.store.feedback import Vote
from bot.store.shortlists import campaign_fits

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)


def team_of(body: dict[str, Any]) -> str:
    """The workspace a (signed) interaction came from."""
    team = body.get("team") or {}
    return str(team.get("id") or body.get("user", {}).get("team_id") or "")


def picked_handle(action: dict[str, Any], deps: Deps) -> str:
    """The roster handle a picker belongs to, from its block id (`creator:@handle`).

    The block id and the option come back from Slack as we rendered them, but an answer
    can outlive its creator (a roster import since) and a payload can be forged: only a
    creator on the roster now is added, as `/scout shortlist add` and the CLI require.
    """
    block_id = str(action.get("block_id") or "")
    if not block_id.startswith(CREATOR_BLOCK_PREFIX):
        raise ScoutError("this picker belongs to no creator; ask again for a fresh answer")
    return deps.scout.card(normalise_handle(block_id.removeprefix(CREATOR_BLOCK_PREFIX))).handle


def add_to_shortlist(deps: Deps, team_id: str, campaign: str, handle: str, user_id: str) -> str:
    """Add and say what happened, in one line for the clicking user. A campaign name or a
    creator the slash command would refuse raises ScoutError and adds nothing."""
    campaign = parse_campaign(campaign)
    card = deps.scout.card(handle)
    added = deps.shortlists.add(team_id, campaign, card.handle, user_id, score=card.score)
    where, who = escape(campaign), escape(card.handle)
    return f"Added {who} to *{where}*." if added else f"{who} is already on *{where}*."


def refusal(exc: ScoutError) -> str:
    return f":warning: Nothing was added: {escape(str(exc))}"


@contextmanager
def apology_on_failure(respond: RetryingRespond, what: str) -> Iterator[None]:
    """Log a crash and tell the clicking user, rather than leaving the click unanswered."""
    try:
        yield
    except Exception:
        logger.exception("%s failed", what)
        respond(text=APOLOGY, response_type="ephemeral", replace_original=False)


def first_share(deps: Deps, who: Invocation, body: dict[str, Any]) -> bool:
    """Claim the sharing of this reply, so a second click before the first share deletes it
    (a chart takes seconds) posts nothing twice; False when it was claimed already."""
    message_ts = str(body.get("container", {}).get("message_ts") or "")
    if not message_ts:
        return True
    key = f"share:{who.team_id}:{who.channel_id}:{message_ts}"
    try:
        return deps.events.claim(who.team_id, key)
    except Exception:
        # A share posted twice beats a share lost to a database hiccup.
        logger.exception("claiming the share of %s failed; sharing anyway", message_ts)
        return True


def ack_action(ack: Ack) -> None:
    ack()


def submitted_campaign(view: dict[str, Any]) -> str | None:
    """The campaign name typed in the modal, or None when it is blank or too long."""
    name = view["state"]["values"]["campaign"]["name"].get("value") or ""
    return name if campaign_fits(name) else None


def ack_new_campaign(ack: Ack, view: dict[str, Any]) -> None:
    """Validate the campaign name in the modal before closing it."""
    if submitted_campaign(view) is None:
        ack(response_action="errors", errors={"campaign": "Give the campaign a name."})
    else:
        ack()


def register(app: App, deps: Deps) -> None:
    """Listen for the buttons and pickers the answers carry."""

    def handle_shortlist_add(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        send_reply = RetryingRespond(respond)
        user_id = body["user"]["id"]
        with apology_on_failure(send_reply, "adding to a shortlist"):
            campaign = str((action.get("selected_option") or {}).get("value") or "")
            try:
                handle = picked_handle(action, deps)
                if campaign != NEW_CAMPAIGN_VALUE:
                    text = add_to_shortlist(deps, team_of(body), campaign, handle, user_id)
                    send_reply(text=text, response_type="ephemeral", replace_original=False)
                    return
            except ScoutError as exc:
                send_reply(text=refusal(exc), response_type="ephemeral", replace_original=False)
                return
            context = {
                "channel_id": body.get("channel", {}).get("id", ""),
                "thread_ts": body.get("container", {}).get("thread_ts")
                or body.get("container", {}).get("message_ts", ""),
            }
            client.views_open(
                trigger_id=body["trigger_id"], view=build_new_campaign_modal(handle, context)
            )

    def handle_new_campaign_submission(
        body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        # Bolt runs this even when the ack refused the name and kept the modal open.
        campaign = submitted_campaign(view)
        if campaign is None:
            return
        context = json.loads(view["private_metadata"])
        user_id = body["user"]["id"]
        try:
            text = add_to_shortlist(deps, team_of(body), campaign, context["handle"], user_id)
        except ScoutError as exc:  # the creator left the roster while the modal was open
            text = refusal(exc)
        if context.get("channel_id"):
            client.chat_postEphemeral(
                channel=context["channel_id"],
                user=user_id,
                thread_ts=context.get("thread_ts") or None,
                text=text,
            )

    def handle_feedback(body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        send_reply = RetryingRespond(respond)
        vote: Vote = "up" if action["action_id"] == ACTION_FEEDBACK_UP else "down"
        thanks = (
            "Thanks, glad it helped."
            if vote == "up"
            else "Thanks, noted; we'll use it to do better."
        )
        with apology_on_failure(send_reply, "storing feedback"):
            deps.feedback.record(
                team_of(body),
                body.get("channel", {}).get("id", ""),
                body.get("container", {}).get("message_ts", ""),
                body["user"]["id"],
                vote,
                question=action.get("value", ""),
            )
            send_reply(text=thanks, response_type="ephemeral", replace_original=False)

    def handle_share(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        from bot.slack.charts import render_score_chart, upload_chart

        send_reply = RetryingRespond(respond)
        channel_id = body.get("channel", {}).get("id", "")
        who = Invocation(team_of(body), channel_id, body["user"]["id"])
        reply = run(action.get("value", ""), who, deps, client)
        if not reply.shareable:
            # Re-run since the answer, it now fails (a creator left the roster, say): tell
            # the clicker alone, and keep the answer they clicked on.
            send_reply(response_type="ephemeral", replace_original=False, **reply.message)
            return
        if not first_share(deps, who, body):
            send_reply(
                text="This answer is already shared in the channel.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        shared_by = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"Shared by <@{who.user_id}>"}],
        }
        message = {**reply.message, "blocks": [*reply.message.get("blocks", []), shared_by]}
        send_reply(response_type="in_channel", replace_original=False, **message)
        if reply.chart:
            try:
                png = render_score_chart(reply.chart, reply.chart_title)
                upload_chart(client, channel_id, png, reply.chart_title)
            except Exception:
                logger.exception("sharing the chart failed")
        send_reply(delete_original=True)

    app.action(ACTION_SHORTLIST_ADD)(ack=ack_action, lazy=[handle_shortlist_add])
    app.action(ACTION_FEEDBACK_UP)(ack=ack_action, lazy=[handle_feedback])
    app.action(ACTION_FEEDBACK_DOWN)(ack=ack_action, lazy=[handle_feedback])
    app.action(ACTION_SHARE)(ack=ack_action, lazy=[handle_share])
    app.view(VIEW_NEW_CAMPAIGN)(ack=ack_new_campaign, lazy=[handle_new_campaign_submission])
