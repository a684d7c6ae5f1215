"""The `scout` entry point: every command is registered, errors are one line."""

from __future__ import annotations

import subprocess
import sys

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
