"""`scout ask`: answer a question end to end, like the Slack bot."""

from __future__ import annotations

import typer

from bot.cli.common import not_available


def ask(
    question: str = typer.Argument(
        ..., help='The question, e.g. "who should we partner with for vegan fitness?"'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as one JSON document."),
) -> None:
    """Answer a question with cited guidance and ranked creators."""
    raise not_available("ask")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
