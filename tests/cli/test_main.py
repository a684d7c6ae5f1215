"""The `scout` entry point: every command is registered, errors are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("args", [[], ["shortlist"], ["roster"], ["digest"]])
def test_a_group_without_a_command_prints_its_help_once(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.count("Usage") == 1
