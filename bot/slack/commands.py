"""`/scout ...`: ack at once, run the subcommand in a worker, answer through `respond`."""

from __future__ import annotations

import contextlib
import logging
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.agent.routing import (
    find_countries,
    find_exclusions,
    find_platforms,
    names_foreign_budget,
    without_filters,
)
from bot.deps import Deps
from bot.errors import ScoutError
from bot.scoring.models import ScoreCard
from bot.scoring.roster import normalise_handle as roster_handle
from bot.scoring.roster import read_usd
from bot.slack.blocks import (
    APOLOGY,
    MAX_UNKNOWN_WORD,
    USAGE,
    Block,
    build_cards_message,
    build_plan_message,
    build_shortlist_message,
    build_text_message,
    clip,
    escape,
    plain_text,
    with_share_button,
)
from bot.slack.respond import RetryingRespond
from bot.store.shortlists import (
    MAX_CAMPAIGN_LENGTH,
    campaign_fits,
    no_such_campaign,
    normalise_campaign,
)

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_IN_WORD_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_APOSTROPHE_STAND_IN = "\ue000"  # private use: never typed, and not a quote to shlex
# Any Unicode space: a browser-based composer can send a no-break space (U+00A0) where two
# spaces were typed, and text pasted from documents carries them; shlex splits on ASCII only.
_ANY_SPACE = re.compile(r"\s")
# A link to a profile page, with or without its scheme: `instagram.com/name`, `https://x.com/name`.
_PROFILE_LINK = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/", re.IGNORECASE)
# Bare words between handles that join them rather than name a creator.
_HANDLE_LIST_CONNECTORS = {"and", "&", "vs", "vs.", "versus", "or"}


class UsageError(ScoutError):
    """The command text did not parse; the reply adds the usage message."""


@dataclass(frozen=True)
class Invocation:
    """Who ran a command, and where."""

    team_id: str
    channel_id: str
    user_id: str


@dataclass
class Reply:
    """A message for `respond`, with an optional chart and whether it can be shared."""

    message: Block
    chart: list[ScoreCard] = field(default_factory=list)
    chart_title: str = ""
    shareable: bool = True


def split_args(text: str) -> list[str]:
    """Words of the command; quotes group words ("spring launch"), Slack's smart quotes too.
    An apostrophe inside a word ("women's fitness") is part of it, not a quote. Words are
    separated by any space, a no-break space included."""
    text = _ANY_SPACE.sub(" ", text.translate(_SMART_QUOTES))
    text = _IN_WORD_APOSTROPHE.sub(_APOSTROPHE_STAND_IN, text)
    try:
        words = shlex.split(text)
    except ValueError:
        raise UsageError("Unbalanced quotes in the command.") from None
    return [word.replace(_APOSTROPHE_STAND_IN, "'") for word in words]


def normalise_handle(word: str) -> str:
    """`GreenRunner`, `@GreenRunner?` -> `@greenrunner` (no handle holds `,;:!?`): the
    roster's lookup, so a handle that `add` finds (`@@greenrunner`) is the one `remove`
    takes off. A pasted profile link (`https://www.tiktok.com/@greenrunner?lang=en`,
    `instagram.com/greenrunner/`) is read as its handle, as a mention reads it."""
    word = word.strip().strip(",;:!?")
    if _PROFILE_LINK.match(word):
        # No handle holds a "/": the last part of the path is the handle.
        path = re.split(r"[?#]", word, maxsplit=1)[0]
        word = next((part for part in reversed(path.split("/")) if part), word)
    return roster_handle(word)


def handle_words(words: list[str]) -> list[str]:
    """Handles as typed in a list: `@a,@b`, `@a, @b`, `@a vs @b`, `@a and @b` -> [@a, @b]."""
    parts = (part for word in words for part in word.split(","))
    return [
        normalise_handle(part)
        for part in parts
        if part.strip() and part.lower() not in _HANDLE_LIST_CONNECTORS
    ]


def parse_budget(word: str) -> float:
    """`2000`, `$2,000`, `2k` -> 2000.0, read like `scout plan --budget` and roster rates."""
    try:
        return read_usd(word)
    except ValueError:
        raise UsageError(f"{word!r} is not a budget; write it like $2000 or 2k.") from None


def parse_plan(words: list[str]) -> tuple[str, float]:
    """`vegan fitness $2000`, `vegan fitness 2000 USD`, `$2000 vegan fitness` ->
    ("vegan fitness", 2000.0): the budget is the last word, the last two, or the first.
    A budget in another currency (`€2000`, `2000 EUR`) is refused, never read as dollars."""
    if names_foreign_budget(" ".join(words)):
        raise ScoutError(
            "I plan budgets in US dollars and don't convert currencies: give the budget in "
            "USD, e.g. `/scout plan vegan fitness $2000`."
        )
    readings = [(words[:-1], words[-1]), (words[:-2], " ".join(words[-2:])), (words[1:], words[0])]
    for niche, amount in readings:
        if niche:
            with contextlib.suppress(UsageError):
                return " ".join(niche), parse_budget(amount)
    return " ".join(words[:-1]), parse_budget(words[-1])  # raises, naming the last word


