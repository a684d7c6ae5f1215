"""`scout shortlist add|remove|list`: campaign shortlists."""

from __future__ import annotations

import typer

from bot.cli.common import not_available

shortlist_app = typer.Typer(help="Manage campaign shortlists.", no_args_is_help=True)


@shortlist_app.command("add")
def add(
    campaign: str = typer.Argument(..., help="The campaign name."),
    handles: list[str] = typer.Argument(..., help="One or more handles to add."),
) -> None:
    """Add creators to a campaign's shortlist."""
    raise not_available("shortlist add")


@shortlist_app.command("remove")
def remove(
    campaign: str = typer.Argument(..., help="The campaign name."),
    handles: list[str] = typer.Argument(..., help="One or more handles to remove."),
) -> None:
    """Remove creators from a campaign's shortlist."""
    raise not_available("shortlist remove")


@shortlist_app.command("list")
def list_(
    campaign: str = typer.Argument(..., help="The campaign name."),
    as_json: bool = typer.Option(False, "--json", help="Print the shortlist as JSON."),
) -> None:
    """Show a campaign's shortlist with current scores."""
    raise not_available("shortlist list")


def register(app: typer.Typer) -> None:
    app.add_typer(shortlist_app, name="shortlist")
