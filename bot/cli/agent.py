"""`scout ask`: answer a question end to end, like the Slack bot."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import typer

from bot.cli.common import CONVERSATION_KEY_WIDTH, at_most, print_json, settings
from bot.errors import ScoutError

if TYPE_CHECKING:
    from bot.agent.models import AskResult

# The conversation key is "cli:" then the thread, stored in a 200-character column.
_THREAD_PREFIX = "cli:"


def ask(
    question: str = typer.Argument(
        ..., help='The question, e.g. "who should we partner with for vegan fitness?"'
    ),
    thread: str | None = typer.Option(
        None,
        "--thread",
        help="A conversation key: reuse it to ask follow-up questions.",
        callback=at_most(CONVERSATION_KEY_WIDTH - len(_THREAD_PREFIX)),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as one JSON document."),
) -> None:
    """Answer a question with cited guidance and ranked creators.

    Examples:

      scout ask "who should we partner with for vegan fitness?" --thread launch
      scout ask 'and with a $2k budget?' --thread launch
      scout ask "which creators have suspicious followers?" --json
    """
    if not question.strip():
        # `scout ask "$QUESTION"` with QUESTION unset: a mistake to name (as for `scout
        # search`), not a "not sure what you're asking" answer with exit 0.
        raise ScoutError(
            "the question is empty: ask one, e.g. scout ask 'who should we partner with "
            "for vegan fitness?'"
        )
    config = settings()
    from bot.deps import Deps

    deps = Deps(config)
    result = deps.answerer.ask(
        question,
        conversation_key=f"{_THREAD_PREFIX}{thread}" if thread else None,
        team_id=config.scout_team_id,
    )
    if as_json:
        print_json(result)
    else:
        show(result)


# Below this terminal width the creators table leaves out the flags column and lists the
# flagged creators under it instead.
_FLAGS_COLUMN_MIN_WIDTH = 100


def show(result: AskResult) -> None:
    """The answer for people: text, a creators table and the sources."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.markup import escape
    from rich.table import Table

    from bot.agent.offline import usd

    console = Console()
    # Slack shows each "> " line on its own; Markdown would run a quote's lines
    # together, so each one but the last ends in a hard line break. A "<" is text
    # ("for <your niche>"), not HTML for Markdown to drop.
    answer = re.sub(r"(?m)^(> .*)$(?=\n> )", r"\1  ", result.answer).replace("<", "&lt;")
    console.print(Markdown(answer))
    if result.creators:
        flagged = [card for card in result.creators if card.flags]
        # On a narrow terminal the flags go under the table, so handles, tiers and numbers
        # are printed whole (people copy a handle into the next command).
        flags_column = bool(flagged) and console.width >= _FLAGS_COLUMN_MIN_WIDTH
        columns = ["handle", "tier", "followers", "ER", "rate", "$/eng.", "score"]
        table = Table(title="Creators", title_justify="left")
        for column in [*columns, *(["flags"] if flags_column else [])]:
            table.add_column(
                column,
                justify="left" if column in {"handle", "tier"} else "right",
                no_wrap=column != "flags",
            )
        for card in result.creators:
            # A rate of 0 is an empty cell (no rate on file), and 0 followers means none on
            # file: neither makes a measured $0.00 per engagement or 0.0% rate.
            cpe = card.cost_per_engagement if card.rate_usd else None
            row = [
                card.handle,
                card.tier,
                f"{card.followers:,}",
                f"{card.engagement_rate * 100:.1f}%" if card.followers else "-",
                usd(card.rate_usd) if card.rate_usd else "-",
                "-" if cpe is None else usd(cpe),
                f"{card.score:.0f}",
            ]
            if flags_column:
                row.append(", ".join(f.code for f in card.flags) or "-")
            table.add_row(*row)
        console.print(table)
        if flagged and not flags_column:
            for card in flagged:
                codes = ", ".join(f.code for f in card.flags)
                console.print(f"[red]flagged[/red] {card.handle}: {codes}", highlight=False)
    if result.citations:
        console.print("[bold]Sources[/bold]")
        # Several quotes may come from one document: list it once, as Slack does.
        titles = {c.source: c.title for c in result.citations}
        for source, title in titles.items():
            console.print(f"- {escape(title)} [dim]({escape(source)})[/dim]")
    footer = f"mode: {result.mode}" + (f". {result.note}" if result.note else "")
    console.print(f"[dim]{escape(footer)}[/dim]")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