def parse_rank(words: list[str]) -> tuple[str, int]:
    """`vegan fitness [-n 5 | n=5]` -> ("vegan fitness", 5); n defaults to 10, at most 50.
    `top 5` before or after the niche counts too: `top 5 vegan fitness`."""
    count = "10"
    if len(words) >= 2 and words[-2] == "-n":
        words, count = words[:-2], words[-1]
    elif words and words[-1].lower().startswith("n="):
        words, count = words[:-1], words[-1][2:]
    elif len(words) >= 2 and words[0].lower() == "top" and words[1].isdigit():
        words, count = words[2:], words[1]
    elif len(words) >= 2 and words[-2].lower() == "top" and words[-1].isdigit():
        words, count = words[:-2], words[-1]
    if not count.isdigit() or not 1 <= int(count) <= 50:
        raise UsageError(f"{count!r} is not a count from 1 to 50.")
    if not words:
        raise UsageError("`rank` needs a niche, e.g. `/scout rank vegan fitness`.")
    return " ".join(words), int(count)


def narrowing(niche: str) -> tuple[str, dict[str, Any]]:
    """The brief less the platforms, audience countries and exclusions it names, and those
    as filters, the way a question's are read: `skincare on instagram or tiktok` is skincare
    on those two platforms (so no fit reason says it ignored "instagram")."""
    filters = {
        "platform": find_platforms(niche) or None,
        "country": find_countries(niche) or None,
        "exclude": find_exclusions(niche),
    }
    return (without_filters(niche) if any(filters.values()) else niche), filters


def parse_campaign(word: str) -> str:
    if not campaign_fits(word):
        raise UsageError(f"Campaign names are 1 to {MAX_CAMPAIGN_LENGTH} characters.")
    return normalise_campaign(word)


def split_campaign_and_handles(words: list[str], roster: list[str]) -> tuple[str, list[str]]:
    """`spring launch @a b` -> ("spring launch", ["@a", "@b"]): the campaign runs up to the
    first word that is an `@handle` or a roster handle, so an unquoted name reads as in `list`
    and `digest subscribe` rather than as "spring" plus a creator "@launch"."""
    known = set(roster)
    end = next(
        (
            i
            for i, word in enumerate(words[1:], start=1)
            if word.startswith("@") or normalise_handle(word.split(",")[0]) in known
        ),
        1,
    )
    return parse_campaign(" ".join(words[:end])), handle_words(words[end:])


def execute(text: str, who: Invocation, deps: Deps, client: WebClient) -> Reply:
    """Run one `/scout` command line and return the reply to show."""
    args = split_args(text)
    if not args or args[0].lower() in {"help", "-h", "--help"}:
        return Reply(build_text_message(USAGE), shareable=False)
    sub, rest = args[0].lower(), args[1:]
    if sub == "score":
        if len(rest) != 1:
            raise UsageError("`score` takes one handle.")
        handle = normalise_handle(rest[0])
        card = deps.scout.card(handle)
        return Reply(build_cards_message([card], f"Score card for {handle}"))
    if sub == "compare":
        # `compare @a @b for skincare`: with a niche, niche fit is part of each score.
        lowered = [word.lower() for word in rest]
        at = lowered.index("for") if "for" in lowered else len(rest)
        niche = " ".join(rest[at + 1 :]) or None
        handles = list(dict.fromkeys(handle_words(rest[:at])))
        if len(handles) < 2:
            raise UsageError("`compare` takes two or more different handles.")
        cards = deps.scout.compare(handles, niche)
        title = f"Compared for {clip(niche)}, best first" if niche else "Compared, best first"
        return Reply(build_cards_message(cards, title), chart=cards, chart_title=title)
    if sub == "rank":
        niche, n = parse_rank(rest)
        brief, filters = narrowing(niche)
        cards = deps.scout.rank(brief, n, **filters)
        title = f"Best for {clip(niche)}"
        if not cards and (closest := deps.scout.closest(brief, n)):
            # Nobody fits the whole brief: who fits part of it ("eco fitness": eco or fitness).
            cards, title = closest, f"No creator fits all of {clip(niche)}; closest"
        return Reply(build_cards_message(cards, title), chart=cards, chart_title=title)
    if sub == "plan":
        if len(rest) < 2:
            raise UsageError(
                "`plan` needs a niche and a budget, e.g. `/scout plan vegan fitness $2000`."
            )
        niche, budget = parse_plan(rest)
        brief, filters = narrowing(niche)
        plan = deps.scout.plan(brief, budget, **filters)
        return Reply(build_plan_message(plan, niche))
    if sub == "shortlist":
        # Sharing re-runs the command, which must never repeat an add or a remove.
        read_only = not rest or rest[0].lower() == "list"
        return Reply(shortlist(rest, who, deps), shareable=read_only)
    if sub == "digest":
        from bot.slack.digests import handle_digest_command

        message = handle_digest_command(
            rest,
            team_id=who.team_id,
            channel_id=who.channel_id,
            user_id=who.user_id,
            client=client,
            deps=deps,
        )
        return Reply(message, shareable=False)
    raise UsageError(f"I don't know `{clip(args[0], MAX_UNKNOWN_WORD)}`.")


