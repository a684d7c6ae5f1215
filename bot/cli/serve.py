"""`scout serve`: run the Slack app over HTTP or Socket Mode."""

from __future__ import annotations

import logging

import typer

from bot.cli.common import settings

logger = logging.getLogger(__name__)


def serve(
    host: str = typer.Option("0.0.0.0", "--host", help="Interface to listen on (HTTP mode)."),
) -> None:
    """Run the Slack app: HTTP on $PORT, or Socket Mode when SLACK_APP_TOKEN is set.

    Examples:

      scout serve
      scout serve --host 127.0.0.1
    """
    config = settings()
    logging.getLogger().setLevel(config.log_level)
    from bot.app import create_app
    from bot.deps import Deps
    from bot.server import serve_http, serve_socket_mode

    deps = Deps(config)
    app = create_app(config, deps)
    # Build the agent and the roster now: a missing index or a bad roster stops the start,
    # and worker threads never race to build them on the first questions.
    deps.answerer  # noqa: B018
    deps.scout  # noqa: B018
    if config.slack_app_token is not None:
        logger.info("Creator Scout: Socket Mode")
        serve_socket_mode(app, config.slack_app_token.get_secret_value())
    else:
        logger.info("Creator Scout: HTTP on %s:%d/slack/events", host, config.port)
        serve_http(app, host=host, port=config.port, log_level=config.log_level)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
