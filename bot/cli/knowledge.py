"""`scout ingest`, `scout search` and `scout eval`: the guidance index."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import not_available


def ingest(
    paths: list[Path] = typer.Argument(
        None, help="Files or folders to index (default: knowledge/)."
    ),
) -> None:
    """(Re)build the knowledge index: incremental and idempotent."""
    raise not_available("ingest")


def search(
    query: str = typer.Argument(..., help="What to look for in the guidance."),
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many passages to return."),
    as_json: bool = typer.Option(False, "--json", help="Print the passages as one JSON document."),
) -> None:
    """Show the top guidance passages for a query."""
    raise not_available("search")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("search")(search)
