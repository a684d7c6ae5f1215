"""`scout shortlist add|remove|list`: real SQLite in the test's data dir, the sample roster."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import load_settings
from bot.deps import Deps

runner = CliRunner()


@pytest.fixture
def handles() -> list[str]:
    return Deps(load_settings()).scout.handles()[:2]


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_list_remove_round_trip(handles: list[str]) -> None:
    first, second = handles
    added = _json("shortlist", "add", "Spring Launch", first, second.lstrip("@").upper())
    assert added == {"campaign": "spring launch", "added": [first, second], "already": []}
    assert _json("shortlist", "add", "spring launch", first)["already"] == [first]

    listed = _json("shortlist", "list", "SPRING launch")
    assert listed["campaign"] == "spring launch"
    assert [c["handle"] for c in listed["creators"]] == [first, second]
    card = listed["creators"][0]
    for key in ("tier", "engagement_rate", "score", "breakdown", "flags", "added_by"):
        assert key in card
    assert card["added_by"] == "cli"

    removed = _json("shortlist", "remove", "spring launch", second, "@not_there")
    assert removed == {
        "campaign": "spring launch",
        "removed": [second],
        "not_on_list": ["@not_there"],
    }
    assert [c["handle"] for c in _json("shortlist", "list", "spring launch")["creators"]] == [first]


def test_team_option_scopes_the_shortlist(handles: list[str]) -> None:
    _json("shortlist", "add", "launch", handles[0], "--team", "T1")
    assert _json("shortlist", "list", "launch", "--team", "T2")["creators"] == []
    assert _json("shortlist", "list", "launch")["creators"] == []  # default team "local"
    assert len(_json("shortlist", "list", "launch", "--team", "T1")["creators"]) == 1


def test_human_output_is_a_table(handles: list[str]) -> None:
    runner.invoke(app, ["shortlist", "add", "launch", handles[0]])
    result = runner.invoke(app, ["shortlist", "list", "launch"])
    assert result.exit_code == 0
    assert handles[0] in result.stdout and "score" in result.stdout


def test_an_unknown_handle_adds_nothing_and_names_the_handle(handles: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shortlist", "add", "launch", handles[0], "@nobody_here"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("scout: ") and "@nobody_here" in last_line
    assert _json("shortlist", "list", "launch")["creators"] == []


@pytest.mark.parametrize("action", ["add", "remove", "list"])
def test_a_blank_campaign_name_is_refused(handles: list[str], action: str) -> None:
    args = ["shortlist", action, "   ", *([handles[0]] if action != "list" else [])]
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert "Campaign names are 1 to 80 characters" in str(result.exception)
    assert Deps(load_settings()).shortlists.campaigns("local") == []


def test_the_table_shows_no_rate_for_a_creator_without_followers(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "handle,platform,followers,avg_likes\n@nofollowers,instagram,,800\n", encoding="utf-8"
    )
    env = {"SCOUT_ROSTER": str(roster)}
    runner.invoke(app, ["shortlist", "add", "launch", "@nofollowers"], env=env)
    result = runner.invoke(app, ["shortlist", "list", "launch"], env=env)
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if "@nofollowers" in line]
    assert "0.0%" not in row
    assert row.split("│")[3].strip() == "-"


def test_a_handle_given_twice_is_added_and_removed_once(handles: list[str]) -> None:
    first = handles[0]
    twice = [first, first.lstrip("@").upper()]
    added = _json("shortlist", "add", "launch", *twice)
    assert (added["added"], added["already"]) == ([first], [])
    removed = _json("shortlist", "remove", "launch", *twice)
    assert (removed["removed"], removed["not_on_list"]) == ([first], [])


def test_added_at_is_utc_with_its_offset(handles: list[str]) -> None:
    _json("shortlist", "add", "launch", handles[0])
    [creator] = _json("shortlist", "list", "launch")["creators"]
    assert creator["added_at"].endswith("Z")


@pytest.mark.parametrize("action", ["add", "remove"])
def test_an_empty_handle_is_refused_by_name(handles: list[str], action: str) -> None:
    result = runner.invoke(app, ["shortlist", action, "launch", handles[0], ""])
    assert result.exit_code != 0
    assert str(result.exception) == "a handle is empty: give one like @greenrunner"
    assert _json("shortlist", "list", "launch")["creators"] == []


def test_a_campaign_or_handle_that_looks_like_markup_prints_as_typed(handles: list[str]) -> None:
    added = runner.invoke(app, ["shortlist", "add", "[/b] launch", handles[0]])
    assert added.exit_code == 0, added.output
    assert f"added [/b] launch: {handles[0]}" in added.stdout
    listed = runner.invoke(app, ["shortlist", "list", "[/b] launch"])
    assert listed.exit_code == 0, listed.output
    assert "Shortlist: [/b] launch" in listed.stdout
    removed = runner.invoke(app, ["shortlist", "remove", "[/b] launch", "[/i]"])
    assert removed.exit_code == 0, removed.output
    assert "not on list [/b] launch: @[/i]" in removed.stdout


def test_remove_reads_a_handle_as_add_does(handles: list[str]) -> None:
    # add found "@@x" on the roster as @x, but remove looked for "@@x" and left @x listed.
    first, _ = handles
    typed = "@" + first.upper()
    assert _json("shortlist", "add", "spring", typed)["added"] == [first]
    removed = _json("shortlist", "remove", "spring", typed)
    assert removed == {"campaign": "spring", "removed": [first], "not_on_list": []}
    assert _json("shortlist", "list", "spring")["creators"] == []


def test_list_with_an_unreadable_roster_says_so_instead_of_not_in_roster(
    handles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every creator was listed as "not in roster" (JSON in_roster: false), exit 0.
    first, _ = handles
    _json("shortlist", "add", "spring", first)
    Path("broken.csv").write_text("handle,platform,followers\n@a,instagram,-5\n", encoding="utf-8")
    monkeypatch.setenv("SCOUT_ROSTER", "broken.csv")
    result = runner.invoke(app, ["shortlist", "list", "spring", "--json"])
    assert result.exit_code != 0
    assert "broken.csv:2: followers: must not be negative" in str(result.exception)
    assert result.stdout == ""


def test_list_json_says_for_every_creator_whether_it_is_in_the_roster(
    handles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = handles
    _json("shortlist", "add", "spring", first, second)
    kept = Path("kept.csv")
    kept.write_text(f"handle,platform,followers\n{first},instagram,20000\n", encoding="utf-8")
    monkeypatch.setenv("SCOUT_ROSTER", str(kept))
    creators = _json("shortlist", "list", "spring")["creators"]
    # Was only on the dropped one: a script reading creator["in_roster"] failed on the others.
    assert [(c["handle"], c["in_roster"], "score" in c) for c in creators] == [
        (first, True, True),
        (second, False, False),
    ]


def test_names_that_fold_alike_are_one_shortlist_and_length_counts_as_typed(
    handles: list[str],
) -> None:
    first, second = handles
    assert _json("shortlist", "add", "Straße", first)["campaign"] == "strasse"
    assert _json("shortlist", "add", "STRASSE", first)["already"] == [first]
    # 80 characters typed; lower() made it 160 and the name was refused as too long.
    assert _json("shortlist", "add", "İ" * 80, second)["added"] == [second]
    assert [c["handle"] for c in _json("shortlist", "list", "i̇" * 80)["creators"]] == [second]


def test_listing_a_misspelt_campaign_names_the_closest_one(handles: list[str]) -> None:
    # It printed "Shortlist 'sprng-launch' is empty." as if the shortlist had been cleared.
    _json("shortlist", "add", "spring-launch", handles[0])
    result = runner.invoke(app, ["shortlist", "list", "sprng-launch"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "No shortlist named 'sprng-launch' yet. Did you mean 'spring-launch'?"
    )
    assert _json("shortlist", "list", "sprng-launch") == {
        "campaign": "sprng-launch",
        "creators": [],
    }


def test_a_shortlist_emptied_since_is_still_called_empty(handles: list[str]) -> None:
    _json("shortlist", "add", "launch", handles[0])
    _json("shortlist", "remove", "launch", handles[0])
    result = runner.invoke(app, ["shortlist", "list", "launch"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Shortlist 'launch' is empty."
