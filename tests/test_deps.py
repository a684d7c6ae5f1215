"""Deps: the roster in use is reloaded when its file changes, answerer included."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.deps import Deps

HEADER = "handle,name,platform,niches,followers,avg_likes,avg_comments,rate_usd,bio"


def _write_roster(path: Path, *rows: str) -> None:
    """Replace the file whole, as `scout roster import` does."""
    temp = path.with_suffix(".tmp")
    temp.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    os.replace(temp, path)


@pytest.fixture
def deps(tmp_path: Path) -> Deps:
    roster = tmp_path / "roster.csv"
    _write_roster(roster, "@first,First,instagram,vegan,20000,900,40,300,Vegan meals.")
    return Deps(load_settings(scout_data_dir=tmp_path / ".scout", scout_roster=roster))


def test_a_replaced_roster_is_used_from_the_next_call(deps: Deps) -> None:
    assert deps.scout.handles() == ["@first"]
    first_answerer = deps.answerer
    assert deps.scout is deps.scout and deps.answerer is first_answerer  # cached meanwhile

    assert deps.settings.scout_roster is not None
    _write_roster(
        deps.settings.scout_roster,
        "@second,Second,tiktok,fitness,30000,2000,80,500,Home workouts.",
    )
    assert deps.scout.handles() == ["@second"]
    assert deps.answerer is not first_answerer
    result = deps.answerer.ask("score @second")
    assert [c.handle for c in result.creators] == ["@second"]


def test_a_broken_replacement_keeps_the_last_roster(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    assert deps.scout.handles() == ["@first"]
    assert deps.settings.scout_roster is not None
    _write_roster(deps.settings.scout_roster, "@bad,Bad,instagram,vegan,lots,1,1,1,x")
    with caplog.at_level(logging.ERROR, logger="bot.deps"):
        assert deps.scout.handles() == ["@first"]
        assert deps.scout.handles() == ["@first"]
    [record] = caplog.records  # said once, not on every call
    assert "keeping the last one" in record.getMessage()
