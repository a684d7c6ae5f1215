"""`scout shortlist add|remove|list`: campaign shortlists, per workspace (`--team`)."""

from __future__ import annotations

from typing import Any

import typer

from bot.cli.common import TEAM_ID_WIDTH, at_most, print_json, settings
from bot.errors import ScoutError

shortlist_app = typer.Typer(help="Manage campaign shortlists.", no_args_is_help=True)

TEAM_HELP = "Workspace (Slack team id) the shortlist belongs to; default $SCOUT_TEAM_ID."
ACTOR = "cli"


@shortlist_app.command("add")
def add(
    campaign: str = typer.Argument(..., help="The campaign name."),
    handles: list[str] = typer.Argument(..., help="One or more handles to add."),
    team: str | None = typer.Option(
        None, "--team", help=TEAM_HELP, callback=at_most(TEAM_ID_WIDTH)
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what changed as JSON."),
) -> None:
    """Add creators to a campaign's shortlist (each must be in the roster).

    Examples:

      scout shortlist add spring-launch @plantpowered.lifts @greenrunner
      scout shortlist add "spring launch" @tofu.tempo --json
    """
    config = settings()
    from bot.deps import Deps
    from bot.slack.commands import normalise_handle, parse_campaign

    campaign = parse_campaign(campaign)  # normalised; a blank name is refused
    deps = Deps(config)
    team_id = team or config.scout_team_id
    # Score every handle first: an unknown handle stops the command before anything is added.
    # A handle given twice ("@a A") is one creator: added once, reported once.
    cards = [deps.scout.card(h) for h in dict.fromkeys(map(normalise_handle, handles))]
    added: list[str] = []
    already: list[str] = []
    for card in cards:
        fresh = deps.shortlists.add(team_id, campaign, card.handle, ACTOR, score=card.score)
        (added if fresh else already).append(card.handle)
    _report(campaign, {"added": added, "already": already}, as_json)


@shortlist_app.command("remove")
def remove(
    campaign: str = typer.Argument(..., help="The campaign name."),
    handles: list[str] = typer.Argument(..., help="One or more handles to remove."),
    team: str | None = typer.Option(None, "--team", help=TEAM_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print what changed as JSON."),
) -> None:
    """Remove creators from a campaign's shortlist.

    Example:

      scout shortlist remove spring-launch @greenrunner
    """
    config = settings()
    from bot.deps import Deps
    from bot.slack.commands import normalise_handle, parse_campaign

    campaign = parse_campaign(campaign)  # normalised; a blank name is refused
    deps = Deps(config)
    team_id = team or config.scout_team_id
    if "@" in map(normalise_handle, handles):
        raise ScoutError("a handle is empty: give one like @greenrunner")
    removed: list[str] = []
    missing: list[str] = []
    for handle in dict.fromkeys(map(normalise_handle, handles)):
        gone = deps.shortlists.remove(team_id, campaign, handle, ACTOR)
        (removed if gone else missing).append(handle)
    _report(campaign, {"removed": removed, "not_on_list": missing}, as_json)


@shortlist_app.command("list")
def list_(
    campaign: str = typer.Argument(..., help="The campaign name."),
    team: str | None = typer.Option(None, "--team", help=TEAM_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the shortlist as JSON."),
) -> None:
    """Show a campaign's shortlist with current scores.

    Examples:

      scout shortlist list spring-launch
      scout shortlist list spring-launch --json
    """
    config = settings()
    from bot.deps import Deps
    from bot.slack.commands import parse_campaign

    name = parse_campaign(campaign)  # normalised; a blank name is refused
    deps = Deps(config)
    team_id = team or config.scout_team_id
    items = deps.shortlists.entries(team_id, name)
    # A roster that cannot be read is its own error, not "not in roster" for everyone.
    scout = deps.scout if items else None
    on_roster = set(scout.handles()) if scout is not None else set()
    creators: list[dict[str, Any]] = []
    for item in items:
        row = item.model_dump(mode="json")
        # False: dropped from the roster since it was added (no score card then).
        row["in_roster"] = scout is not None and item.handle in on_roster
        if scout is not None and row["in_roster"]:
            row.update(scout.card(item.handle).model_dump(mode="json"))
        creators.append(row)
    if as_json:
        print_json({"campaign": name, "creators": creators})
        return
    if not items and not deps.shortlists.has_history(team_id, name):
        # Usually a typo: "is empty" read as though the shortlist had been cleared.
        from bot.store.shortlists import no_such_campaign

        typer.echo(no_such_campaign(name, deps.shortlists.campaigns(team_id)))
        return
    _print_table(name, creators)


def _report(campaign: str, outcome: dict[str, list[str]], as_json: bool) -> None:
    if as_json:
        print_json({"campaign": campaign, **outcome})
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for label, handles in outcome.items():
        if handles:
            shown = escape(", ".join(handles))
            console.print(f"{label.replace('_', ' ')} [bold]{escape(campaign)}[/]: {shown}")


def _print_table(campaign: str, creators: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Shortlist: {escape(campaign)}")
    for column in ("handle", "tier", "ER", "score", "added by"):
        table.add_column(column)
    for row in creators:
        # With no followers on file (0) the card's 0.0 rate was never measured.
        rate = row.get("engagement_rate") if row.get("followers") else None
        table.add_row(
            escape(row["handle"]),
            row.get("tier", "-"),
            f"{rate * 100:.1f}%" if rate is not None else "-",
            f"{row['score']:.0f}" if "score" in row else "not in roster",
            escape(row["added_by"]),
        )
    Console().print(table if creators else f"Shortlist {escape(repr(campaign))} is empty.")


def register(app: typer.Typer) -> None:
    app.add_typer(shortlist_app, name="shortlist")
