"""`scout serve`: run the Slack app over HTTP or Socket Mode."""

from __future__ import annotations

import typer

from bot.cli.common import not_available


def serve() -> None:
    """Run the Slack app: HTTP on $PORT, or Socket Mode when SLACK_APP_TOKEN is set."""
    raise not_available("serve")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
