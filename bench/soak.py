"""Soak benchmark: minutes of mixed Slack traffic against two `scout serve` replicas on PostgreSQL.

Starts FakeSlack (the tests' fake Web API) in its own process, a fresh PostgreSQL
database and two `scout serve` processes sharing it, then for `--seconds` (default 300)
sends signed mentions (some delivered to both replicas, some retried), `/scout` commands
(shortlist add/remove/list, score, rank), button clicks (add to shortlist, feedback) and
runs `scout digest run --now` every `--digest-every` seconds. Then it checks:

- every request acked 200 (ack latency p50/p99/max), every mention answered, every
  command and click replied to, with no apology;
- duplicates: a mention answered twice, a reply sent twice, a digest posted twice;
- lost shortlist changes: changes the replies announced ("Added", "Removed from") that
  are not in the change log (and the reverse);
- memory growth (RSS) of each replica from the start of the traffic to the end.

    python bench/soak.py                   # 5 minutes at 8 requests/s
    python bench/soak.py --seconds 60 --rate 4
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    RemoteFakeSlack,
    Replica,
    base_env,
    post,
    postgres_database,
    scout_serve,
)
from tests.support.slack_http import (  # noqa: E402
    action_body,
    block_actions,
    command_body,
    event_body,
    mention_event,
    signed_headers,
)

SECRET = "soak-signing-secret"
TEAM = "T111"
CAMPAIGNS = [f"soak-{i}" for i in range(4)]
QUESTIONS = [
    "who should we partner with for vegan fitness?",
    "which creators fit a plant-based cooking launch?",
    "how do we measure ROI on micro-influencers?",
    "best skincare creators under 50k followers?",
    "plan a vegan fitness campaign with $3k",
]
APOLOGY_START = "Sorry, something went wrong"


# -- traffic --------------------------------------------------------------------------------
@dataclass
class Tally:
    """What was sent, and how the replicas acked it."""

    latencies_ms: list[float] = field(default_factory=list)
    failed_acks: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)
    mention_threads: set[str] = field(default_factory=set)
    reply_keys: set[str] = field(default_factory=set)
    digest_runs: int = 0
    digest_run_failures: int = 0


class Traffic:
    """Builds signed requests and sends them over kept-alive loopback connections."""

    def __init__(self, ports: list[int], base_url: str, handles: list[str], seed: int) -> None:
        self.ports = ports
        self.base_url = base_url
        self.handles = handles
        self.random = random.Random(seed)
        self.tally = Tally()
        self._ids = itertools.count(1)
        self._connections: dict[
            tuple[int, int], tuple[asyncio.StreamReader, asyncio.StreamWriter]
        ] = {}

    async def send(
        self, worker: int, port: int, kind: str, body: str, headers: dict[str, str]
    ) -> None:
        started = time.perf_counter()
        key = (worker, port)
        status = 0
        # A kept-alive connection the server closed while idle (uvicorn's keep-alive
        # timeout) is the client's problem: retry once on a fresh one.
        for reused in (key in self._connections, False):
            try:
                if key not in self._connections:
                    self._connections[key] = await asyncio.open_connection("127.0.0.1", port)
                status = await post(*self._connections[key], body, headers)
                break
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                self._connections.pop(key, None)
                if not reused:
                    break
        self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.tally.sent[kind] += 1
        if status != 200:
            self.tally.failed_acks[f"{kind}:{status}"] += 1

    def close(self) -> None:
        """Close the connections (they belong to the event loop that opened them)."""
        for _, writer in self._connections.values():
            writer.close()
        self._connections.clear()

    # -- request kinds --------------------------------------------------------------------
    async def mention(self, worker: int) -> None:
        n = next(self._ids)
        ts = f"{1_700_000_000 + n}.000100"
        event = mention_event(self.random.choice(QUESTIONS), ts=ts)
        body = event_body(event, event_id=f"EvSoak{n:07d}", team_id=TEAM)
        self.tally.mention_threads.add(ts)
        first, other = self.random.sample(self.ports, 2)
        await self.send(worker, first, "mention", body, signed_headers(SECRET, body))
        roll = self.random.random()
        if roll < 0.2:  # the same event delivered to the other replica too
            await self.send(
                worker, other, "mention (both replicas)", body, signed_headers(SECRET, body)
            )
        elif roll < 0.3:  # Slack's retry after a slow ack
            headers = {**signed_headers(SECRET, body), "X-Slack-Retry-Num": "1"}
            await self.send(worker, first, "mention (retry)", body, headers)

    async def command(self, worker: int, text: str | None = None, channel: str = "C111") -> str:
        key = f"soak-cmd-{next(self._ids)}"
        if text is None:
            text = self._command_text()
        body = command_body(
            text, response_url=f"{self.base_url}/response/{key}", team_id=TEAM, channel_id=channel
        )
        headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
        self.tally.reply_keys.add(key)
        await self.send(worker, self.random.choice(self.ports), "command", body, headers)
        return key

    def _command_text(self) -> str:
        handle, campaign = self.random.choice(self.handles), self.random.choice(CAMPAIGNS)
        return self.random.choices(
            [
                f"shortlist add {campaign} {handle}",
                f"shortlist remove {campaign} {handle}",
                f"shortlist list {campaign}",
                f"score {handle}",
                "rank vegan fitness -n 5",
            ],
            weights=[35, 25, 15, 15, 10],
        )[0]

    async def click(self, worker: int) -> None:
        key = f"soak-click-{next(self._ids)}"
        handle = self.random.choice(self.handles)
        if self.random.random() < 0.6:
            action: dict[str, Any] = {
                "type": "static_select",
                "action_id": "shortlist_add",
                "block_id": f"creator:{handle}",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "c"},
                    "value": self.random.choice(CAMPAIGNS),
                },
            }
        else:
            action = {
                "type": "button",
                "action_id": self.random.choice(["feedback_up", "feedback_down"]),
                "value": self.random.choice(QUESTIONS),
            }
        payload = block_actions(
            {"block_id": f"creator:{handle}", **action},
            team_id=TEAM,
            response_url=f"{self.base_url}/response/{key}",
            message_ts=f"{next(self._ids)}.0002",
        )
        body = action_body(payload)
        headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
        self.tally.reply_keys.add(key)
        await self.send(worker, self.random.choice(self.ports), "click", body, headers)


async def digest_runs(env: dict[str, str], every_s: float, until: float, tally: Tally) -> None:
    """`scout digest run --now` every `every_s` seconds, like a clock process."""
    while time.monotonic() + every_s < until:
        await asyncio.sleep(every_s)
        await run_digest(env, tally)


async def run_digest(env: dict[str, str], tally: Tally) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "digest", "run", "--now", "--json",
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    tally.digest_runs += 1
    if await process.wait() != 0:
        tally.digest_run_failures += 1


async def drive(traffic: Traffic, env: dict[str, str], args: argparse.Namespace) -> None:
    """Requests at `args.rate` per second (mentions 30%, commands 40%, clicks 30%)."""
    until = time.monotonic() + args.seconds
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=args.workers * 4)

    async def worker(n: int) -> None:
        while (kind := await queue.get()) is not None:
            if kind == "mention":
                await traffic.mention(n)
            elif kind == "command":
                await traffic.command(n)
            else:
                await traffic.click(n)

    workers = [asyncio.create_task(worker(n)) for n in range(args.workers)]
    clock = asyncio.create_task(digest_runs(env, args.digest_every, until, traffic.tally))
    interval = 1.0 / args.rate
    next_at = time.monotonic()
    while next_at < until:
        kind = traffic.random.choices(["mention", "command", "click"], weights=[30, 40, 30])[0]
        await queue.put(kind)
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers, clock)


# -- checks ---------------------------------------------------------------------------------
def shortlist_change_count(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM shortlist_changes WHERE team_id = %s", (TEAM,)
        ).fetchone()
    return int(row[0]) if row else 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)]


def wait_for_answers(slack: RemoteFakeSlack, tally: Tally, timeout: float) -> float:
    """Wait until every mention thread and reply key has a post; returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        threads = {b.get("thread_ts") for _, b in slack.calls("chat.postMessage")}
        keys = {p.rsplit("/", 1)[1] for p, _ in slack.calls("response_url")}
        if tally.mention_threads <= threads and tally.reply_keys <= keys:
            break
        time.sleep(1.0)
    return time.monotonic() - started