def shortlist(args: list[str], who: Invocation, deps: Deps) -> Block:
    """`shortlist [list|add|remove CAMPAIGN [@handle ...]]`, within the caller's workspace."""
    store = deps.shortlists
    if not args:
        campaigns = store.campaigns(who.team_id)
        if not campaigns:
            return build_text_message("No shortlists yet in this workspace.")
        listing = "\n".join(f"• {escape(c)}" for c in campaigns)
        return build_text_message(f"*Campaigns with a shortlist*\n{listing}")
    action = args[0].lower()
    if action not in {"list", "add", "remove"} or len(args) < 2:
        raise UsageError("Use `shortlist list|add|remove CAMPAIGN [@handle ...]`.")
    if action == "list":
        # Nothing follows a campaign in `list`, so unquoted words are all its name.
        campaign = parse_campaign(" ".join(args[1:]))
        items = store.entries(who.team_id, campaign)
        if not items and not store.has_history(who.team_id, campaign):
            # Usually a typo: "Nobody yet" read as though the shortlist had been cleared.
            missing = no_such_campaign(campaign, store.campaigns(who.team_id))
            return build_text_message(escape(missing))
        cards: dict[str, ScoreCard] = {}
        for item in items:
            try:
                cards[item.handle] = deps.scout.card(item.handle)
            except ScoutError:
                continue  # dropped from the roster since; shown as such
        return build_shortlist_message(campaign, items, cards)
    campaign, typed = split_campaign_and_handles(args[1:], deps.scout.handles())
    # A handle given twice ("@a @A") is one creator: added or removed once, reported once.
    handles = list(dict.fromkeys(typed))
    if not handles:
        raise UsageError(f"`shortlist {action}` needs at least one handle.")
    # Look every handle up before writing, so one unknown handle leaves the shortlist as it was.
    scores = {h: deps.scout.card(h).score for h in handles} if action == "add" else {}
    lines = []
    for handle in handles:
        if action == "add":
            added = store.add(who.team_id, campaign, handle, who.user_id, score=scores[handle])
            lines.append(
                f"{'Added' if added else 'Already on'} *{escape(campaign)}*: {escape(handle)}"
            )
        else:
            removed = store.remove(who.team_id, campaign, handle, who.user_id)
            lines.append(
                f"{'Removed from' if removed else 'Not on'} *{escape(campaign)}*: {escape(handle)}"
            )
    return build_text_message("\n".join(lines))


def run(text: str, who: Invocation, deps: Deps, client: WebClient) -> Reply:
    """`execute`, with usage, user errors and crashes all turned into a reply."""
    try:
        return execute(text, who, deps, client)
    except UsageError as exc:
        return Reply(build_text_message(f"{escape(str(exc))}\n\n{USAGE}"), shareable=False)
    except ScoutError as exc:
        return Reply(build_text_message(f":warning: {escape(str(exc))}"), shareable=False)
    except Exception:
        logger.exception("/scout %s failed", text)
        return Reply(build_text_message(APOLOGY), shareable=False)


def attach_private_chart(reply: Reply, client: WebClient) -> Block:
    """The reply's message with its chart uploaded privately and shown as an image block."""
    from bot.slack.charts import render_score_chart, upload_chart

    message = reply.message
    if not reply.chart:
        return message
    try:
        png = render_score_chart(reply.chart, reply.chart_title)
        file_id = upload_chart(client, None, png, reply.chart_title)
    except Exception:
        logger.exception("chart upload failed; answering without it")
        return message
    if file_id is None:
        return message
    image = {"type": "image", "slack_file": {"id": file_id}, "alt_text": reply.chart_title}
    return {**message, "blocks": [*message.get("blocks", []), image]}


def ack_command(ack: Ack) -> None:
    ack()


def register(app: App, deps: Deps) -> None:
    """Listen for `/scout`."""

    def handle_scout_command(command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        send_reply = RetryingRespond(respond)
        text = plain_text(command.get("text", ""))
        who = Invocation(command["team_id"], command["channel_id"], command["user_id"])
        reply = run(text, who, deps, client)
        message = attach_private_chart(reply, client)
        if reply.shareable:
            message = with_share_button(message, text)
        send_reply(response_type="ephemeral", **message)

    app.command("/scout")(ack=ack_command, lazy=[handle_scout_command])
