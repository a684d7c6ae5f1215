"""`scout score|compare|rank|plan` and `scout roster import`: the scoring engine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.common import path_argument, plural, print_json, settings
from bot.errors import ScoutError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.scoring.models import PlanResult, ScoreCard
    from bot.scoring.service import Scout

_MAX_SKIPPED_SHOWN = 10  # plan's human output names this many left-out creators at most

roster_app = typer.Typer(help="Manage the creator roster.", no_args_is_help=True)


def _scout(config: Settings) -> Scout:
    from bot.deps import Deps

    return Deps(config).scout


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _rate_by_followers(card: ScoreCard) -> str:
    # With no followers on file the card's 0.0 rate was never measured.
    return _rate(card.engagement_rate if card.followers else None)


def _rate_on_file(card: ScoreCard) -> str:
    # A rate of 0 is an empty cell: no rate on file, not a free creator.
    return _money(card.rate_usd or None)


def _cost(card: ScoreCard, value: float | None) -> str:
    """A cost derived from the rate: "-" without a rate on file (the formula gives 0)."""
    return _money(value if card.rate_usd else None)


def _money(value: float | None) -> str:
    from bot.scoring.metrics import dollars  # numpy: not loaded for `scout --help`

    return dollars(value)


# Below this terminal width the "why" column would be squeezed to a word per line, so
# the reasons go under the table instead, one line per creator.
_WHY_COLUMN_MIN_WIDTH = 110


def _cards_table(cards: list[ScoreCard], title: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    why_column = console.width >= _WHY_COLUMN_MIN_WIDTH
    table = Table(title=escape(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("handle", no_wrap=True)
    table.add_column("tier")
    for column in ("followers", "ER", "score"):
        table.add_column(column, justify="right")
    if why_column:
        table.add_column("why", ratio=1)
    whys = [f"[red]{escape(c.why)}[/red]" if c.flags else escape(c.why) for c in cards]
    for place, (card, why) in enumerate(zip(cards, whys, strict=True), start=1):
        table.add_row(
            str(place),
            card.handle,
            f"{card.platform} {card.tier}",
            f"{card.followers:,}",
            _rate_by_followers(card),
            f"{card.score:.1f}",
            *([why] if why_column else []),
        )
    console.print(table)
    if not why_column:
        for place, (card, why) in enumerate(zip(cards, whys, strict=True), start=1):
            console.print(f"{place}. [bold]{card.handle}[/bold]: {why}", highlight=False)


def _side_by_side(cards: list[ScoreCard]) -> None:
    """One column per creator, best first, one row per measure, so differences line up."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Folded, not cut with "…": several creators overflow 80 columns, and a cut handle or
    # number ("@plantpowere…", "6,…") cannot be read or copied.
    table = Table(title="Compared, best first", title_justify="left")
    table.add_column("", overflow="fold")
    for card in cards:
        table.add_column(card.handle, justify="right", overflow="fold")
    rows: list[tuple[str, list[str]]] = [
        ("score", [f"[bold]{c.score:.1f}[/bold]" for c in cards]),
        ("platform, tier", [f"{c.platform} {c.tier}" for c in cards]),
        ("followers", [f"{c.followers:,}" for c in cards]),
        ("ER (followers)", [_rate_by_followers(c) for c in cards]),
        ("ER (views)", [_rate(c.engagement_rate_by_views) for c in cards]),
        ("engagements/post", [f"{c.engagements_per_post:,.0f}" for c in cards]),
        ("rate", [_rate_on_file(c) for c in cards]),
        ("$ per engagement", [_cost(c, c.cost_per_engagement) for c in cards]),
        ("CPM", [_cost(c, c.cpm) for c in cards]),
    ]
    weights = {part.name: part.weight for c in cards for part in c.breakdown}
    for name, weight in weights.items():
        values = []
        for card in cards:
            part = next((p for p in card.breakdown if p.name == name), None)
            values.append("-" if part is None else f"{part.value:.2f}")
        rows.append((f"{name} (weight {weight:.2f})", values))
    rows.append(("flags", ["[red]" + ", ".join(f.code for f in c.flags) + "[/red]" for c in cards]))
    for label, values in rows:
        table.add_row(label, *values)
    console = Console()
    console.print(table)
    for card in cards:
        console.print(f"[bold]{card.handle}[/bold]: {escape(card.why)}")


