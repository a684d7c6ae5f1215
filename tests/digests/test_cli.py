"""`scout digest ...` as separate processes: cron runs, racing runners, the clock process."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.errors import ScoutError
from bot.store.db import open_database
from bot.store.digests import DigestStore
from bot.store.shortlists import ShortlistStore
from tests.support.fake_slack import FakeSlack


def scout_env(db_url: str, slack: FakeSlack | None = None) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=db_url, SCOUT_TEAM_ID="T111")
    if slack is not None:
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.api_url)
    return env


def scout(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, timeout=120
    )


def cli(*args: str) -> Result:
    """Run a `scout` command in-process; the environment carries the settings."""
    return CliRunner().invoke(app, list(args))


def on_shortlist(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, campaign: str
) -> Engine:
    """The settings in the environment and @alba on `campaign`'s shortlist: the database."""
    engine = open_database(db_url)
    ShortlistStore(engine).add("T111", campaign, "@alba", "U1")
    for key, value in scout_env(db_url, slack).items():
        monkeypatch.setenv(key, value)
    return engine


def test_subscribe_list_run_unsubscribe(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = on_shortlist(db_url, slack, monkeypatch, "spring launch")

    sub = cli(
        "digest", "subscribe", "Spring Launch", "--channel", "C9", "--tz", "Asia/Kolkata",
        "--frequency", "weekly", "--at", "7:45", "--json",
    )  # fmt: skip
    assert sub.exit_code == 0, sub.output
    created = json.loads(sub.stdout)
    assert created["created"] and created["subscription"]["timezone"] == "Asia/Kolkata"
    listed = json.loads(cli("digest", "list", "--json").stdout)
    assert [(s["campaign"], s["at_time"]) for s in listed["subscriptions"]] == [
        ("spring launch", "07:45")
    ]

    ShortlistStore(engine).add("T111", "spring launch", "@bruno", "U2")
    run = cli("digest", "run", "--now", "--json")
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    assert (report["posted"], report["failed"]) == (1, 0)
    assert report["digests"][0]["channel_id"] == "C9"
    assert "@bruno" in json.dumps(slack.calls_to("chat.postMessage")[0].body["blocks"])
    assert json.loads(cli("digest", "run", "--json").stdout)["posted"] == 0

    assert cli("digest", "unsubscribe", "spring launch", "--channel", "C9").exit_code == 0
    again = cli("digest", "unsubscribe", "spring launch", "--channel", "C9")
    assert isinstance(again.exception, ScoutError)
    assert str(again.exception) == 'channel C9 has no digest for "spring launch"'
    engine.dispose()


def test_cli_refusals_name_what_was_wrong(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in scout_env(db_url, slack).items():
        monkeypatch.setenv(key, value)
    refused = cli("digest", "subscribe", "nobody's campaign", "--channel", "C1")
    assert str(refused.exception) == (
        'this workspace has no shortlist called "nobody\'s campaign"; '
        "add a creator to it first (/scout shortlist add)"
    )
    ShortlistStore(open_database(db_url)).add("T111", "x", "@a", "U1")
    bad_tz = cli("digest", "subscribe", "x", "--channel", "C1", "--tz", "Mars/Base")
    assert "Mars/Base" in str(bad_tz.exception)
    bad_at = cli("digest", "subscribe", "x", "--channel", "C1", "--at", "25:61")
    assert "25:61" in str(bad_at.exception)


def test_a_post_backing_off_is_reported_not_nothing_changed(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = on_shortlist(db_url, slack, monkeypatch, "launch")
    assert cli("digest", "subscribe", "launch", "--channel", "C9").exit_code == 0
    ShortlistStore(engine).add("T111", "launch", "@bruno", "U1")
    # Rate limited for two minutes: too long to wait in this run, short enough that a
    # manual run does not cut it short either. The post stays pending, backing off.
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "120"})
    assert cli("digest", "run", "--now").exit_code == 1

    again = cli("digest", "run", "--now")

    assert again.exit_code == 0, again.output
    assert "Nothing changed" not in again.stdout
    assert "1 from an earlier run still pending" in again.stdout
    engine.dispose()


def test_an_unreadable_roster_fails_the_run_and_a_rerun_posts_once_fixed(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engine = on_shortlist(db_url, slack, monkeypatch, "launch")
    assert cli("digest", "subscribe", "launch", "--channel", "C9").exit_code == 0
    ShortlistStore(engine).add("T111", "launch", "@bruno", "U1")
    broken = tmp_path / "broken.csv"
    broken.write_text("garbage\n", encoding="utf-8")
    monkeypatch.setenv("SCOUT_ROSTER", str(broken))

    failed = cli("digest", "run", "--now")
    # Was exit 0 with a traceback, and the claim held for five minutes ("still pending").
    assert failed.exit_code == 1 and isinstance(failed.exception, ScoutError)
    assert "broken.csv" in str(failed.exception) and "launch -> C9" in str(failed.exception)
    assert slack.calls_to("chat.postMessage") == []

    monkeypatch.delenv("SCOUT_ROSTER")
    fixed = cli("digest", "run", "--now")
    assert fixed.exit_code == 0, fixed.output
    assert "launch -> C9" in fixed.stdout and "): 1 change\n" in fixed.stdout  # not "1 changes"
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert "Nothing changed" in cli("digest", "run", "--now").stdout
    engine.dispose()


def test_missing_token_is_one_line_on_stderr(tmp_path: Path) -> None:
    no_token = scout("digest", "run", env=scout_env(f"sqlite:///{tmp_path / 'scout.db'}"))
    assert no_token.returncode == 1
    assert no_token.stderr.strip().splitlines() == [
        "scout: SLACK_BOT_TOKEN is not set; digests are posted with the bot token"
    ]


def test_a_refused_post_fails_the_run_and_says_what_to_do(db_url: str, slack: FakeSlack) -> None:
    engine = open_database(db_url)
    ShortlistStore(engine).add("T111", "launch", "@alba", "U1")
    DigestStore(engine).subscribe("T111", "C7", "launch", _schedule(), "U1")
    ShortlistStore(engine).add("T111", "launch", "@bruno", "U1")
    engine.dispose()
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "not_in_channel"})

    run = scout("digest", "run", "--now", "--json", env=scout_env(db_url, slack))
    assert run.returncode == 1
    assert json.loads(run.stdout)["failed"] == 1  # the report still comes, whole
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("scout: 1 of 1 digest(s) failed to post; first: launch -> C7:")
    assert "invite the app to the channel" in last


