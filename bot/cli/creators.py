"""`scout score|compare|rank|plan` and `scout roster import`: the scoring engine."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import not_available, settings

roster_app = typer.Typer(help="Manage the creator roster.", no_args_is_help=True)


def score(
    handle: str = typer.Argument(..., help="The creator's handle, e.g. @greenrunner."),
    as_json: bool = typer.Option(False, "--json", help="Print the score card as JSON."),
) -> None:
    """Show one creator's score card."""
    settings()
    raise not_available("score")


def compare(
    handles: list[str] = typer.Argument(..., help="Two or more handles."),
    as_json: bool = typer.Option(False, "--json", help="Print the score cards as JSON."),
) -> None:
    """Compare creators side by side, best first."""
    raise not_available("compare")


def rank(
    niche: str = typer.Option(..., "--niche", help='The brief, e.g. "vegan fitness".'),
    n: int = typer.Option(10, "-n", min=1, help="How many creators to show."),
    as_json: bool = typer.Option(False, "--json", help="Print the ranking as JSON."),
) -> None:
    """Rank the best creators for a niche."""
    raise not_available("rank")


def plan(
    niche: str = typer.Option(..., "--niche", help='The brief, e.g. "vegan fitness".'),
    budget: float = typer.Option(..., "--budget", min=0, help="Budget in USD."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Choose the set of creators that maximises engagement within a budget."""
    raise not_available("plan")


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(..., help="A roster file, CSV or JSON."),
) -> None:
    """Validate and load a roster; a file with any bad row is rejected whole."""
    raise not_available("roster import")


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("compare")(compare)
    app.command("rank")(rank)
    app.command("plan")(plan)
    app.add_typer(roster_app, name="roster")
