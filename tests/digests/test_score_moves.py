"""Score moves after a roster re-import: logged once, beyond the threshold, for every workspace."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.digests.runner import DigestRunner
from bot.digests.schedule import Schedule
from bot.digests.score_moves import record_score_moves
from bot.store.digests import DigestStore
from bot.store.shortlists import ShortlistStore
from tests.digests.conftest import FakeClock, Roster
from tests.support.fake_slack import FakeSlack


def test_moves_beyond_the_threshold_are_logged_everywhere_once(
    engine: Engine, roster: Roster
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add("T1", "launch", "@alba", "U1", score=81)
    shortlists.add("T2", "other", "@alba", "U9", score=81)
    shortlists.add("T1", "launch", "@bruno", "U1", score=74)
    shortlists.add("T1", "launch", "@chen", "U1")  # never scored: takes a baseline
    shortlists.add("T1", "launch", "@gone", "U1", score=50)  # no longer on the roster
    roster.scores.update({"@alba": 70.0, "@bruno": 78.9, "@chen": 20.0})

    moves = record_score_moves(engine, roster.score, threshold=5)

    assert sorted((m.team_id, m.handle, m.old_score, m.new_score) for m in moves) == [
        ("T1", "@alba", 81, 70),
        ("T2", "@alba", 81, 70),
    ]
    assert all(m.kind == "score_move" and m.actor == "roster import" for m in moves)
    assert record_score_moves(engine, roster.score, threshold=5) == []  # nothing moved since
    scores = {i.handle: i.last_score for i in shortlists.entries("T1", "launch")}
    # @bruno's 4.9-point drift is not reported and not forgotten: it counts toward the next one.
    assert scores == {"@alba": 70, "@bruno": 74, "@chen": 20, "@gone": 50}
    roster.scores["@bruno"] = 79.5
    [drift] = record_score_moves(engine, roster.score, threshold=5)
    assert (drift.handle, drift.old_score, drift.new_score) == ("@bruno", 74, 79.5)


def test_the_digest_reports_score_moves(
    engine: Engine, slack: FakeSlack, clock: FakeClock, roster: Roster, runner: DigestRunner
) -> None:
    ShortlistStore(engine).add("T111", "launch", "@alba", "U1", score=81)
    DigestStore(engine).subscribe("T111", "C111", "launch", Schedule(), "U1", clock())
    roster.scores["@alba"] = 90.0
    record_score_moves(engine, roster.score, threshold=5)
    [outcome] = runner.run(manual=True)
    assert outcome.changes == 1
    blocks = json.dumps(slack.calls_to("chat.postMessage")[0].body["blocks"])
    assert "Score moves" in blocks and "81 \\u2192 90 (+9)" in blocks


@pytest.mark.slow
def test_scout_roster_import_logs_moves(tmp_path: Path, isolated_env: Path) -> None:
    from bot.config import SAMPLE_ROSTER, load_settings
    from bot.deps import Deps

    deps = Deps(load_settings())
    handle = deps.scout.handles()[0]
    before = deps.scout.card(handle).score
    ShortlistStore(deps.engine).add("T1", "launch", handle, "U1", score=before)
    with SAMPLE_ROSTER.open(newline="") as source:
        rows = list(csv.DictReader(source))
    row = next(r for r in rows if r["handle"] == handle)
    # Heavily sponsored and a tenth of the likes: a clearly worse creator.
    row["sponsored_ratio"] = "0.9"
    row["avg_likes"] = str(int(float(row["avg_likes"]) // 10))
    changed = tmp_path / "roster.csv"
    with changed.open("w", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    result = subprocess.run(
        [sys.executable, "-m", "bot", "roster", "import", str(changed)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "1 shortlisted score moves logged" in result.stdout
    [move] = ShortlistStore(deps.engine).changes_since("T1", "launch", 1)
    assert (move.kind, move.old_score) == ("score_move", before)
    assert move.new_score is not None and move.new_score < before - 5
    deps.engine.dispose()


def test_a_clock_rescores_the_roster_only_after_its_file_changed(
    engine: Engine, roster: Roster, tmp_path: Path
) -> None:
    # Checking before every digest run re-read and re-scored the whole roster each minute.
    from types import SimpleNamespace
    from typing import cast

    from bot.config import Settings
    from bot.deps import Deps
    from bot.digests.runner import RosterWatch, roster_score_moves

    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("handle\n@alba\n", encoding="utf-8")
    settings = Settings(_env_file=None, scout_data_dir=tmp_path, scout_roster=roster_file)
    deps = cast(Deps, SimpleNamespace(settings=settings, engine=engine))
    ShortlistStore(engine).add("T7", "watched", "@alba", "U1", score=81)
    looked_up: list[str] = []

    def cards(handle: str) -> Any:
        looked_up.append(handle)
        return roster.card(handle)

    check = roster_score_moves(deps, cards, RosterWatch())
    check()
    check()  # the file is as it was: nothing is scored again
    assert looked_up == ["@alba"]
    roster.scores["@alba"] = 60.0
    roster_file.write_text("handle,name\n@alba,Alba\n", encoding="utf-8")
    check()
    assert looked_up == ["@alba", "@alba"]
    changes = ShortlistStore(engine).changes_since("T7", "watched", 0)
    [move] = [c for c in changes if c.kind == "score_move"]
    assert (move.old_score, move.new_score, move.actor) == (81, 60, "roster update")
    # Without a watch (`scout digest run` from cron), every run checks.
    unwatched = roster_score_moves(deps, cards)
    unwatched()
    unwatched()
    assert len(looked_up) == 4
