"""A roster imported while the app runs is what the next command sees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.scoring.roster import import_roster
from tests.slack.conftest import ServedApp, app_settings, served_app
from tests.support.fake_slack import FakeSlack

HEADER = "handle,name,platform,niches,followers,avg_likes,avg_comments,rate_usd,bio"


@pytest.fixture
def served(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[ServedApp]:
    # Its own data dir (slash commands need no index), where the import lands.
    data_dir = tmp_path / ".scout"
    settings = app_settings(data_dir, fake_slack.api_url, f"sqlite:///{tmp_path / 'scout.db'}")
    with served_app(settings, fake_slack) as app:
        app.deps.scout  # noqa: B018
        yield app


def test_an_import_reaches_the_running_app(served: ServedApp, tmp_path: Path) -> None:
    assert served.send_command("score @newcomer", key="before").status_code == 200
    [before] = served.responses("before")
    assert "no creator @newcomer" in before["text"]

    roster = tmp_path / "new.csv"
    roster.write_text(
        f"{HEADER}\n@newcomer,New Comer,instagram,vegan,25000,1200,60,350,Vegan baking.\n",
        encoding="utf-8",
    )
    import_roster(roster, served.deps.settings)
    assert served.send_command("score @newcomer", key="after").status_code == 200
    [after] = served.responses("after")
    assert "Score card for @newcomer" in after["text"]
