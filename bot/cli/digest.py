"""`scout digest`: channel digests of shortlist changes (run, clock, subscriptions)."""

from __future__ import annotations

import typer

from bot.cli.common import (
    ACTOR_WIDTH,
    CHANNEL_ID_WIDTH,
    TEAM_ID_WIDTH,
    at_most,
    plural,
    print_json,
    settings,
)

digest_app = typer.Typer(help="Channel digests of shortlist changes.", no_args_is_help=True)


@digest_app.command("run")
def run(
    now: bool = typer.Option(False, "--now", help="Treat every subscription as due."),
    as_json: bool = typer.Option(False, "--json", help="Print what was posted as JSON."),
) -> None:
    """Post every due digest (safe to run from cron and from several places).

    Examples:

      scout digest run
      scout digest run --now --json
    """
    from rich.console import Console
    from rich.markup import escape

    from bot.deps import Deps
    from bot.digests.runner import build_runner
    from bot.errors import ScoutError

    runner = build_runner(Deps(settings()))
    outcomes = runner.run(manual=now)
    failed = [o for o in outcomes if o.status == "failed"]
    if as_json:
        print_json(
            {
                "posted": sum(o.status in {"posted", "recovered"} for o in outcomes),
                "failed": len(failed),
                "digests": [o.model_dump(mode="json") for o in outcomes],
            }
        )
    else:
        console = Console()
        if not outcomes:
            # A post backing off after a failure (or being posted by another runner) still
            # holds changes: "nothing changed" would hide them.
            pending = sum(
                post.status == "pending"
                for sub in runner.store.active_subscriptions()
                for post in runner.store.posts(sub.id)
            )
            if pending:
                console.print(
                    f"No digest was posted: {pending} from an earlier run still pending "
                    "(retrying after a failed post, or being posted by another runner)."
                )
            else:
                console.print(
                    "No digest was due." if not now else "Nothing changed since the last digests."
                )
        for o in outcomes:
            detail = {
                "failed": f"failed: {o.error}",
                "quiet": "nothing posted: what changed was undone (added, then removed)",
            }.get(o.status, plural(o.changes, "change"))
            period = f" ({o.period_key})" if o.period_key else ""
            console.print(escape(f"{o.status:9} {o.campaign} -> {o.channel_id}{period}: {detail}"))
    if failed:
        # Cron and CI see the failure; the digests stay pending and a later run retries them.
        raise ScoutError(
            f"{len(failed)} of {len(outcomes)} digest(s) failed to post; first: "
            f"{failed[0].campaign} -> {failed[0].channel_id}: {failed[0].error}"
        )


@digest_app.command("clock")
def clock(
    interval: float = typer.Option(60.0, "--interval", min=1, help="Seconds between runs."),
) -> None:
    """Run due digests on time, every minute, until stopped (the Procfile `clock` process).

    Example:

      scout digest clock
    """
    import logging

    from bot.deps import Deps
    from bot.digests.clock import run_clock

    config = settings()
    logging.getLogger("bot").setLevel(config.log_level)
    run_clock(Deps(config), interval)


@digest_app.command("subscribe")
def subscribe(
    campaign: str = typer.Argument(..., help="The campaign whose shortlist to follow."),
    channel: str = typer.Option(
        ...,
        "--channel",
        help="Slack channel id, e.g. C0123ABCD.",
        callback=at_most(CHANNEL_ID_WIDTH),
    ),
    frequency: str = typer.Option("daily", "--frequency", "-f", help="daily or weekly (Mondays)."),
    at: str = typer.Option("09:00", "--at", help="Local time of day, HH:MM."),
    tz: str = typer.Option("UTC", "--tz", help="IANA time zone, e.g. Europe/Berlin."),
    team: str | None = typer.Option(
        None,
        "--team",
        help="Workspace id (default SCOUT_TEAM_ID).",
        callback=at_most(TEAM_ID_WIDTH),
    ),
    by: str = typer.Option(
        "cli",
        "--by",
        help="Who subscribed (a Slack user id or a name).",
        callback=at_most(ACTOR_WIDTH),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the subscription as JSON."),
) -> None:
    """Subscribe a channel to a campaign's shortlist digest.

    Examples:

      scout digest subscribe spring-launch --channel C0123ABCD
      scout digest subscribe spring-launch --channel C0123ABCD -f weekly --at 9:30
    """
    from zoneinfo import available_timezones

    from bot.deps import Deps
    from bot.digests.schedule import FREQUENCIES, Schedule
    from bot.errors import ScoutError
    from bot.store.digests import DigestStore

    config = settings()
    channel = channel.strip()
    if not channel:
        # Stored as is, it would be a subscription every run fails to post.
        raise ScoutError("--channel is empty: give a Slack channel id, e.g. C0123ABCD")
    if frequency not in FREQUENCIES:
        raise ScoutError(f'--frequency must be daily or weekly, not "{frequency}"')
    if tz != "UTC" and tz not in available_timezones():
        raise ScoutError(f'--tz "{tz}" is not an IANA time zone (e.g. Europe/Berlin)')
    schedule = Schedule.model_validate({"frequency": frequency, "at_time": at, "timezone": tz})
    store = DigestStore(Deps(config).engine)
    result = store.subscribe(team or config.scout_team_id, channel, campaign, schedule, by)
    if as_json:
        print_json(result)
        return
    sub = result.subscription
    typer.echo(
        f"{'Subscribed' if result.created else 'Updated'}: {sub.campaign} -> {sub.channel_id}, "
        f"{sub.frequency} at {sub.at_time} {sub.timezone}"
    )


@digest_app.command("unsubscribe")
def unsubscribe(
    campaign: str = typer.Argument(..., help="The campaign to stop following."),
    channel: str = typer.Option(..., "--channel", help="Slack channel id."),
    team: str | None = typer.Option(None, "--team", help="Workspace id (default SCOUT_TEAM_ID)."),
) -> None:
    """Stop a channel's digest for a campaign.

    Example:

      scout digest unsubscribe spring-launch --channel C0123ABCD
    """
    from bot.deps import Deps
    from bot.errors import ScoutError
    from bot.store.digests import DigestStore

    config = settings()
    store = DigestStore(Deps(config).engine)
    if not store.unsubscribe(team or config.scout_team_id, channel, campaign):
        raise ScoutError(f'channel {channel} has no digest for "{campaign}"')
    typer.echo(f"Unsubscribed: {campaign} -> {channel}")


@digest_app.command("list")
def list_(
    team: str | None = typer.Option(None, "--team", help="Workspace id (default SCOUT_TEAM_ID)."),
    channel: str | None = typer.Option(None, "--channel", help="Only this channel."),
    as_json: bool = typer.Option(False, "--json", help="Print the subscriptions as JSON."),
) -> None:
    """List a workspace's digest subscriptions.

    Examples:

      scout digest list
      scout digest list --channel C0123ABCD --json
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from bot.deps import Deps
    from bot.store.digests import DigestStore

    config = settings()
    subs = DigestStore(Deps(config).engine).subscriptions(team or config.scout_team_id, channel)
    if as_json:
        print_json({"subscriptions": [s.model_dump(mode="json") for s in subs]})
        return
    table = Table("campaign", "channel", "schedule", "last posted")
    for s in subs:
        posted = s.last_posted_at.strftime("%Y-%m-%d %H:%M UTC") if s.last_posted_at else "never"
        schedule = f"{s.frequency} {s.at_time} {s.timezone}"
        table.add_row(escape(s.campaign), escape(s.channel_id), escape(schedule), posted)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")
