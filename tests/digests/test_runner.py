"""The digest runner against the fake Slack Web API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.digests.runner import DigestRunner
from bot.digests.schedule import Schedule
from bot.store.db import open_database
from bot.store.digests import DigestStore
from bot.store.shortlists import ShortlistStore
from tests.digests.conftest import FakeClock, Roster, make_runner, wipe
from tests.support.fake_slack import FakeSlack

TEAM, CHANNEL = "T111", "C111"


def digests(slack: FakeSlack) -> list[str]:
    """Each digest posted so far, as one string of all its text."""
    return [json.dumps(call.body["blocks"]) for call in slack.calls_to("chat.postMessage")]


def subscribe(engine: Engine, clock: FakeClock, campaign: str = "spring launch", **kw: Any) -> int:
    schedule = Schedule.model_validate({"frequency": "daily", "at_time": "09:00", **kw})
    result = DigestStore(engine).subscribe(TEAM, CHANNEL, campaign, schedule, "U222", clock())
    return result.subscription.id


def test_digest_names_new_creators_then_stays_quiet(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "Spring Launch", "@alba", "U222")
    subscribe(engine, clock)
    shortlists.add(TEAM, "spring launch", "@bruno", "U333", score=74)
    shortlists.add(TEAM, "spring launch", "@chen", "U222")

    outcomes = runner.run(manual=True)

    assert [(o.status, o.changes) for o in outcomes] == [("posted", 2)]
    [digest] = digests(slack)
    assert "@bruno" in digest and "@chen" in digest and "<@U333>" in digest
    assert "@alba" in digest  # in the top list, not as a change: it predates the subscription
    assert "Added" in digest and "Removed" not in digest
    body = slack.calls_to("chat.postMessage")[0].body
    assert body["channel"] == CHANNEL
    assert body["text"] == "Shortlist digest for spring launch: 2 added"

    assert runner.run(manual=True) == []
    clock.advance(days=1)
    assert runner.run() == []
    assert len(digests(slack)) == 1

    shortlists.add(TEAM, "spring launch", "@dee", "U444")
    shortlists.remove(TEAM, "spring launch", "@bruno", "U444")
    [outcome] = runner.run(manual=True)
    assert outcome.changes == 2
    second = digests(slack)[1]
    assert "@dee" in second and "Removed" in second and "@chen" not in second.split("Top")[0]


def test_a_change_undone_before_the_digest_posts_nothing_and_is_not_replayed(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    shortlists.remove(TEAM, "launch", "@bruno", "U2")
    shortlists.remove(TEAM, "launch", "@alba", "U2")
    shortlists.add(TEAM, "launch", "@alba", "U1")

    assert [(o.status, o.changes) for o in runner.run(manual=True)] == [("quiet", 0)]
    assert digests(slack) == []
    assert runner.run(manual=True) == []

    shortlists.add(TEAM, "launch", "@chen", "U1")
    [outcome] = runner.run(manual=True)
    assert (outcome.status, outcome.changes) == ("posted", 1)
    [digest] = digests(slack)
    assert "@chen" in digest and "@bruno" not in digest
    assert "since subscribing" in digest  # the quiet run was no digest


def test_top_list_ranks_by_current_score(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@zed", "U1", score=99)
    subscribe(engine, clock, "launch")
    for handle in ("@dee", "@alba", "@chen"):
        shortlists.add(TEAM, "launch", handle, "U1")
    runner.run(manual=True)
    top = slack.calls_to("chat.postMessage")[0].body["blocks"][-1]["text"]["text"]
    assert top.index("@alba") < top.index("@chen") < top.index("@dee") < top.index("@zed")
    # @zed left the roster: said so, ranked last, not first on the 99 it had when added.
    assert "1. *@alba* — 81" in top and "4. *@zed* — no longer in the roster" in top


def test_concurrent_runners_post_each_change_once(
    db_url: str, slack: FakeSlack, client: WebClient, clock: FakeClock, roster: Roster
) -> None:
    engine = open_database(db_url)
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    clock.advance(days=1)  # 10:00 the next day: the daily 09:00 slot is due
    shortlists.add(TEAM, "launch", "@bruno", "U1")

    engines = [open_database(db_url) for _ in range(4)]
    # Scheduled and manual runners at the same moment, each with its own connection pool.
    runners = [make_runner(e, client, clock, roster) for e in engines]
    barrier = threading.Barrier(len(runners))
    results: list[Any] = [None] * len(runners)

    def go(index: int) -> None:
        barrier.wait()
        results[index] = runners[index].run(manual=index % 2 == 0)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runners))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sum(len(r) for r in results) == 1
    [digest] = digests(slack)
    assert "@bruno" in digest
    for extra in engines:
        extra.dispose()
    engine.dispose()


def test_downtime_posts_one_catch_up_digest(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")  # Monday 10:00
    for day, handle in enumerate(("@bruno", "@chen", "@dee")):
        clock.advance(days=1)  # no runner was up on any of these days
        shortlists.add(TEAM, "launch", handle, f"U{day}")
    clock.advance(minutes=5)

    [outcome] = runner.run()
    assert outcome.changes == 3
    [digest] = digests(slack)
    assert all(h in digest for h in ("@bruno", "@chen", "@dee"))
    assert runner.run() == []
    posts = DigestStore(engine).posts(sub_id)
    assert [(p.status, p.period_key) for p in posts] == [("posted", "2026-11-26")]


def test_not_due_before_the_slot_and_quiet_periods_stay_quiet(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch", timezone="Europe/Berlin")  # 11:00 in Berlin
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    assert runner.run() == []  # today's 09:00 slot passed before subscribing
    clock.advance(hours=22, minutes=30)  # 09:30 Berlin, next day
    assert [o.status for o in runner.run()] == ["posted"]

    clock.advance(days=1)  # nothing changed: the period is recorded as skipped
    assert runner.run() == []
    shortlists.add(TEAM, "launch", "@chen", "U1")
    clock.advance(hours=2)
    assert runner.run() == []  # the day's digest slot already went by
    clock.advance(days=1)
    assert [o.changes for o in runner.run()] == [1]
    statuses = [p.status for p in DigestStore(engine).posts(sub_id)]
    assert statuses == ["posted", "skipped", "posted"]
    assert len(digests(slack)) == 2


def test_slack_500_is_retried_and_posted_once(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 500)

    [outcome] = runner.run(manual=True)

    assert (outcome.status, outcome.attempt, outcome.changes) == ("posted", 2, 1)
    assert len(slack.calls_to("chat.postMessage")) == 2  # the failed one and the real one
    assert clock.slept == [1.0]
    [post] = DigestStore(engine).posts(sub_id)
    assert (post.status, post.attempts) == ("posted", 2)
    assert runner.run(manual=True) == []


def test_failed_post_keeps_its_changes_until_slack_recovers(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 503, times=3)

    assert [o.status for o in runner.run(manual=True)] == ["failed"]
    store = DigestStore(engine)
    [sub] = store.subscriptions(TEAM)
    assert sub.last_change_id == sub.last_change_id and sub.last_posted_at is None
    assert store.posts(sub_id)[0].last_error == "Slack 503 fatal_error"

    shortlists.add(TEAM, "launch", "@chen", "U1")
    assert runner.run(manual=True) == []  # still backing off
    clock.advance(seconds=30)
    first, second = runner.run(manual=True), runner.run(manual=True)
    assert [o.status for o in first] == ["posted"]  # the pending digest, as claimed
    assert [o.status for o in second] == ["posted"]  # then the change that came later
    texts = digests(slack)[-2:]
    assert "@bruno" in texts[0] and "@chen" not in texts[0].split("Top")[0]
    assert "@chen" in texts[1].split("Top")[0]
    assert len(slack.calls_to("chat.postMessage")) == 5


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
def test_a_refused_bot_token_names_slack_bot_token(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner, error: str
) -> None:
    ShortlistStore(engine).add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    ShortlistStore(engine).add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": error})

    [failed] = runner.run(manual=True)

    assert failed.status == "failed"
    assert f"Slack 200 {error}: " in (failed.error or "")
    assert "SLACK_BOT_TOKEN" in (failed.error or "")


@pytest.mark.parametrize(
    ("error", "in_slack"),
    [("channel_not_found", True), ("not_in_channel", True), ("is_archived", False)],
)
def test_a_channel_that_is_gone_or_left_says_how_to_stop_its_digest(
    engine: Engine,
    slack: FakeSlack,
    clock: FakeClock,
    runner: DigestRunner,
    error: str,
    in_slack: bool,
) -> None:
    # These fail every run until someone unsubscribes; the error said "unsubscribe" at best.
    ShortlistStore(engine).add(TEAM, "women's launch", "@alba", "U1")
    subscribe(engine, clock, "women's launch")
    ShortlistStore(engine).add(TEAM, "women's launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": error})

    [failed] = runner.run(manual=True)

    assert failed.status == "failed"
    message = failed.error or ""
    command = "scout digest unsubscribe 'women'\"'\"'s launch' --channel C111 --team T111"
    assert f"stop this digest with `{command}`" in message
    in_channel = "(or /scout digest unsubscribe women's launch in that channel)"
    assert (in_channel in message) is in_slack  # an archived channel takes no commands


def test_a_refusal_waits_an_hour_unless_someone_reruns_by_hand(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "not_in_channel"})

    [failed] = runner.run(manual=True)
    assert failed.status == "failed" and "invite the app" in (failed.error or "")
    clock.advance(seconds=120)
    assert runner.run() == []  # the clock's own runs leave the channel alone for now
    # Someone invited the app and reruns by hand: the digest goes out, once.
    assert [o.status for o in runner.run(manual=True)] == ["posted"]
    assert runner.run(manual=True) == []
    refused, posted = digests(slack)  # the refused call, then the one that landed
    assert "@bruno" in refused and "@bruno" in posted


def test_rate_limit_waits_for_retry_after(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    ShortlistStore(engine).add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    ShortlistStore(engine).add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next(
        "chat.postMessage",
        429,
        headers={"Retry-After": "7"},
        body={"ok": False, "error": "ratelimited"},
    )
    assert [o.status for o in runner.run(manual=True)] == ["posted"]
    assert clock.slept == [7.0]

    ShortlistStore(engine).add(TEAM, "launch", "@chen", "U1")
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "120"})
    assert [o.status for o in runner.run(manual=True)] == ["failed"]  # too long to wait here
    clock.advance(seconds=120)
    assert [o.status for o in runner.run(manual=True)] == ["posted"]


class SimulatedCrash(BaseException):
    """The process dies: nothing in the runner may catch this."""


class CrashAfterPosting(WebClient):
    def chat_postMessage(self, **kwargs: Any) -> Any:
        super().chat_postMessage(**kwargs)
        raise SimulatedCrash


class SlackWithHistory(FakeSlack):
    """The fake, plus a channel history that remembers posted messages and their metadata."""

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = super()._answer(method, body)
        if method == "conversations.history":
            posted = [
                {"ts": f"{1700000000 + i + 1}.000100", "metadata": c.body.get("metadata")}
                for i, c in enumerate(self.calls_to("chat.postMessage"))
            ]
            return {"ok": True, "messages": posted[::-1], "has_more": False}
        return answer


def test_crash_after_posting_is_recovered_without_a_duplicate(
    engine: Engine, clock: FakeClock, roster: Roster
) -> None:
    with SlackWithHistory() as slack:
        shortlists = ShortlistStore(engine)
        shortlists.add(TEAM, "launch", "@alba", "U1")
        sub_id = subscribe(engine, clock, "launch")
        shortlists.add(TEAM, "launch", "@bruno", "U1")
        crashing = CrashAfterPosting(token="x", base_url=slack.api_url, retry_handlers=[])
        with pytest.raises(SimulatedCrash):
            make_runner(engine, crashing, clock, roster).run_subscription(sub_id, manual=True)

        healthy = WebClient(token="x", base_url=slack.api_url, retry_handlers=[])
        runner = make_runner(engine, healthy, clock, roster)
        assert runner.run(manual=True) == []  # the crashed runner's lease still holds
        clock.advance(minutes=6)
        [outcome] = runner.run(manual=True)

        assert outcome.status == "recovered"
        assert len(slack.calls_to("chat.postMessage")) == 1
        [post] = DigestStore(engine).posts(sub_id)
        assert (post.status, post.message_ts) == ("posted", "1700000001.000100")
        assert runner.run(manual=True) == []


def test_crash_without_history_access_posts_again_rather_than_lose_it(
    engine: Engine, slack: FakeSlack, clock: FakeClock, roster: Roster
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("conversations.history", 200, body={"ok": False, "error": "missing_scope"})
    crashing = CrashAfterPosting(token="x", base_url=slack.api_url, retry_handlers=[])
    with pytest.raises(SimulatedCrash):
        make_runner(engine, crashing, clock, roster).run_subscription(sub_id, manual=True)
    clock.advance(minutes=6)
    runner = make_runner(engine, WebClient(token="x", base_url=slack.api_url), clock, roster)
    assert [o.status for o in runner.run(manual=True)] == ["posted"]
    assert len(slack.calls_to("chat.postMessage")) == 2  # the documented at-least-once fallback


def test_unsubscribe_stops_digests(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    assert DigestStore(engine).unsubscribe(TEAM, CHANNEL, "Launch")
    assert not DigestStore(engine).unsubscribe(TEAM, CHANNEL, "launch")
    clock.advance(days=1)
    assert runner.run(manual=True) == [] and runner.run() == []
    assert slack.calls_to("chat.postMessage") == []


def test_chart_goes_in_the_digest_thread(
    engine: Engine, slack: FakeSlack, clock: FakeClock, client: WebClient, roster: Roster
) -> None:
    from bot.digests.runner import slack_chart_poster

    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    runner = make_runner(engine, client, clock, roster, chart=slack_chart_poster(client))
    [outcome] = runner.run(manual=True)
    [upload] = slack.calls_to("upload")
    assert upload.body["size"] > 1000
    [done] = slack.calls_to("files.completeUploadExternal")
    assert done.body["thread_ts"] == outcome.message_ts
    assert done.body["channel_id"] == CHANNEL


def test_chart_failure_never_reposts_the_digest(
    engine: Engine, slack: FakeSlack, clock: FakeClock, client: WebClient, roster: Roster
) -> None:
    from bot.digests.runner import slack_chart_poster

    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    slack.fail_next("files.getUploadURLExternal", 500)
    runner = make_runner(engine, client, clock, roster, chart=slack_chart_poster(client))
    assert [o.status for o in runner.run(manual=True)] == ["posted"]
    assert runner.run(manual=True) == []
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_subscriptions_are_scoped_to_their_workspace(engine: Engine, clock: FakeClock) -> None:
    from bot.errors import ScoutError

    ShortlistStore(engine).add("T999", "secret launch", "@alba", "U9")
    store = DigestStore(engine)
    with pytest.raises(ScoutError) as refused:
        store.subscribe(TEAM, CHANNEL, "secret launch", Schedule(), "U1", clock())
    with pytest.raises(ScoutError) as unknown:
        store.subscribe(TEAM, CHANNEL, "never heard of it", Schedule(), "U1", clock())
    assert str(refused.value).replace("secret launch", "X") == str(unknown.value).replace(
        "never heard of it", "X"
    )
    assert store.subscriptions(TEAM) == []


def test_resubscribing_updates_and_does_not_replay_old_changes(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    first = subscribe(engine, clock, "launch")
    DigestStore(engine).unsubscribe(TEAM, CHANNEL, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")  # while unsubscribed
    again = subscribe(engine, clock, "launch", frequency="weekly", at_time="8:15")
    assert again == first
    [sub] = DigestStore(engine).subscriptions(TEAM)
    assert (sub.frequency, sub.at_time) == ("weekly", "08:15")
    assert runner.run(manual=True) == []
    shortlists.add(TEAM, "launch", "@chen", "U1")
    runner.run(manual=True)
    [digest] = digests(slack)
    assert "@chen" in digest and "@bruno" not in digest.split("Top")[0]


def test_a_changed_schedule_posts_on_its_own_next_slot_not_at_once(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    clock.now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # a Sunday
    subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    clock.now = datetime(2026, 11, 23, 9, 1, tzinfo=UTC)  # Monday's daily slot
    assert [o.period_key for o in runner.run()] == ["2026-11-23"]

    clock.now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # Friday: switch to weekly
    subscribe(engine, clock, "launch", frequency="weekly")
    shortlists.add(TEAM, "launch", "@chen", "U1")
    clock.advance(minutes=1)
    assert runner.run() == []  # was a "weekly" digest on Friday, keyed to Monday's week
    clock.now = datetime(2026, 11, 30, 9, 1, tzinfo=UTC)  # the next Monday
    assert [(o.period_key, o.changes) for o in runner.run()] == [("2026-W49", 1)]

    clock.now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # Sunday 10:00: daily at 17:00
    subscribe(engine, clock, "launch", at_time="17:00")
    shortlists.remove(TEAM, "launch", "@chen", "U1")
    clock.advance(minutes=1)
    assert runner.run() == []  # not at once for this morning's 09:00 slot
    clock.now = datetime(2026, 12, 6, 17, 1, tzinfo=UTC)
    assert [(o.period_key, o.changes) for o in runner.run()] == [("2026-12-06", 1)]
    assert len(digests(slack)) == 3


def test_pending_post_times_out_of_a_lease_only_once(
    engine: Engine, slack: FakeSlack, clock: FakeClock, runner: DigestRunner
) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    store = DigestStore(engine)
    lease = timedelta(minutes=5)
    held = store.claim(sub_id, clock(), manual=True, lease=lease)
    assert held is not None
    assert store.claim(sub_id, clock(), manual=True, lease=lease) is None
    clock.advance(minutes=6)
    taken = store.claim(sub_id, clock(), manual=True, lease=lease)
    assert taken is not None and taken.attempt == 2
    assert not store.confirm(held, "1.0", clock())  # the stale holder can no longer confirm
    assert store.confirm(taken, "2.0", clock())


@pytest.mark.postgres
def test_a_change_that_commits_late_is_never_skipped(pg_url: str, clock: FakeClock) -> None:
    """PostgreSQL assigns ids before commit: the claim must wait for in-flight inserts."""
    from sqlalchemy import insert

    from bot.config import load_settings
    from bot.store.schema import ShortlistChange

    url = load_settings(database_url=pg_url).sqlalchemy_url
    engine = open_database(url)
    wipe(engine)
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    store = DigestStore(engine)
    slow = engine.connect()
    slow_tx = slow.begin()
    slow.execute(
        insert(ShortlistChange).values(
            team_id=TEAM, campaign="launch", handle="@late", kind="added", actor="U7",
            created_at=clock(),
        )
    )  # fmt: skip
    shortlists.add(TEAM, "launch", "@bruno", "U1")  # a higher id, committed first
    claims: list[Any] = []
    claimer = threading.Thread(
        target=lambda: claims.append(
            store.claim(sub_id, clock(), manual=True, lease=timedelta(minutes=5))
        )
    )
    claimer.start()
    claimer.join(timeout=1.0)
    assert claimer.is_alive()  # waiting for the slow insert to commit
    slow_tx.commit()
    slow.close()
    claimer.join(timeout=30)
    [claim] = claims
    covered = [
        c.handle
        for c in shortlists.changes_since(TEAM, "launch", claim.from_change_id)
        if c.id <= claim.to_change_id
    ]
    assert sorted(covered) == ["@bruno", "@late"]
    wipe(engine)
    engine.dispose()


def test_a_manual_run_never_takes_a_live_claim_whatever_its_clock(
    engine: Engine, clock: FakeClock
) -> None:
    # Runners read the clock before they wait for the database: the one that claims
    # second may hold an earlier time than the claim it finds.
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    store, lease = DigestStore(engine), timedelta(minutes=5)
    early = clock.now
    assert store.claim(sub_id, early + timedelta(seconds=2), manual=True, lease=lease)
    assert store.claim(sub_id, early, manual=True, lease=lease) is None


def test_a_manual_run_takes_over_a_refusal_backoff_once(engine: Engine, clock: FakeClock) -> None:
    shortlists = ShortlistStore(engine)
    shortlists.add(TEAM, "launch", "@alba", "U1")
    sub_id = subscribe(engine, clock, "launch")
    shortlists.add(TEAM, "launch", "@bruno", "U1")
    store, lease = DigestStore(engine), timedelta(minutes=5)
    claim = store.claim(sub_id, clock.now, manual=True, lease=lease)
    assert claim is not None
    store.release(claim, "not_in_channel", retry_at=clock.now + timedelta(hours=1))

    taken = store.claim(sub_id, clock.now, manual=True, lease=lease)
    assert taken is not None and taken.attempt == 2
    assert store.claim(sub_id, clock.now, manual=True, lease=lease) is None
