"""`scout score|compare|rank|plan|roster import`: pinned JSON shapes, tables, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.support.contracts import SCORE_CARD_KEYS


def run_json(*args: str) -> Any:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120
    )


def on_roster(csv: str, *args: str) -> str:
    """Run a command on a small roster (SCOUT_ROSTER); its human output."""
    Path("roster.csv").write_text(csv, encoding="utf-8")
    result = CliRunner().invoke(app, list(args), env={"SCOUT_ROSTER": "roster.csv"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_score_json_is_the_pinned_card() -> None:
    card = run_json("score", "@LikeFarm.Vegan")
    assert set(card) >= SCORE_CARD_KEYS
    assert card["handle"] == "@likefarm.vegan"
    assert 0 < card["engagement_rate"] < 1  # a fraction, not a percentage
    assert card["cpm"] is None  # no views on file
    assert 0 <= card["score"] <= 100
    assert card["flags"] == [{"code": "engagement_anomaly", "reason": card["flags"][0]["reason"]}]
    for component in card["breakdown"]:
        assert set(component) >= {"name", "value", "weight", "reason"}


def test_compare_and_rank_json_are_best_first() -> None:
    compared = run_json("compare", "@glowdeals.daily", "@greenrunner", "tofu.tempo")["creators"]
    assert len(compared) == 3
    assert [c["score"] for c in compared] == sorted((c["score"] for c in compared), reverse=True)

    ranked = run_json("rank", "--niche", "vegan fitness", "-n", "3")["creators"]
    assert len(ranked) == 3
    assert all(set(c) >= SCORE_CARD_KEYS and not c["flags"] for c in ranked)
    flagged = run_json("rank", "--niche", "vegan fitness", "-n", "10", "--include-flagged")
    assert any(c["flags"] for c in flagged["creators"])


def test_plan_json_has_the_pinned_keys_and_stays_within_budget() -> None:
    result = run_json("plan", "--niche", "vegan fitness", "--budget", "2500")
    assert set(result) >= {"creators", "total_cost", "expected_engagements", "budget"}
    assert result["budget"] == 2500
    assert result["total_cost"] <= 2500
    assert result["remaining"] == round(2500 - result["total_cost"], 2)


def test_plan_says_whom_it_left_out_for_having_no_rate() -> None:
    roster = (
        "handle,platform,niches,followers,avg_likes,rate_usd\n"
        "@priced,instagram,fitness,20000,900,400\n"
        "@unpriced,instagram,fitness,20000,900,\n"
    )
    plan_args = ("plan", "--niche", "fitness", "--budget", "1e6")
    stdout = on_roster(roster, *plan_args)
    assert "Left out 1 unflagged creator that fits: @unpriced (no rate on file)." in " ".join(
        stdout.split()
    )
    assert "1 creator, 900 engagements per post for $400" in " ".join(stdout.split())
    assert "chosen from 1 unflagged creator with a rate" in " ".join(stdout.split())
    plan = json.loads(on_roster(roster, *plan_args, "--json"))
    assert [c["handle"] for c in plan["creators"]] == ["@priced"]
    assert plan["skipped"] == [{"handle": "@unpriced", "reason": "no rate on file"}]


@pytest.mark.parametrize("budget", ["inf", "nan", "-5", "abc", "1e400"])
def test_a_budget_that_is_not_an_amount_of_0_or_more_is_one_line_naming_it(budget: str) -> None:
    result = scout("plan", "--niche", "vegan fitness", "--budget", budget)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert f"'--budget': must be an amount in USD of 0 or more, got {budget!r}" in line


@pytest.mark.parametrize("budget", ["$2,500", "2,500", "2 500", "2.5k", "2500 USD", "2500.00"])
def test_a_budget_is_read_as_people_write_it(budget: str) -> None:
    assert run_json("plan", "--niche", "vegan fitness", "--budget", budget) == run_json(
        "plan", "--niche", "vegan fitness", "--budget", "2500"
    )


@pytest.mark.parametrize("zero", ["0", "-0", "-0.0"])
def test_a_budget_of_0_is_an_empty_plan(zero: str) -> None:
    result = CliRunner().invoke(
        app, ["plan", "--niche", "vegan fitness", "--budget", zero, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "-0" not in result.stdout
    plan = json.loads(result.stdout)
    assert (plan["creators"], plan["total_cost"], plan["budget"], plan["remaining"]) == (
        [],
        0,
        0,
        0,
    )


def test_a_card_with_zero_followers_shows_no_rate_by_followers() -> None:
    stdout = on_roster(
        "handle,platform,followers,avg_likes,rate_usd\n@unknown,instagram,,900,400\n",
        *("score", "@unknown"),
    )
    assert "ER - by followers" in stdout
    assert "followers unknown (0 on file)" in " ".join(stdout.split())
    assert "0.00%" not in stdout


def test_a_card_without_a_rate_shows_none() -> None:
    stdout = on_roster(
        "handle,platform,followers,avg_likes,rate_usd\n@unpriced,instagram,5000,300,\n",
        *("score", "@unpriced"),
    )
    assert "rate - · - per engagement · CPM -" in " ".join(stdout.split())
    assert "$0.00" not in stdout


def test_a_plan_shows_a_fraction_of_a_cent_as_it_is() -> None:
    stdout = on_roster(
        "handle,platform,niches,followers,avg_likes,rate_usd\n"
        "@tiny,instagram,fitness,20000,900,0.004\n",
        *("plan", "--niche", "fitness", "--budget", "1"),
    )
    assert "$0.004" in stdout
    assert "$0.00 " not in stdout


def test_a_plan_shows_cents_it_would_otherwise_round_away() -> None:
    # A $99.99 budget read "within $100" and "none ... affordable within $100" beside a
    # $100 creator; $109.50 read "$110".
    roster = (
        "handle,platform,niches,followers,avg_likes,rate_usd\n"
        "@hundred,instagram,fitness,20000,900,100\n"
        "@cheap,instagram,fitness,20000,100,65.01\n"
    )
    stdout = " ".join(on_roster(roster, "plan", "--niche", "fitness", "--budget", "99.99").split())
    assert "within $99.99" in stdout and "$100 " not in stdout
    assert "for $65.01; $34.98 left over" in stdout
    stdout = " ".join(on_roster(roster, "plan", "--niche", "fitness", "--budget", "60").split())
    assert "affordable within $60." in stdout
    stdout = " ".join(on_roster(roster, "plan", "--niche", "fitness", "--budget", "1e3").split())
    assert "for $165.01; $834.99 left over" in stdout and "$100 " in stdout


def test_roster_text_and_briefs_print_as_text_not_rich_markup() -> None:
    # "[/bold]" in a name once crashed `scout score` with rich's MarkupError, and
    # "[b]" vanished into bold.
    roster = (
        "handle,name,platform,niches,followers,avg_likes,rate_usd\n"
        '@dj.mix,"DJ [/bold] Mix",instagram,music;[/red],5000,300,100\n'
        '@ok.one,"Ok [b]bold[/b]",instagram,music,5000,200,100\n'
    )
    card = " ".join(on_roster(roster, "score", "@dj.mix", "--niche", "music").split())
    assert "@dj.mix DJ [/bold] Mix" in card
    assert "Ok [b]bold[/b]" in on_roster(roster, "score", "@ok.one")
    on_roster(roster, "compare", "@dj.mix", "@ok.one")
    assert '"[/i] music"' in on_roster(roster, "rank", "--niche", "[/i] music")
    assert '"[/i] music"' in on_roster(roster, "plan", "--niche", "[/i] music", "--budget", "150")


def test_people_get_tables() -> None:
    result = CliRunner().invoke(app, ["rank", "--niche", "vegan fitness", "-n", "3"])
    assert result.exit_code == 0
    assert "@greenrunner" in result.stdout
    result = CliRunner().invoke(app, ["plan", "--niche", "vegan fitness", "--budget", "900"])
    assert "left over" in result.stdout
    result = CliRunner().invoke(app, ["compare", "@glowdeals.daily", "@greenrunner"])
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if "@greenrunner" in line)
    assert header.index("@greenrunner") < header.index("@glowdeals.daily")  # best first
    assert "over_sponsored" in result.stdout


@pytest.mark.parametrize("columns", ["80", "160"])
def test_rank_keeps_each_reason_readable_at_any_width(columns: str) -> None:
    # At 80 columns a "why" column got 12 characters: one word per line. Narrow
    # terminals now get the reasons under the table, one line per creator.
    result = CliRunner().invoke(
        app, ["rank", "--niche", "vegan fitness", "-n", "3"], env={"COLUMNS": columns}
    )
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "tags match vegan, fitness" in text
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
    header = next(line for line in result.stdout.splitlines() if "handle" in line)
    assert ("why" in header) == (columns == "160")
    if columns == "80":
        assert "1. @greenrunner: ER " in result.stdout


def test_an_80_column_terminal_cuts_no_handle_or_number_with_an_ellipsis() -> None:
    # The plan printed "@ava.mindfulmornin…", a handle nobody could score or shortlist, and
    # compare's columns read "@plantpowere…" and "@lentils.and…".
    width = {"COLUMNS": "80"}
    result = CliRunner().invoke(app, ["plan", "--niche", "fitness", "--budget", "5k"], env=width)
    assert result.exit_code == 0, result.output
    assert "│ @ava.mindfulmornings │" in result.stdout
    assert "…" not in result.stdout
    handles = ["@plantpowered.lifts", "@greenrunner", "@tofu.tempo", "@lentils.and.lunges"]
    result = CliRunner().invoke(app, ["compare", *handles], env=width)
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    for number in ("38,400", "22,300", "61,000", "14,200", "$20.93", "$26.53"):
        assert number in result.stdout


def test_unknown_handle_exits_non_zero_with_one_line_naming_it() -> None:
    result = scout("score", "@nobody")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["scout: no creator @nobody on the roster"]
    assert result.stdout == ""


def test_compare_names_every_unknown_handle_in_one_line() -> None:
    result = scout("compare", "@nobody1", "@greenrunner", "@Nobody2", "nobody1")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "scout: no creators @nobody1, @nobody2 on the roster"
    ]


@pytest.mark.parametrize("handles", [["@greenrunner"], ["@greenrunner", "GreenRunner"]])
def test_compare_needs_two_different_handles(handles: list[str]) -> None:
    result = scout("compare", *handles)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "two or more different handles" in line
    assert result.stdout == ""


def test_roster_import_lists_every_bad_row_and_keeps_the_old_roster(tmp_path: Path) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "handle,platform,followers\n@a,instagram,12.5\n@b,instagram,10\n@A,tiktok,5\n",
        encoding="utf-8",
    )
    result = scout("roster", "import", str(bad))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f'scout: {bad}:2: followers: must be a whole number, got "12.5"',
        f"{bad}:4: handle: @a duplicates line 2",
        f"{bad}: 2 problems; nothing was imported",
    ]
    assert not (tmp_path / ".scout" / "roster.json").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ("Username,Followers\n@a,10\n", "missing column(s): platform (found: Username, Followers)"),
        ('handle,platform,followers,bio\n@a,instagram,10,"open\n', "not valid CSV"),
    ],
)
def test_a_file_level_import_error_is_one_line(tmp_path: Path, content: str, problem: str) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text(content, encoding="utf-8")
    result = scout("roster", "import", str(bad))
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"scout: {bad}")
    assert problem in line
    assert line.endswith("; nothing was imported")
    assert result.stdout == ""


def test_a_bad_scout_roster_file_is_named_as_that_setting(tmp_path: Path) -> None:
    missing = tmp_path / "gone.csv"
    result = CliRunner().invoke(app, ["score", "@a"], env={"SCOUT_ROSTER": str(missing)})
    assert str(result.exception) == (
        f"{missing}: cannot read the roster: No such file or directory; "
        "SCOUT_ROSTER names this file: fix it or unset SCOUT_ROSTER"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("handle,platform,followers\n@a,instagram,-1\n@b,myspace,10\n")
    result = CliRunner().invoke(app, ["rank", "--niche", "x"], env={"SCOUT_ROSTER": str(bad)})
    assert str(result.exception).splitlines() == [
        f'{bad}:2: followers: must not be negative, got "-1"',
        f'{bad}:3: platform: must be one of instagram, threads, tiktok, youtube, got "myspace"',
        f"{bad}: 2 problems; SCOUT_ROSTER names this file: fix it or unset SCOUT_ROSTER",
    ]


def test_an_import_whose_digest_log_fails_says_the_roster_was_still_imported(
    isolated_env: Path,
) -> None:
    Path("mine.csv").write_text("handle,platform,followers\n@a,instagram,10\n", encoding="utf-8")
    database = "postgresql://scout@127.0.0.1:1/nowhere"  # nothing listens on port 1
    result = CliRunner().invoke(
        app, ["roster", "import", "mine.csv"], env={"DATABASE_URL": database}
    )
    message = str(result.exception)
    assert message.startswith(f"imported 1 creator into {isolated_env / 'roster.json'}, but ")
    assert "cannot open the database (DATABASE_URL)" in message
    assert message.endswith("the next import will")
    assert run_json("score", "@a")["followers"] == 10  # in use all the same


def test_an_imported_roster_is_the_one_scored_next() -> None:
    Path("mine.csv").write_text(
        "Username,Network,Followers,Avg. Likes,Price\n@NewFace,TikTok,5000,300,$90\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["roster", "import", "mine.csv"])
    assert result.exit_code == 0, result.output
    assert "Imported 1 creator from" in result.stdout
    assert run_json("score", "newface")["rate_usd"] == 90


def test_roster_import_counts_a_large_roster_with_thousands_separators() -> None:
    rows = "".join(f"@c{i},{'instagram' if i % 4 else 'tiktok'},{1000 + i}\n" for i in range(4800))
    Path("mine.csv").write_text(f"handle,platform,followers\n{rows}", encoding="utf-8")
    result = CliRunner().invoke(app, ["roster", "import", "mine.csv"])
    assert result.exit_code == 0, result.output
    assert "Imported 4,800 creators from mine.csv" in result.stdout
    assert "\n  3,600 instagram, 1,200 tiktok\n" in result.stdout


def test_roster_import_names_a_blank_ignored_column() -> None:
    Path("mine.csv").write_text("handle,platform,followers,\n@a,instagram,10,x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["roster", "import", "mine.csv"])
    assert result.exit_code == 0, result.output
    assert "  ignored columns: unnamed column 4\n" in result.stdout


def test_a_plan_for_a_niche_nobody_fits_says_so_instead_of_none_affordable() -> None:
    result = CliRunner().invoke(
        app, ["plan", "--niche", "underwater basket weaving", "--budget", "1000"]
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.stdout.split())
    assert "none of the 0" not in output
    assert 'no unflagged creator with a rate on the roster fits "underwater basket weaving"' in (
        output
    )


def test_a_rank_whose_fitting_creators_are_all_flagged_says_so() -> None:
    # It said 'No creators on the roster fit "gaming"', as if there were none.
    roster = (
        "handle,platform,niches,followers,avg_likes,sponsored_ratio\n"
        "@ads.one,instagram,gaming,5000,100,0.8\n"
        "@ads.two,instagram,gaming,5000,100,0.9\n"
        "@clean,instagram,vegan,5000,100,0\n"
    )
    stdout = " ".join(on_roster(roster, "rank", "--niche", "gaming").split())
    assert stdout == (
        'No unflagged creators on the roster fit "gaming"; 2 that fit carry a flag '
        "(--include-flagged lists them)."
    )
    stdout = " ".join(on_roster(roster, "rank", "--niche", "knitting").split())
    assert stdout == 'No creators on the roster fit "knitting".'


def test_a_brief_nobody_fits_whole_lists_the_closest() -> None:
    # "vegan gaming" with no vegan gamer said only 'No creators on the roster fit'.
    roster = (
        "handle,platform,niches,followers,avg_likes,sponsored_ratio\n"
        "@gamer,instagram,gaming,5000,100,0\n"
        "@vegan,instagram,vegan,5000,100,0\n"
        "@knitter,instagram,knitting,5000,100,0\n"
    )
    stdout = on_roster(roster, "rank", "--niche", "vegan gaming")
    assert stdout.startswith('No creator on the roster fits all of "vegan gaming".')
    assert "Closest, fitting part of it" in stdout
    assert "@gamer" in stdout and "@vegan" in stdout and "@knitter" not in stdout
    ranked = json.loads(on_roster(roster, "rank", "--niche", "vegan gaming", "--json"))
    assert ranked["creators"] == []
    assert {c["handle"] for c in ranked["closest"]} == {"@gamer", "@vegan"}
    ranked = json.loads(on_roster(roster, "rank", "--niche", "gaming", "--json"))
    assert ([c["handle"] for c in ranked["creators"]], ranked["closest"]) == (["@gamer"], [])


def test_roster_import_json_is_one_document_with_the_report() -> None:
    Path("mine.csv").write_text(
        "Username,Network,Followers,Avg. Likes,Price,Notes\n@NewFace,TikTok,5000,300,$90,hi\n",
        encoding="utf-8",
    )
    report = run_json("roster", "import", "mine.csv")
    assert report["creators"] == 1
    assert report["platforms"] == {"tiktok": 1}
    assert report["mapped_headers"]["Username"] == "handle"
    assert report["ignored_columns"] == ["Notes"]
    assert report["stored_at"].endswith("roster.json")
    assert report["score_moves"] == 0


def test_json_stays_valid_json_when_a_metric_overflows() -> None:
    stdout = on_roster(
        "handle,platform,followers,avg_likes,avg_comments,avg_views,rate_usd\n"
        "@huge,instagram,5000,1e308,1e308,,\n"
        "@tiny,tiktok,5000,100,,1e-310,50\n",
        *("compare", "@huge", "@tiny", "--json"),
    )

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    cards = {c["handle"]: c for c in json.loads(stdout, parse_constant=refuse)["creators"]}
    assert cards["@huge"]["engagements_per_post"] is None  # overflowed to infinity
    assert cards["@tiny"]["cpm"] is None


@pytest.mark.parametrize(
    "args", [["score", ""], ["score", "@"], ["compare", "@greenrunner", " @ "]]
)
def test_an_empty_handle_is_called_empty_not_an_unknown_creator(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert str(result.exception) == "a handle is empty: give one like @greenrunner"


@pytest.mark.parametrize(
    "args",
    [
        ["score", "@greenrunner", "--niche", ""],
        ["compare", "@greenrunner", "@tofu.tempo", "--niche", ""],
        ["compare", "@greenrunner", "@tofu.tempo", "--niche", "  "],
    ],
)
def test_an_empty_niche_is_an_error_not_a_score_without_niche_fit(args: list[str]) -> None:
    # `--niche ""` was dropped silently (no niche_fit component) while `--niche " "` failed.
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code != 0
    assert str(result.exception) == "the niche is empty: describe it, e.g. --niche 'vegan fitness'"
    assert result.stdout == ""