def handles_from_sample(count: int) -> list[str]:
    with (ROOT / "bot" / "data" / "sample_roster.csv").open(newline="") as f:
        return [row["handle"] for row in itertools.islice(csv.DictReader(f), count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--rate", type=float, default=8.0, help="requests per second")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--digest-every", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        index_dir = Path(tmp) / ".scout"
        subprocess.run(
            [sys.executable, "-m", "bot", "ingest"],
            env=base_env(index_dir),
            check=True,
            capture_output=True,
        )
        database_url = stack.enter_context(postgres_database())
        slack = stack.enter_context(RemoteFakeSlack())
        env = base_env(index_dir)
        env.update(
            DATABASE_URL=database_url,
            SLACK_BOT_TOKEN="xoxb-soak",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
        )
        replicas = [
            stack.enter_context(scout_serve(env, Path(tmp) / f"serve{r}.log")) for r in range(2)
        ]
        traffic = Traffic(
            [r.port for r in replicas], slack.base_url, handles_from_sample(40), args.seed
        )

        async def shortlist_first() -> None:
            for i, campaign in enumerate(CAMPAIGNS):
                await traffic.command(0, f"shortlist add {campaign} {traffic.handles[i]}")
            traffic.close()

        async def subscribe_and_warm_up() -> None:
            for i, campaign in enumerate(CAMPAIGNS):
                await traffic.command(0, f"digest subscribe {campaign} daily", channel=f"CD{i}")
            # Warm every path once (charts load matplotlib), so growth is measured after it.
            for _ in range(8):
                await traffic.mention(0)
                await traffic.command(0, "rank vegan fitness -n 5")
                await traffic.command(0, f"score {traffic.random.choice(traffic.handles)}")
                await traffic.click(0)
            traffic.close()

        # Each campaign gets a first creator and a subscribed channel, then a warm-up.
        for step in (shortlist_first, subscribe_and_warm_up):
            asyncio.run(step())
            wait_for_answers(slack, traffic.tally, timeout=120)
        for replica in replicas:
            replica.rss_start_kb = replica.rss_peak_kb = replica.rss_kb()

        async def soak() -> None:
            sampler = asyncio.create_task(sample_memory(replicas))
            await drive(traffic, env, args)
            sampler.cancel()
            traffic.close()

        started = time.monotonic()
        asyncio.run(soak())
        drained_in = wait_for_answers(slack, traffic.tally, timeout=180)
        asyncio.run(run_digest(env, traffic.tally))  # a last run picks up the final changes
        time.sleep(2.0)  # late duplicates would show up here
        elapsed = time.monotonic() - started
        rss_end = [r.rss_kb() for r in replicas]
        alive = [r.process.poll() is None for r in replicas]
        report(slack, traffic.tally, replicas, rss_end, alive, database_url, elapsed, drained_in)


async def sample_memory(replicas: list[Replica]) -> None:
    while True:
        for replica in replicas:
            replica.rss_peak_kb = max(replica.rss_peak_kb, replica.rss_kb())
        await asyncio.sleep(5)


def report(
    slack: RemoteFakeSlack,
    tally: Tally,
    replicas: list[Replica],
    rss_end: list[int],
    alive: list[bool],
    database_url: str,
    elapsed: float,
    drained_in: float,
) -> None:
    posts = [b for _, b in slack.calls("chat.postMessage")]
    answers = Counter(b.get("thread_ts") for b in posts if b.get("thread_ts"))
    digest_ids = Counter(
        (b.get("metadata") or {}).get("event_payload", {}).get("digest_post_id")
        for b in posts
        if (b.get("metadata") or {}).get("event_type") == "scout_digest"
    )
    replies: dict[str, list[dict[str, Any]]] = {}
    for path, body in slack.calls("response_url"):
        replies.setdefault(path.rsplit("/", 1)[1], []).append(body)
    first_replies = [bodies[0] for key, bodies in replies.items() if key in tally.reply_keys]
    # A reply's `text` has one line per change (its blocks repeat it).
    announced = sum(
        str(b.get("text", "")).count("Added ") + str(b.get("text", "")).count("Removed from ")
        for b in first_replies
    )
    logged = shortlist_change_count(database_url)
    apologies = sum(
        1 for b in [*posts, *first_replies] if str(b.get("text", "")).startswith(APOLOGY_START)
    )
    unanswered = len(tally.mention_threads - set(answers))
    unreplied = len(tally.reply_keys - set(replies))
    requests = len(tally.latencies_ms)
    rows = [
        ("duration (traffic + drain)", f"{elapsed:.0f} s (drained in {drained_in:.0f} s)"),
        (
            "requests handled",
            f"{requests} ({', '.join(f'{k} {v}' for k, v in tally.sent.items())})",
        ),
        (
            "ack latency ms",
            f"p50 {statistics.median(tally.latencies_ms):.1f}  "
            f"p99 {percentile(tally.latencies_ms, 0.99):.1f}  max {max(tally.latencies_ms):.1f}",
        ),
        ("errors: non-200 acks", f"{sum(tally.failed_acks.values())} {dict(tally.failed_acks)}"),
        ("errors: apologies / unanswered / unreplied", f"{apologies} / {unanswered} / {unreplied}"),
        ("digest runs (failed)", f"{tally.digest_runs} ({tally.digest_run_failures})"),
        ("digests posted", str(sum(digest_ids.values()))),
        (
            "duplicates: answers / replies / digests",
            f"{sum(n - 1 for n in answers.values() if n > 1)} / "
            f"{sum(len(b) - 1 for b in replies.values() if len(b) > 1)} / "
            f"{sum(n - 1 for n in digest_ids.values() if n > 1)}",
        ),
        ("shortlist changes announced / logged", f"{announced} / {logged}"),
        ("lost shortlist changes", str(max(0, announced - logged))),
    ]
    for i, (replica, end, up) in enumerate(zip(replicas, rss_end, alive, strict=True)):
        rows.append(
            (
                f"replica {i} RSS MB start / peak / end",
                f"{replica.rss_start_kb / 1024:.0f} / {replica.rss_peak_kb / 1024:.0f} / "
                f"{end / 1024:.0f} (growth {(end - replica.rss_start_kb) / 1024:+.1f} MB)"
                + ("" if up else " EXITED"),
            )
        )
    width = max(len(name) for name, _ in rows)
    print(f"soak: 2 replicas on PostgreSQL, {requests} requests")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
