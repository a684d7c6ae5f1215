"""Digests end to end: signed `/scout` commands to the real served Bolt app, then the runner."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.deps import Deps
from bot.digests.runner import DigestOutcome, build_runner
from bot.store.digests import DigestStore
from tests.slack.conftest import ServedApp, app_settings, served_app
from tests.support.fake_slack import FakeSlack

CAMPAIGN = '"Spring Launch"'


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[ServedApp]:
    with FakeSlack() as slack:
        settings = app_settings(tmp_path / ".scout", slack.api_url, db_url)
        with served_app(settings, slack) as app:
            yield app


def command(served: ServedApp, text: str, key: str, **extra: str) -> dict[str, Any]:
    """Send a signed `/scout` command and return the reply it posts to its response_url."""
    response = served.send_command(text, key=key, **extra)
    assert response.status_code == 200
    return served.responses(key)[0]


def digests(slack: FakeSlack) -> list[str]:
    return [json.dumps(c.body["blocks"]) for c in slack.calls_to("chat.postMessage")]


def run_now(served: ServedApp) -> list[DigestOutcome]:
    """`scout digest run --now` as the clock or cron would do it, in its own process state."""
    deps = Deps(served.deps.settings)
    try:
        return build_runner(deps).run(manual=True)
    finally:
        deps.engine.dispose()


def roster_handles(served: ServedApp) -> list[str]:
    return served.deps.scout.handles()[:4]


def test_subscribe_run_quiet_add_concurrent_unsubscribe(served: ServedApp) -> None:
    slack = served.slack
    slack.user_timezones["U222"] = "Europe/Berlin"
    first, second, third, fourth = roster_handles(served)
    command(served, f"shortlist add {CAMPAIGN} {first}", "add1")

    reply = command(served, f"digest subscribe {CAMPAIGN} weekly at 9:30", "sub")
    assert "weekly digest (every Monday at 09:30, Europe/Berlin)" in reply["text"]
    assert "*spring launch*" in reply["text"]
    assert slack.calls_to("users.info")[-1].body["user"] == "U222"
    listed = command(served, "digest list", "list")
    assert "spring launch" in listed["text"] and "weekly" in listed["text"]

    command(served, f"shortlist add {CAMPAIGN} {second} {third}", "add2")
    [outcome] = run_now(served)
    assert (outcome.status, outcome.changes, outcome.channel_id) == ("posted", 2, "C111")
    [digest] = digests(slack)
    assert second in digest and third in digest and "<@U222>" in digest

    assert run_now(served) == []
    assert len(digests(slack)) == 1

    command(served, f"shortlist add {CAMPAIGN} {fourth}", "add3")
    results: list[list[DigestOutcome]] = []
    barrier = threading.Barrier(3)

    def racer() -> None:
        barrier.wait()
        results.append(run_now(served))

    threads = [threading.Thread(target=racer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(len(r) for r in results) == [0, 0, 1]
    assert len(digests(slack)) == 2 and fourth in digests(slack)[1]

    reply = command(served, "digest unsubscribe spring launch", "unsub")
    assert "no longer get digests" in reply["text"]
    command(served, f"shortlist remove {CAMPAIGN} {first}", "remove")
    assert run_now(served) == []
    assert len(digests(slack)) == 2


def test_slack_500_on_first_post_then_one_digest(served: ServedApp) -> None:
    first, second, *_ = roster_handles(served)
    command(served, f"shortlist add {CAMPAIGN} {first}", "add1")
    command(served, f"digest subscribe {CAMPAIGN}", "sub")
    command(served, f"shortlist add {CAMPAIGN} {second}", "add2")
    served.slack.fail_next("chat.postMessage", 500)

    [outcome] = run_now(served)

    assert outcome.status == "posted"
    assert len(served.slack.calls_to("chat.postMessage")) == 2
    assert sum(second in d for d in digests(served.slack)) == 2  # one failed, one real
    [sub] = DigestStore(served.deps.engine).subscriptions("T111")
    posts = DigestStore(served.deps.engine).posts(sub.id)
    assert [(p.status, p.attempts) for p in posts] == [("posted", 2)]
    assert run_now(served) == []


def test_another_workspaces_campaign_cannot_be_subscribed(served: ServedApp) -> None:
    first, *_ = roster_handles(served)
    command(served, f"shortlist add {CAMPAIGN} {first}", "add1")

    stolen = command(served, f"digest subscribe {CAMPAIGN}", "steal", team_id="T999")
    missing = command(served, 'digest subscribe "no such thing"', "missing", team_id="T999")

    assert "no shortlist" in stolen["text"]
    # The same refusal either way (then the usage), so nothing leaks across workspaces.
    refusal, refused_missing = stolen["text"].splitlines()[0], missing["text"].splitlines()[0]
    assert refusal.replace("spring launch", "X") == refused_missing.replace("no such thing", "X")
    assert first not in stolen["text"]
    assert DigestStore(served.deps.engine).subscriptions("T999") == []
    assert "no digests" in command(served, "digest list", "list", team_id="T999")["text"]


def test_a_direct_message_cannot_subscribe(served: ServedApp) -> None:
    # It confirmed "This channel will now get a daily digest", then every run failed with
    # channel_not_found: the app cannot post into a DM between people.
    first, *_ = roster_handles(served)
    command(served, f"shortlist add launch {first}", "add")
    reply = command(served, "digest subscribe launch", "dm", channel_id="D999")
    assert "Digests go to a channel" in reply["text"]
    assert DigestStore(served.deps.engine).subscriptions("T111") == []


def test_time_zone_falls_back_to_utc_and_bad_input_gets_usage(served: ServedApp) -> None:
    first, *_ = roster_handles(served)
    command(served, f"shortlist add launch {first}", "add")
    reply = command(served, "digest subscribe launch", "sub", user_id="UNOTZ")
    assert "daily digest (every day at 09:00, UTC)" in reply["text"]
    served.slack.fail_next("users.info", 200, body={"ok": False, "error": "user_not_found"})
    reply = command(served, "digest subscribe launch daily at 7:05", "sub2", user_id="U9")
    assert "09:00" not in reply["text"] and "07:05, UTC" in reply["text"]
    assert "HH:MM" in command(served, "digest subscribe launch at 25:00", "bad")["text"]
    assert "/scout digest subscribe" in command(served, "digest frobnicate", "usage")["text"]
    assert "Which campaign" in command(served, "digest subscribe weekly", "nocamp")["text"]
    misspelt = command(served, "digest subscribe launch hourly", "hourly")["text"]
    assert 'no shortlist called "launch hourly"' in misspelt and "[daily|weekly]" in misspelt


def test_a_roster_file_replaced_in_place_reports_score_moves(db_url: str, tmp_path: Path) -> None:
    # Before, score moves were only logged by `scout roster import`: a team whose
    # SCOUT_ROSTER is overwritten by a nightly export never heard about them.
    import csv

    from bot.config import SAMPLE_ROSTER

    roster = tmp_path / "roster.csv"
    roster.write_bytes(SAMPLE_ROSTER.read_bytes())
    with FakeSlack() as slack:
        settings = app_settings(tmp_path / ".scout", slack.api_url, db_url).model_copy(
            update={"scout_roster": roster}
        )
        with served_app(settings, slack) as served:
            [handle] = roster_handles(served)[:1]
            before = served.deps.scout.card(handle).score
            command(served, f"shortlist add {CAMPAIGN} {handle}", "add")
            command(served, f"digest subscribe {CAMPAIGN} daily", "sub")
            assert run_now(served) == []  # the add came before the subscription

            with roster.open(newline="") as source:
                rows = list(csv.DictReader(source))
            row = next(r for r in rows if r["handle"] == handle)
            row["sponsored_ratio"] = "0.9"  # heavily sponsored and a tenth of the likes
            row["avg_likes"] = str(int(float(row["avg_likes"]) // 10))
            with roster.open("w", newline="") as target:
                writer = csv.DictWriter(target, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)

            [outcome] = run_now(served)
            assert (outcome.status, outcome.changes) == ("posted", 1)
            digest = digests(slack)[-1]
            assert "Score moves" in digest and handle in digest and "roster update" in digest
            assert f"{before:.0f} \\u2192" in digest
            assert run_now(served) == []  # reported once
