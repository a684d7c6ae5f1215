"""The `scout` command line: thin commands that parse, call the core and print.

Heavy libraries (Chroma, LangChain, numpy, Slack) are imported inside the
commands that need them, so `scout --help` starts fast.
"""

from __future__ import annotations

import logging
import sys

import typer

from bot.cli import agent, creators, digest, knowledge, serve, shortlist
from bot.errors import ScoutError

app = typer.Typer(
    name="scout",
    help="Creator Scout: find, score and plan micro-influencer partnerships.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _configure(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail to stderr."),
) -> None:
    """Creator Scout: find, score and plan micro-influencer partnerships.

    Works offline by default. Settings come from the environment or `.env`
    (see the README).
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


for module in (agent, knowledge, creators, shortlist, digest, serve):
    module.register(app)


def main() -> None:
    """Console-script entry point: user errors become one line on stderr."""
    try:
        app()
    except ScoutError as exc:
        print(f"scout: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("scout: interrupted", file=sys.stderr)
        sys.exit(130)