def _show_card(card: ScoreCard) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    micro = "in" if card.in_micro_range else "outside"
    name = f" {escape(card.name)}" if card.name else ""
    console.print(
        f"[bold]{card.handle}[/bold]{name} · {card.platform} · {card.tier} "
        f"({card.followers:,} followers, {micro} the 1k-100k micro range) · "
        f"[bold]score {card.score:.1f}[/bold]/100"
    )
    console.print(
        f"ER {_rate_by_followers(card)} by followers"
        + (
            f", {_rate(card.engagement_rate_by_views)} by views"
            if card.engagement_rate_by_views is not None
            else ""
        )
        + f" · {card.engagements_per_post:,.0f} engagements per post"
        + f" · rate {_rate_on_file(card)} · {_cost(card, card.cost_per_engagement)} per engagement"
        + f" · CPM {_cost(card, card.cpm)}"
    )
    table = Table(show_header=True)
    for column, justify in (("component", "left"), ("value", "right"), ("weight", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column("reason")
    for component in card.breakdown:
        table.add_row(
            component.name,
            f"{component.value:.2f}",
            f"{component.weight:.2f}",
            escape(component.reason),
        )
    console.print(table)
    for flag in card.flags:
        console.print(f"[red]flag {flag.code}[/red]: {escape(flag.reason)}")


def _show_plan(result: PlanResult) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    niche = escape(result.niche)  # a brief is text, never markup
    if result.creators:
        table = Table(title=f'Plan for "{niche}" within {_money(result.budget)}')
        # A handle is what the reader copies into the next command: never cut with "…";
        # narrow terminals fold the other cells instead.
        table.add_column("handle", no_wrap=True)
        table.add_column("tier", overflow="fold")
        for column in ("cost", "adds eng./post", "running cost", "score"):
            table.add_column(column, justify="right", overflow="fold")
        running = 0.0
        for card, pick in zip(result.creators, result.picks, strict=True):
            running += pick.cost
            table.add_row(
                card.handle,
                card.tier,
                _money(pick.cost),
                f"+{pick.adds_engagements:,.0f}",
                _money(running),
                f"{card.score:.1f}",
            )
        console.print(table)
        console.print(
            f"{plural(len(result.creators), 'creator')}, "
            f"{result.expected_engagements:,.0f} engagements per post for "
            f"{_money(result.total_cost)}; {_money(result.remaining)} left over (chosen from "
            f"{plural(result.candidates, 'unflagged creator')} with a rate that fit the niche)."
        )
    elif result.candidates == 1:
        console.print(
            f'No plan: the one unflagged creator with a rate that fits "{niche}" is not '
            f"affordable within {_money(result.budget)}."
        )
    elif result.candidates:
        console.print(
            f"No plan: none of the {result.candidates} unflagged creators with a rate that fit "
            f'"{niche}" is affordable within {_money(result.budget)}.'
        )
    else:
        console.print(f'No plan: no unflagged creator with a rate on the roster fits "{niche}".')
    if result.skipped:
        shown = ", ".join(f"{s.handle} ({s.reason})" for s in result.skipped[:_MAX_SKIPPED_SHOWN])
        more = len(result.skipped) - _MAX_SKIPPED_SHOWN
        console.print(
            f"Left out {plural(len(result.skipped), 'unflagged creator')} that "
            f"{'fits' if len(result.skipped) == 1 else 'fit'}: {shown}"
            + (f" and {more} more (see --json)." if more > 0 else ".")
        )


def _brief(niche: str | None) -> str | None:
    """`--niche` as given; an empty one (`--niche "$BRIEF"` with BRIEF unset) is an error,
    as it is for `rank` and `plan`, not a score that silently leaves niche fit out."""
    if niche is not None and not niche.strip():
        raise ScoutError("the niche is empty: describe it, e.g. --niche 'vegan fitness'")
    return niche


def score(
    handle: str = typer.Argument(..., help="The creator's handle, e.g. @greenrunner."),
    niche: str | None = typer.Option(None, "--niche", help="Also score niche fit for a brief."),
    as_json: bool = typer.Option(False, "--json", help="Print the score card as JSON."),
) -> None:
    """Show one creator's score card.

    Examples:

      scout score @plantpowered.lifts
      scout score @plantpowered.lifts --niche "vegan fitness" --json
    """
    config = settings()
    card = _scout(config).card(handle, _brief(niche))
    if as_json:
        print_json(card)
    else:
        _show_card(card)


def compare(
    handles: list[str] = typer.Argument(..., help="Two or more handles."),
    niche: str | None = typer.Option(None, "--niche", help="Also score niche fit for a brief."),
    as_json: bool = typer.Option(False, "--json", help="Print the score cards as JSON."),
) -> None:
    """Compare creators side by side, best first.

    Examples:

      scout compare @plantpowered.lifts @greenrunner
      scout compare @greenrunner @tofu.tempo --niche "vegan fitness" --json
    """
    from bot.scoring.roster import normalise_handle

    if len({normalise_handle(handle) for handle in handles}) < 2:
        raise typer.BadParameter(
            "give two or more different handles (for one creator, use `scout score`)",
            param_hint="'HANDLES...'",
        )
    config = settings()
    cards = _scout(config).compare(handles, _brief(niche))
    if as_json:
        print_json({"creators": [card.model_dump(mode="json") for card in cards]})
    else:
        _side_by_side(cards)


def rank(
    niche: str = typer.Option(..., "--niche", help='The brief, e.g. "vegan fitness".'),
    n: int = typer.Option(10, "-n", min=1, help="How many creators to show."),
    include_flagged: bool = typer.Option(
        False, "--include-flagged", help="Also rank creators that carry a flag."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the ranking as JSON."),
) -> None:
    """Rank the best creators for a niche.

    Examples:

      scout rank --niche "vegan fitness"
      scout rank --niche skincare -n 20 --include-flagged --json
    """
    config = settings()
    scout = _scout(config)
    cards = scout.rank(niche, n, include_flagged)
    # Nobody fits the whole brief: who fits part of it ("eco fitness": fitness or eco).
    closest = [] if cards else scout.closest(niche, n)
    if as_json:
        print_json(
            {
                "creators": [card.model_dump(mode="json") for card in cards],
                "closest": [card.model_dump(mode="json") for card in closest],
            }
        )
        return
    if cards:
        _cards_table(cards, f'Best for "{niche}"')
        return
    # Creators who fit but carry a flag were left out, not missing from the roster.
    flagged = 0 if include_flagged else scout.flagged(niche, n=1).total
    if flagged:
        typer.echo(
            f'No unflagged creators on the roster fit "{niche}"; {flagged} that fit carry a '
            "flag (--include-flagged lists them)."
        )
    elif closest:
        typer.echo(f'No creator on the roster fits all of "{niche}".')
        _cards_table(closest, "Closest, fitting part of it")
    else:
        typer.echo(f'No creators on the roster fit "{niche}".')


def _budget(text: str) -> float:
    """Read --budget like a roster rate ("2500", "$2,500", "2.5k"): USD, 0 or more (0
    plans nothing)."""
    from bot.scoring.roster import read_usd

    try:
        return read_usd(text)
    except ValueError:
        raise typer.BadParameter(f"must be an amount in USD of 0 or more, got {text!r}") from None


def plan(
    niche: str = typer.Option(..., "--niche", help='The brief, e.g. "vegan fitness".'),
    budget: float = typer.Option(
        ...,
        "--budget",
        parser=_budget,
        help='Budget in USD, 0 or more: 2500, "$2,500" or 2.5k.',
        metavar="USD",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Choose the set of creators that maximises engagement within a budget.

    Examples:

      scout plan --niche "vegan fitness" --budget 5000
      scout plan --niche skincare --budget 2.5k --json
    """
    config = settings()
    result = _scout(config).plan(niche, budget)
    if as_json:
        print_json(result)
    else:
        _show_plan(result)


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(
        ..., parser=path_argument, metavar="FILE", help="A roster file, CSV or JSON."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Validate and load a roster; a file with any bad row is rejected whole.

    Examples:

      scout roster import my_roster.csv
      scout roster import export.json --json
    """
    config = settings()
    from bot.deps import Deps
    from bot.digests.score_moves import record_roster_score_moves
    from bot.scoring.roster import import_roster

    report = import_roster(file, config)
    creators = plural(report.creators, "creator")
    try:
        moves = record_roster_score_moves(Deps(config))
    except ScoutError as exc:
        # The roster is stored and in use; say so, or the user would think it was not.
        raise ScoutError(
            f"imported {creators} into {report.stored_at}, but could not log "
            f"the shortlisted creators' score moves for digests ({exc}); the next import will"
        ) from None
    if as_json:
        print_json({**report.model_dump(mode="json"), "score_moves": len(moves)})
        return
    typer.echo(f"Imported {creators} from {report.source} into {report.stored_at}")
    typer.echo("  " + ", ".join(f"{count:,} {name}" for name, count in report.platforms.items()))
    for header, column in report.mapped_headers.items():
        typer.echo(f"  read column {header!r} as {column}")
    if report.ignored_columns:
        typer.echo("  ignored columns: " + ", ".join(report.ignored_columns))
    if report.decimal_comma_columns:
        columns = ", ".join(report.decimal_comma_columns)
        typer.echo(f"  read decimal commas (3,5 is 3.5) in: {columns}")
    if report.overridden_by:
        typer.echo(f"  note: SCOUT_ROSTER is set, so scout keeps using {report.overridden_by}")
    if moves:
        typer.echo(f"  {len(moves)} shortlisted score moves logged for the next digests")


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("compare")(compare)
    app.command("rank")(rank)
    app.command("plan")(plan)
    app.add_typer(roster_app, name="roster")
