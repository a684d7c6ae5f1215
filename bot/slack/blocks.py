"""Pure Block Kit builders: typed results in, message dicts out, within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from bot.agent.models import AskResult, Citation
from bot.agent.offline import usd
from bot.scoring.metrics import dollars
from bot.scoring.models import PlanResult, ScoreCard
from bot.store.shortlists import ShortlistItem

Block = dict[str, Any]

# Block Kit limits (api.slack.com/reference/block-kit): a message holds at most 50
# blocks, a section's text at most 3,000 characters, a context at most 10 elements.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_VALUE = 2000
MAX_OPTION_TEXT = 75
MAX_OPTIONS = 100
MAX_CREATORS = 10
MAX_TITLE_TEXT = 200
# An unknown subcommand is quoted back this long at most (a paste can be pages long).
MAX_UNKNOWN_WORD = 60

ACTION_SHORTLIST_ADD = "shortlist_add"
ACTION_FEEDBACK_UP = "feedback_up"
ACTION_FEEDBACK_DOWN = "feedback_down"
ACTION_SHARE = "share_in_channel"
VIEW_NEW_CAMPAIGN = "shortlist_new_campaign"
NEW_CAMPAIGN_VALUE = "__new__"
CREATOR_BLOCK_PREFIX = "creator:"
TRUNCATED = "\n…(answer shortened to fit in Slack)"

USAGE = """\
*Creator Scout* slash commands:
• `/scout score @handle` one creator's score card
• `/scout compare @a @b [...] [for NICHE]` side by side, best first, with a chart
• `/scout rank NICHE [n=10]` best creators for a niche, with a chart
• `/scout plan NICHE $BUDGET` the best set of creators within a budget
• `/scout shortlist` campaigns with a shortlist
• `/scout shortlist list|add|remove CAMPAIGN [@handle ...]` (quote names with spaces)
• `/scout digest subscribe CAMPAIGN [daily|weekly]`, `unsubscribe CAMPAIGN`, `list`
• `/scout help` this message
Or mention me with a question: _@Creator Scout who fits a vegan fitness launch?_"""

APOLOGY = (
    "Sorry, something went wrong while answering that. "
    "The error is in the logs; please try again in a minute."
)


def escape(text: str) -> str:
    """Escape user-supplied text for mrkdwn so it cannot ping @channel or inject links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SLACK_REFERENCE = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def _plain_reference(match: re.Match[str]) -> str:
    target, label = match[1], match[2]
    if target.startswith(("#C", "#G")):  # <#C123|general>
        return f"#{label}" if label else target
    if target.startswith(("@U", "@W", "!")):  # <@U123>, <!here>: no readable text
        return f"@{label}" if label else target.replace("!", "@", 1)
    return label or target.removeprefix("mailto:")  # links: <https://x|label>, <https://x>


