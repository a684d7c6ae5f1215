"""The `scout` entry point: every command is registered, errors are one line."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app

COMMANDS = [
    "ask",
    "search",
    "ingest",
    "score",
    "compare",
    "rank",
    "plan",
    "roster",
    "shortlist",
    "digest",
    "serve",
]


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def _leaf_commands() -> list[list[str]]:
    """Every runnable command's path under `scout`, e.g. ["shortlist", "add"]."""
    from typer.main import get_command

    paths: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            paths.append(path)
        for name, child in (children or {}).items():
            walk(child, [*path, name])

    walk(get_command(app), [])
    return paths


def _parse(argv: list[str]) -> str:
    """Parse a command line as `scout` would, converting every value, without running it."""
    from typer.main import get_command

    command: Any = get_command(app)
    ctx = command.make_context("scout", argv)
    while hasattr(command, "resolve_command"):
        _, command, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        ctx = command.make_context(command.name, rest, parent=ctx)
    assert not ctx.args, f"left over: {ctx.args}"
    return str(command.name)


@pytest.mark.parametrize("path", _leaf_commands(), ids=" ".join)
def test_each_commands_help_shows_examples_that_parse(path: list[str]) -> None:
    # A user reading `scout rank --help` got the options but no example of a whole command.
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    examples = [
        shlex.split(line.strip())
        for line in result.stdout.split("Example", 1)[1].splitlines()
        if line.strip().startswith("scout ")
    ]
    assert examples, result.stdout
    for example in examples:
        assert example[1 : 1 + len(path)] == path, example
        assert _parse(example[1:]) == path[-1]


def test_python_dash_m_bot_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "shortlist" in result.stdout


def test_bad_setting_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "score", "@anyone"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "PORT" in lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["plan", "--niche", "vegan", "--budget", "-5"], "--budget"),
        (["rank", "--niche", "vegan", "-n", "many"], "-n"),
        (["score"], "handle"),
        (["nosuch"], "nosuch"),
        # "$FILE" with FILE unset: named as empty, not "./: Is a directory" or "no
        # evaluation set at .".
        (["roster", "import", ""], "'FILE': an empty path"),
        (["eval", "--set", " "], "'--set': an empty path"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("layout", "args", "expected"),
    [
        ("data dir is a file", ["shortlist", "list", "x"], "SCOUT_DATA_DIR"),
        ("database is garbage", ["shortlist", "list", "x"], "file is not a database"),
        ("data dir under a file", ["shortlist", "list", "x"], "SCOUT_DATA_DIR"),
        ("data dir under a file", ["ingest"], "Not a directory"),
    ],
)
def test_an_unusable_data_dir_is_one_line(
    tmp_path: Path, layout: str, args: list[str], expected: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    data_dir = {"data dir is a file": blocker, "data dir under a file": blocker / "scout"}.get(
        layout, tmp_path / "data"
    )
    if layout == "database is garbage":
        data_dir.mkdir()
        (data_dir / "scout.db").write_text("garbage\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCOUT_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**env, "SCOUT_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_a_database_that_refuses_writes_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCOUT_", "DATABASE_URL"))}
    env["SCOUT_DATA_DIR"] = str(tmp_path)
    scout = [sys.executable, "-m", "bot", "shortlist", "add", "launch", "@alex.ecohome"]
    assert subprocess.run(scout, env=env, capture_output=True, timeout=120).returncode == 0
    # The same file opened read-only, as on a read-only mount (chmod does not stop root).
    env["DATABASE_URL"] = f"sqlite:///file:{tmp_path / 'scout.db'}?mode=ro&uri=true"

    result = subprocess.run(
        [*scout[:-1], "@alex.beautybench"], env=env, capture_output=True, text=True, timeout=120
    )

    # Was a SQLAlchemy traceback ending in the INSERT and its parameters.
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "scout: cannot use the database (DATABASE_URL or SCOUT_DATA_DIR): "
        "attempt to write a readonly database"
    ]
    assert not (tmp_path / "file:").exists()  # the URI's folder was made under the current one


@pytest.mark.parametrize("args", [[], ["shortlist"], ["roster"], ["digest"]])
def test_a_group_without_a_command_prints_its_help_once(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.count("Usage") == 1


@pytest.mark.parametrize(
    "args",
    [["score", "@greenrunner", "--json"], ["compare", "@greenrunner", "@tofu.tempo"], ["--help"]],
)
def test_a_reader_that_goes_away_stops_the_command_quietly(args: list[str]) -> None:
    # `scout rank ... | head`: JSON (through click) and tables (through rich) both stop
    # quietly with status 1, with no traceback or "Exception ignored" line on stderr.
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (1, "")
