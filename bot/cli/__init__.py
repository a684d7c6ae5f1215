"""The `scout` command line: thin commands that parse, call the core and print.

Heavy libraries (Chroma, LangChain, numpy, Slack) are imported inside the
commands that need them, so `scout --help` starts fast.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

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
        code = app(standalone_mode=False)
    except typer.TyperException as exc:
        _exit_on_usage_error(exc)
    except typer.Abort:
        print("scout: aborted", file=sys.stderr)
        sys.exit(1)
    except ScoutError as exc:
        print(f"scout: {exc}", file=sys.stderr)
        sys.exit(1)
    except OSError as exc:
        # A file or folder the command was pointed at cannot be used: one line, and the
        # traceback only with --verbose.
        logging.getLogger("bot").debug("file system error", exc_info=True)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"scout: {where}{exc.strerror or exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("scout: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        # Imported only now: `scout --help` does not load SQLAlchemy.
        from bot.store.db import database_problem

        problem = database_problem(exc)
        if problem is None:
            raise
        logging.getLogger("bot").debug("database error", exc_info=True)
        print(f"scout: {problem}", file=sys.stderr)
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)


def _exit_on_usage_error(exc: typer.TyperException) -> NoReturn:
    """Print a usage error as one line naming the command and the bad input."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":
        # The error carries the help; Typer's rich help printed itself while building it.
        if str(exc).strip():
            print(exc)
        sys.exit(0)
    where = ctx.command_path if ctx is not None else "scout"
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    print(f"{where}: {message} (see `{where} --help`)", file=sys.stderr)
    sys.exit(getattr(exc, "exit_code", 2))
