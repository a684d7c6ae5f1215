"""`scout digest`: channel digests of shortlist changes."""

from __future__ import annotations

import typer

from bot.cli.common import not_available

digest_app = typer.Typer(help="Channel digests of shortlist changes.", no_args_is_help=True)


@digest_app.command("run")
def run(
    now: bool = typer.Option(False, "--now", help="Treat every subscription as due."),
) -> None:
    """Post every due digest (safe to run from cron and from several places)."""
    raise not_available("digest run")


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")
