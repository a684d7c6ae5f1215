"""The clock's tick: what it logs through a database outage and for a failed digest."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.deps import Deps
from bot.digests.clock import DatabaseOutage, digest_tick
from bot.digests.schedule import Schedule
from bot.store.digests import DigestStore
from bot.store.shortlists import ShortlistStore
from tests.support.fake_slack import FakeSlack


def _deps(folder: Path, slack: FakeSlack) -> Deps:
    return Deps(
        load_settings(
            database_url=f"sqlite:///{folder / 'scout.db'}",
            slack_bot_token="xoxb-test",
            slack_api_url=slack.api_url,
        )
    )


def _subscribe_due(deps: Deps, campaign: str) -> None:
    """A daily subscription whose slot has passed, with news: the next tick posts it."""
    ShortlistStore(deps.engine).add("T111", campaign, "@alba", "U1")
    schedule = Schedule(frequency="daily", at_time="00:00", timezone="UTC")
    DigestStore(deps.engine).subscribe("T111", "C7", campaign, schedule, "U1")
    ShortlistStore(deps.engine).add("T111", campaign, "@bruno", "U1")
    with deps.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE digest_subscriptions SET active_since = '2020-01-01 00:00:00+00:00'"
        )


def test_a_database_outage_is_one_warning_and_its_end_one_line(
    tmp_path: Path, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "db"
    deps = _deps(folder, slack)
    deps.engine  # noqa: B018 - create and migrate the database while it is there
    outage = DatabaseOutage()
    caplog.set_level(logging.INFO, logger="bot")

    # The database's folder goes away (an unmounted volume): no connection can be opened.
    folder.rename(tmp_path / "away")
    deps.engine.dispose()
    for _ in range(3):
        digest_tick(deps, outage=outage)
    (tmp_path / "away").rename(folder)
    for _ in range(2):
        digest_tick(deps, outage=outage)

    # It was a traceback on every tick, every minute, for as long as the outage lasted.
    assert [r.exc_info for r in caplog.records] == [None, None]
    down, back = (r.getMessage() for r in caplog.records)
    assert down.startswith("cannot use the database (DATABASE_URL or SCOUT_DATA_DIR): ")
    assert down.endswith("; digests wait until it is back, checking every tick")
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    assert back == "the database is back; digests run again"


def test_a_failed_digest_is_logged_with_its_reason_not_a_period_of_none(
    tmp_path: Path, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    deps = _deps(tmp_path, slack)
    _subscribe_due(deps, "launch")
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "not_in_channel"})
    caplog.set_level(logging.INFO, logger="bot.digests.clock")

    digest_tick(deps)

    [failed] = [r.getMessage() for r in caplog.records if r.name == "bot.digests.clock"]
    assert failed.startswith("digest for launch in C7 (")
    assert "failed: Slack 200 not_in_channel: invite the app" in failed
    assert "None" not in failed

    caplog.clear()
    slack_posts = len(slack.calls_to("chat.postMessage"))
    DigestStore(deps.engine).unsubscribe("T111", "C7", "launch")
    _subscribe_due(deps, "spring")
    digest_tick(deps)
    [posted] = [r.getMessage() for r in caplog.records if r.name == "bot.digests.clock"]
    assert posted.startswith("digest posted for spring in C7 (") and posted.endswith(
        ": 1 change(s)"
    )
    assert len(slack.calls_to("chat.postMessage")) == slack_posts + 1