def test_a_deleted_channel_fails_the_run_with_the_command_that_stops_it(
    db_url: str, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = on_shortlist(db_url, slack, monkeypatch, "spring launch")
    assert cli("digest", "subscribe", "spring launch", "--channel", "C7").exit_code == 0
    ShortlistStore(engine).add("T111", "spring launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})

    # It said only "unsubscribe", run after run, without saying how.
    failed = cli("digest", "run", "--now")
    assert failed.exit_code == 1
    stop = "scout digest unsubscribe 'spring launch' --channel C7 --team T111"
    assert f"stop this digest with `{stop}`" in str(failed.exception)
    assert "(or /scout digest unsubscribe spring launch in that channel)" in str(failed.exception)

    # The command it names works as written, and the next run has nothing left to fail.
    assert cli(*shlex.split(stop)[1:]).exit_code == 0
    assert cli("digest", "run", "--now").exit_code == 0
    engine.dispose()


def test_a_database_that_refuses_writes_fails_the_run_and_loses_nothing(
    tmp_path: Path, slack: FakeSlack
) -> None:
    path = tmp_path / "scout.db"
    engine = open_database(f"sqlite:///{path}")
    ShortlistStore(engine).add("T111", "launch", "@alba", "U1")
    DigestStore(engine).subscribe("T111", "C7", "launch", _schedule(), "U1")
    ShortlistStore(engine).add("T111", "launch", "@bruno", "U1")
    engine.dispose()
    # The same file opened read-only, as on a read-only mount (chmod does not stop root).
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"

    run = scout("digest", "run", "--now", "--json", env=scout_env(read_only, slack))

    # Was exit 0 reporting {"posted": 0, "failed": 0}, after a traceback in the log.
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert (report["posted"], report["failed"]) == (0, 1)
    assert report["digests"][0]["campaign"] == "launch"
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("scout: 1 of 1 digest(s) failed to post; first: launch -> C7:")
    assert "(DATABASE_URL or SCOUT_DATA_DIR): attempt to write a readonly database" in last
    assert slack.calls_to("chat.postMessage") == []

    writable = scout("digest", "run", "--now", env=scout_env(f"sqlite:///{path}", slack))
    assert writable.returncode == 0, writable.stderr
    [posted] = slack.calls_to("chat.postMessage")
    assert "@bruno" in json.dumps(posted.body["blocks"])


@pytest.mark.slow
def test_racing_processes_post_each_change_once(db_url: str, slack: FakeSlack) -> None:
    engine = open_database(db_url)
    shortlists = ShortlistStore(engine)
    shortlists.add("T111", "launch", "@alba", "U1")
    DigestStore(engine).subscribe("T111", "C1", "launch", _schedule(), "U1")
    DigestStore(engine).subscribe("T111", "C2", "launch", _schedule(), "U1")
    shortlists.add("T111", "launch", "@bruno", "U1")
    env = scout_env(db_url, slack)

    racers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "digest", "run", "--now", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    reports = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        reports.append(json.loads(out))

    assert sum(r["posted"] for r in reports) == 2  # one digest per subscribed channel
    posts = slack.calls_to("chat.postMessage")
    assert sorted(p.body["channel"] for p in posts) == ["C1", "C2"]
    engine.dispose()


@pytest.mark.slow
def test_clock_process_posts_on_time_once(db_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    engine = open_database(db_url)
    ShortlistStore(engine).add("T111", "launch", "@alba", "U1")
    DigestStore(engine).subscribe("T111", "C1", "launch", _schedule(), "U1")
    ShortlistStore(engine).add("T111", "launch", "@bruno", "U1")
    # Scheduled runs only post once a slot passed since subscribing: backdate the subscription.
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE digest_subscriptions SET active_since = '2020-01-01 00:00:00+00:00'"
        )
    log = (tmp_path / "clock.log").open("w")
    clock = subprocess.Popen(
        [sys.executable, "-m", "bot", "digest", "clock", "--interval", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=scout_env(db_url, slack),
    )
    try:
        slack.wait_for("chat.postMessage", 1, timeout=60)
        time.sleep(3)  # a few more ticks: nothing new to post
        assert clock.poll() is None
        assert len(slack.calls_to("chat.postMessage")) == 1
    finally:
        clock.terminate()
        clock.wait(timeout=30)
        log.close()
        engine.dispose()


def _schedule():  # type: ignore[no-untyped-def]
    from bot.digests.schedule import Schedule

    return Schedule(frequency="daily", at_time="00:00", timezone="UTC")


def test_subscribe_and_list_print_the_same_utc_timestamp(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ShortlistStore(open_database(db_url)).add("T111", "launch", "@alba", "U1")
    for key, value in scout_env(db_url).items():
        monkeypatch.setenv(key, value)
    created = json.loads(cli("digest", "subscribe", "launch", "--channel", "C1", "--json").stdout)
    [listed] = json.loads(cli("digest", "list", "--json").stdout)["subscriptions"]
    since = created["subscription"]["active_since"]
    assert since.endswith("Z")  # UTC, with its offset, on SQLite as on PostgreSQL
    assert listed["active_since"] == since


@pytest.mark.parametrize("channel", ["", "  "])
def test_subscribe_refuses_a_blank_channel(channel: str) -> None:
    # It was stored ("Subscribed: x -> , daily at 09:00 UTC") and every run failed to post.
    assert cli("shortlist", "add", "x", "@greenrunner").exit_code == 0
    refused = cli("digest", "subscribe", "x", "--channel", channel)
    assert isinstance(refused.exception, ScoutError)
    assert str(refused.exception) == "--channel is empty: give a Slack channel id, e.g. C0123ABCD"
    assert json.loads(cli("digest", "list", "--json").stdout) == {"subscriptions": []}


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--channel", "#spring-launch-campaign-team-2026-q1"),
        ("--by", "Jane Doe, Head of Influencer Partnerships, Brand Co (EMEA region)"),
        ("--team", "T" * 33),
    ],
)
def test_subscribe_refuses_a_value_wider_than_its_column(
    db_url: str, monkeypatch: pytest.MonkeyPatch, option: str, value: str
) -> None:
    # PostgreSQL refused these with a DataError traceback; SQLite stored them.
    engine = open_database(db_url)
    ShortlistStore(engine).add("T111", "x", "@alba", "U1")
    for key, setting in scout_env(db_url).items():
        monkeypatch.setenv(key, setting)
    args = {"--channel": "C1", "--by": "cli", option: value}
    refused = cli("digest", "subscribe", "x", *(word for pair in args.items() for word in pair))
    assert refused.exit_code == 2
    assert f"Invalid value for '{option}'" in refused.output and "at most" in refused.output
    assert DigestStore(engine).subscriptions("T111") == []
    engine.dispose()


def test_shortlist_add_refuses_a_team_wider_than_its_column(db_url: str) -> None:
    refused = scout(
        "shortlist", "add", "x", "@greenrunner", "--team", "T" * 33, env=scout_env(db_url)
    )
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert (
        "shortlist add: Invalid value for '--team': 33 characters is too long (at most 32)" in line
    )