def plain_text(text: str) -> str:
    """What a person typed, from Slack's formatting of it: `&amp;` is `&` again and
    `<https://x|label>` is `label` (the inverse of `escape`, plus Slack's references)."""
    text = _SLACK_REFERENCE.sub(_plain_reference, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_mrkdwn(markdown: str) -> str:
    """Escape, then turn the agent's Markdown (bold, headings, quotes, bullets) into mrkdwn."""
    text = escape(markdown)
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"(?m)^#{1,6}\s+(.+)$", r"*\1*", text)
    # A quote marker at the start of a line is layout, not user text: restore it.
    text = re.sub(r"(?m)^&gt; ", "> ", text)
    return re.sub(r"(?m)^[-*] ", "• ", text)


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split into chunks of at most `limit` characters: at the last paragraph break in the
    second half of a chunk, else the last line break there, else the last word break."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        # The latest break of the strongest kind, so a paragraph is not cut mid-sentence
        # ("What raises" | "each flag") when a word break merely comes later.
        breaks = (window.rfind(mark) for mark in ("\n\n", "\n", " "))
        cut = next((at for at in breaks if at >= limit // 2), limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _section(text: str) -> Block:
    """A mrkdwn section; text past Slack's limit is cut, since Slack refuses the whole message."""
    if len(text) > MAX_SECTION_TEXT:
        text = text[: MAX_SECTION_TEXT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def clip(text: str, limit: int = MAX_TITLE_TEXT) -> str:
    """User text shown in a title (a niche can be a pasted brief), shortened to `limit`."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str, limit: int = MAX_OPTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


def why(card: ScoreCard) -> str:
    """The one-line reason behind a score: its biggest weighted component."""
    if not card.breakdown:
        return ""
    top = max(card.breakdown, key=lambda c: c.value * c.weight)
    return top.reason


def creator_line(card: ScoreCard) -> str:
    """`@handle` · tier · followers · ER · rate · score, then the reason and any flags, as
    mrkdwn. Unknowns are left out: no followers on file (so no ER), or no rate (0)."""
    audience = (
        f"{card.followers:,} followers · ER {percent(card.engagement_rate)}"
        if card.followers
        else "followers unknown"
    )
    # The rate as the answer text writes it, so "cheapest" answers read the same in both.
    rate = f" · {usd(card.rate_usd)} a post" if card.rate_usd > 0 else ""
    line = (
        f"*{escape(card.handle)}* · {card.tier} · {audience}{rate} · score *{card.score:.0f}*/100"
    )
    reason = why(card)
    if reason:
        line += f"\n_{escape(reason)}_"
    if card.flags:
        line += "\n" + " ".join(f":warning: `{f.code}` {escape(f.reason)}" for f in card.flags)
    return line


def shortlist_select(handle: str, campaigns: Sequence[str]) -> Block:
    """A campaign picker that adds `handle` to the chosen shortlist (or a new one)."""
    options = [{"text": _plain(c), "value": c[:150]} for c in list(campaigns)[: MAX_OPTIONS - 1]]
    options.append({"text": _plain("➕ New campaign…"), "value": NEW_CAMPAIGN_VALUE})
    return {
        "type": "static_select",
        "action_id": ACTION_SHORTLIST_ADD,
        "placeholder": _plain("Add to shortlist"),
        "options": options,
    }


def build_creator_blocks(
    cards: Sequence[ScoreCard], campaigns: Sequence[str] | None = None
) -> list[Block]:
    """One section per creator; with `campaigns`, each carries an add-to-shortlist picker."""
    blocks: list[Block] = []
    for card in list(cards)[:MAX_CREATORS]:
        block = _section(creator_line(card))
        if campaigns is not None:
            block["block_id"] = f"{CREATOR_BLOCK_PREFIX}{card.handle}"
            block["accessory"] = shortlist_select(card.handle, campaigns)
        blocks.append(block)
    return blocks


def build_creator_list(cards: Sequence[ScoreCard], *, reserved: int = 4) -> list[Block]:
    """Every creator, for a command's reply: a section each for the first `MAX_CREATORS`,
    the rest as one line each, packed into as few sections as fit. `/scout rank -n 50`, a
    long `compare` or a big `plan` must show everyone it counted, not the first ten.

    `reserved` blocks are left free for what follows (title, breakdown, chart, share button).
    """
    blocks = build_creator_blocks(cards)
    rest = list(cards)[MAX_CREATORS:]
    if not rest:
        return blocks
    lines = ["• " + " — ".join(creator_line(card).split("\n")) for card in rest]
    chunks = pack_lines(lines)
    room = MAX_BLOCKS - reserved - len(blocks)
    if len(chunks) > room:
        chunks = chunks[: max(room - 1, 0)]
        shown = sum(len(chunk) for chunk in chunks)
        chunks.append([f"…and {len(rest) - shown} more (too many to show in one message)."])
    blocks.extend(_section("\n".join(chunk)) for chunk in chunks)
    return blocks


def pack_lines(lines: Sequence[str], limit: int = MAX_SECTION_TEXT) -> list[list[str]]:
    """Whole lines grouped so each group, joined by newlines, fits in `limit` characters."""
    groups: list[list[str]] = []
    size = 0
    for line in (whole[:limit] for whole in lines):
        if groups and size + 1 + len(line) <= limit:
            groups[-1].append(line)
            size += 1 + len(line)
        else:
            groups.append([line])
            size = len(line)
    return groups


def build_sources_block(citations: Sequence[Citation]) -> Block:
    """A context block naming each cited guidance document once."""
    seen: dict[str, Citation] = {}
    for citation in citations:
        seen.setdefault(citation.source, citation)
    elements = [
        {"type": "mrkdwn", "text": f":page_facing_up: *{escape(c.title)}* ({escape(c.source)})"}
        for c in list(seen.values())[:MAX_CONTEXT_ELEMENTS]
    ]
    return {"type": "context", "elements": elements}


def build_feedback_block(question: str) -> Block:
    """👍/👎 buttons; the question rides along so the vote can be stored with it."""
    value = question[:MAX_BUTTON_VALUE]
    return {
        "type": "actions",
        "block_id": "feedback",
        "elements": [
            {
                "type": "button",
                "action_id": ACTION_FEEDBACK_UP,
                "text": _plain("👍 Helpful"),
                "value": value,
            },
            {
                "type": "button",
                "action_id": ACTION_FEEDBACK_DOWN,
                "text": _plain("👎 Not helpful"),
                "value": value,
            },
        ],
    }


def build_answer_message(result: AskResult, *, question: str, campaigns: Sequence[str]) -> Block:
    """The threaded answer: text, creators with shortlist pickers, sources, feedback."""
    tail: list[Block] = []
    if result.creators:
        tail.append(_section("*Creators*"))
        tail.extend(build_creator_blocks(result.creators, campaigns))
    if result.citations:
        tail.append(build_sources_block(result.citations))
    if result.note:
        tail.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(result.note)}]}
        )
    tail.append(build_feedback_block(question))

    room = MAX_BLOCKS - len(tail)
    chunks = split_text(to_mrkdwn(result.answer)) or ["(no answer)"]
    if len(chunks) > room:
        chunks = chunks[:room]
        last = chunks[-1][: MAX_SECTION_TEXT - len(TRUNCATED)]
        chunks[-1] = last + TRUNCATED
    blocks = [_section(chunk) for chunk in chunks] + tail
    return {"text": fallback_text(result.answer), "blocks": blocks}


def fallback_text(text: str, limit: int = 300) -> str:
    """The notification text shown where blocks are not: the first paragraph, shortened."""
    first = text.strip().split("\n\n", 1)[0]
    flat = " ".join(first.replace("**", "").split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def build_cards_message(cards: Sequence[ScoreCard], title: str) -> Block:
    """Score cards (one or many), best first, under a title."""
    blocks = [_section(f"*{escape(title)}*"), *build_creator_list(cards)]
    if len(cards) == 1:
        blocks.append(build_breakdown_block(cards[0]))
    if not cards:
        blocks.append(_section("No creators matched."))
    return {"text": escape(title), "blocks": blocks}


def build_breakdown_block(card: ScoreCard) -> Block:
    """Each score component with its value, weight and reason."""
    lines = [
        f"• {escape(c.name)}: {c.value:.2f} × {c.weight:.2f} — {escape(c.reason)}"
        for c in card.breakdown
    ]
    # As `scout score` prints them: "-" where no rate is on file (a rate of 0 is an empty
    # cell), and the costs derived from it are then unknown too, not $0.
    rated = card.rate_usd > 0
    extra = [f"rate {dollars(card.rate_usd if rated else None)}"]
    if card.cost_per_engagement is not None:
        extra.append(f"{dollars(card.cost_per_engagement if rated else None)} per engagement")
    if card.cpm is not None:
        extra.append(f"CPM {dollars(card.cpm if rated else None)}")
    text = "\n".join([*lines, " · ".join(extra)])
    return _section(text[:MAX_SECTION_TEXT])


def build_plan_message(plan: PlanResult, niche: str) -> Block:
    """The chosen set, what it costs and what it should return."""
    title = (
        f"Plan for {escape(clip(niche))}: {len(plan.creators)} creator(s), "
        f"{dollars(plan.total_cost)} of {dollars(plan.budget)}, "
        f"about {plan.expected_engagements:,.0f} engagements per post"
    )
    blocks = [_section(f"*{title}*"), *build_creator_list(plan.creators)]
    if not plan.creators and plan.candidates:
        # They fit; the budget is what is short. Say so, as `scout plan` does.
        blocks.append(
            _section(
                f"None of the {plan.candidates} unflagged creators with a rate who fit "
                f"*{escape(clip(niche))}* is affordable within {dollars(plan.budget)}. "
                f"See their rates with `/scout rank {escape(clip(niche))}`."
            )
        )
    elif not plan.creators:
        blocks.append(_section("No unflagged creator with a rate on the roster fits this niche."))
    if plan.skipped:
        left_out = ", ".join(f"{s.handle} ({s.reason})" for s in plan.skipped)
        blocks.append(_section(escape(f"Left out: {left_out}")[:MAX_SECTION_TEXT]))
    return {"text": title, "blocks": blocks}


def build_shortlist_message(
    campaign: str, items: Sequence[ShortlistItem], cards: dict[str, ScoreCard]
) -> Block:
    """A campaign's shortlist with current scores (the roster may have dropped someone)."""
    title = f"Shortlist {campaign!r}: {len(items)} creator(s)"
    lines = []
    for item in items:
        card = cards.get(item.handle)
        if card is None:
            lines.append(f"• *{escape(item.handle)}* (no longer in the roster)")
        else:
            lines.append("• " + creator_line(card).replace("\n", " — ", 1))
    body = (
        "\n".join(lines)
        if lines
        else "Nobody yet. Add creators with the picker on an answer, "
        "or `/scout shortlist add CAMPAIGN @handle`."
    )
    blocks = [_section(f"*{escape(title)}*"), *(_section(c) for c in split_text(body))]
    return {"text": escape(title), "blocks": blocks[:MAX_BLOCKS]}


def build_text_message(text: str) -> Block:
    """A plain mrkdwn message (confirmations, usage, errors)."""
    return {"text": text, "blocks": [_section(c) for c in split_text(text)][:MAX_BLOCKS]}


def with_share_button(message: Block, command_text: str) -> Block:
    """Append a "Share in channel" button that reposts the same command's answer.

    Sharing re-runs the command from the button's value, which holds at most 2,000
    characters: a longer command (a pasted brief) gets no button, since the first 2,000
    characters are another command (its budget or `n=` cut off).
    """
    if len(command_text) > MAX_BUTTON_VALUE:
        return message
    blocks = list(message.get("blocks", []))[: MAX_BLOCKS - 1]
    blocks.append(
        {
            "type": "actions",
            "block_id": "share",
            "elements": [
                {
                    "type": "button",
                    "action_id": ACTION_SHARE,
                    "text": _plain("Share in channel"),
                    "value": command_text,
                }
            ],
        }
    )
    return {**message, "blocks": blocks}


def build_new_campaign_modal(handle: str, context: dict[str, str]) -> Block:
    """A modal asking for a new campaign's name; `context` says where to confirm."""
    return {
        "type": "modal",
        "callback_id": VIEW_NEW_CAMPAIGN,
        "private_metadata": json.dumps({"handle": handle, **context}),
        "title": _plain("New campaign", 24),
        "submit": _plain("Add", 24),
        "close": _plain("Cancel", 24),
        "blocks": [
            {
                "type": "input",
                "block_id": "campaign",
                "label": _plain(f"Campaign to add {handle} to"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "name",
                    "max_length": 80,
                    "placeholder": _plain("e.g. Spring launch"),
                },
            }
        ],
    }
