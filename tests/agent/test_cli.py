"""`scout ask`: one JSON document in the pinned shape, rich output for people, `--thread`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import Settings
from tests.agent.conftest import assert_grounded
from tests.support.contracts import SCORE_CARD_KEYS


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, index_settings: Settings, tmp_path: Path) -> Path:
    """The CLI reads the session's guidance index; its database lives in this test's folder."""
    monkeypatch.setenv("SCOUT_DATA_DIR", str(index_settings.scout_data_dir))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return index_settings.scout_data_dir


def ask(*args: str) -> Any:
    result = CliRunner().invoke(app, ["ask", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_is_the_pinned_ask_shape(env: Path) -> None:
    from bot.agent.models import AskResult

    payload = ask("who should we partner with for vegan fitness?")
    assert set(payload) >= {"answer", "citations", "creators", "mode"}
    assert payload["mode"] == "offline"
    assert payload["citations"]
    assert all(set(c) == {"source", "title", "quote"} for c in payload["citations"])
    assert all(set(c) >= SCORE_CARD_KEYS for c in payload["creators"])
    assert_grounded(AskResult.model_validate(payload))


def test_a_real_word_is_not_read_as_a_typo_of_a_roster_niche(env: Path) -> None:
    # Before: "For books vegan food": the CLI's answerer now knows "cooks" is a word.
    assert ask("who cooks vegan food?")["answer"].startswith("**For cooks vegan food, ")


def test_people_see_each_quote_on_its_own_line_and_angle_brackets_as_typed(env: Path) -> None:
    question = "why micro-influencers?"
    citations = ask(question)["citations"]
    result = CliRunner().invoke(app, ["ask", question], terminal_width=200)
    assert result.exit_code == 0, result.output
    starts = [line for line in result.stdout.splitlines() if line.lstrip("▌ ").startswith("“")]
    assert len(starts) == len(citations) >= 2
    assert "who should we partner with for <your niche>?" in result.stdout


def test_sources_list_each_document_once(env: Path) -> None:
    question = "why are micro-influencers better than celebrities?"
    sources = [c["source"] for c in ask(question)["citations"]]
    assert len(set(sources)) < len(sources), "the question should quote one document twice"
    result = CliRunner().invoke(app, ["ask", question], terminal_width=200)
    assert result.exit_code == 0, result.output
    listed = result.stdout.split("Sources", 1)[1]
    for source in set(sources):
        assert listed.count(f"({source})") == 1


def test_thread_continues_a_conversation(env: Path) -> None:
    ask("who should we partner with for vegan fitness?", "--thread", "launch")
    follow_up = ask("and with a budget of 2000?", "--thread", "launch")
    assert "For vegan fitness within $2,000" in follow_up["answer"]
    assert "Which niche" in ask("and with a budget of 2000?")["answer"]


@pytest.mark.postgres
def test_a_thread_key_fits_the_history_column_or_is_refused(
    env: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL enforces the conversation key's width: a longer key lost the history
    # behind a traceback on stderr, while the answer still printed.
    monkeypatch.setenv("DATABASE_URL", pg_url)
    longest = "t" * 196
    ask("who should we partner with for vegan fitness?", "--thread", longest)
    follow_up = ask("and with a budget of 2000?", "--thread", longest)
    assert "For vegan fitness within $2,000" in follow_up["answer"]

    result = CliRunner().invoke(app, ["ask", "vegan fitness?", "--thread", longest + "t"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "197 characters is too long (at most 196)" in result.stderr


@pytest.mark.parametrize("question", ["", "  \n"])
def test_an_empty_question_is_an_error(env: Path, question: str) -> None:
    # `scout ask "$QUESTION"` with QUESTION unset printed "I'm not sure what you're asking"
    # and exited 0, a JSON answer to a question nobody asked.
    from bot.errors import ScoutError

    result = CliRunner().invoke(app, ["ask", question, "--json"])
    assert isinstance(result.exception, ScoutError)
    assert str(result.exception).startswith("the question is empty: ask one, e.g. scout ask")
    assert result.stdout == ""


def test_people_get_the_answer_a_table_and_sources(env: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "who should we partner with for vegan fitness?"])
    assert result.exit_code == 0, result.output
    for text in ("For vegan fitness", "Creators", "@greenrunner", "Sources", "mode: offline"):
        assert text in result.stdout


@pytest.mark.parametrize("columns", ["80", "140"])
def test_the_creators_table_prints_handles_whole_at_any_width(env: Path, columns: str) -> None:
    # At 80 columns it read "@plantpowered…" and "mi…" (micro): a handle nobody could copy.
    result = CliRunner().invoke(
        app, ["ask", "which creators have suspicious followers?"], env={"COLUMNS": columns}
    )
    assert result.exit_code == 0, result.output
    table = result.stdout[result.stdout.index("Creators") :]
    assert "…" not in table
    assert max(len(line) for line in table.splitlines()) <= int(columns)
    header = next(line for line in table.splitlines() if "handle" in line)
    assert ("flags" in header) == (columns == "140")
    assert ("flagged @" in table) == (columns == "80")
    assert "growth_spike" in table


def test_cold_process_prints_exactly_one_json_document(env: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "why micro-influencers?", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["citations"]


def test_unknown_followers_and_rate_are_not_shown_as_measured_zeros(
    env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "handle,platform,niches,followers,avg_likes,avg_comments,rate_usd\n"
        "@nofollowers,instagram,vegan;fitness,,800,40,100\n"
        "@norate,instagram,vegan;fitness,20000,1000,50,\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SCOUT_ROSTER", str(roster))
    question = "who should we partner with for vegan fitness?"

    answer = ask(question)["answer"]
    [line] = [line for line in answer.splitlines() if "**@nofollowers**" in line]
    assert "0 followers" not in line and "0.0%" not in line
    assert "followers unknown" in line

    result = CliRunner().invoke(app, ["ask", question])
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if "│ @no" in line}
    assert "0.0%" not in rows["@nofollowers"]
    assert "$100" in rows["@nofollowers"]  # its rate per post
    assert "$" not in rows["@norate"]  # no rate, so no rate and no cost per engagement


def test_a_source_title_that_looks_like_markup_prints_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.agent.models import AskResult, Citation
    from bot.cli.agent import show

    citation = Citation(source="notes[/b].md", title="Field [/i] notes", quote="q")
    show(AskResult(answer="Answer.", citations=[citation], note="see [/u]"))
    out = capsys.readouterr().out
    assert "- Field [/i] notes (notes[/b].md)" in out
    assert "see [/u]" in out
