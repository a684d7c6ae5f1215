"""Load benchmark: signed mention events sent concurrently to `scout serve` over loopback.

Starts FakeSlack (the tests' fake Web API) and `scout serve` as a subprocess on a
fresh SQLite file and/or a fresh PostgreSQL database, sends N signed `app_mention`
events, C at a time, and prints ack latency (p50/p99/max), errors, answers posted
and duplicates. With `--replicas 2` every event goes to each of two `scout serve`
processes sharing the database, which must still answer each event exactly once.

    python bench/slack_load.py                      # 1,000 events, 50 at a time, both databases
    python bench/slack_load.py --db sqlite --events 200 --replicas 2
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    RemoteFakeSlack,
    base_env,
    post,
    postgres_database,
    scout_serve,
)
from tests.support.slack_http import event_body, mention_event, signed_headers

SECRET = "bench-signing-secret"
QUESTIONS = [
    "who should we partner with for vegan fitness?",
    "which creators fit a plant-based cooking launch?",
    "how do we measure ROI on micro-influencers?",
    "best skincare creators under 50k followers?",
]


def mention_body(i: int) -> str:
    ts = f"{1_700_000_000 + i}.000100"
    event = mention_event(QUESTIONS[i % len(QUESTIONS)], ts=ts)
    return event_body(event, event_id=f"EvLoad{i:06d}")


async def send_all(ports: list[int], events: int, concurrency: int) -> tuple[list[float], int]:
    """Send every event to every server from `concurrency` kept-alive connections."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for i in range(events):
        for port in ports:
            queue.put_nowait((i, port))

    async def sender() -> None:
        nonlocal errors
        connections: dict[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}
        while not queue.empty():
            i, port = queue.get_nowait()
            body = mention_body(i)
            headers = signed_headers(SECRET, body)
            started = time.perf_counter()
            try:
                if port not in connections:
                    connections[port] = await asyncio.open_connection("127.0.0.1", port)
                ok = await post(*connections[port], body, headers) == 200
            except (OSError, ValueError, asyncio.IncompleteReadError):
                connections.pop(port, None)
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok
        for _, writer in connections.values():
            writer.close()

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return latencies, errors


def run(db: str, database_url: str, index_dir: Path, args: argparse.Namespace) -> None:
    with RemoteFakeSlack() as slack, tempfile.TemporaryDirectory() as logs:
        env = base_env(index_dir)
        env.update(
            DATABASE_URL=database_url,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.api_url,
        )
        with ExitStack() as stack:
            ports = [
                stack.enter_context(scout_serve(env, Path(logs) / f"serve{r}.log")).port
                for r in range(args.replicas)
            ]
            started = time.perf_counter()
            latencies, errors = asyncio.run(send_all(ports, args.events, args.concurrency))
            sent_in = time.perf_counter() - started
            deadline = time.monotonic() + args.answer_timeout
            while len(slack.calls("chat.postMessage")) < args.events:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            answered_in = time.perf_counter() - started
            time.sleep(args.settle)  # late duplicates would show up here
        posts = Counter(body.get("thread_ts") for _, body in slack.calls("chat.postMessage"))
    latencies_ms = sorted(x * 1000 for x in latencies)
    p99 = latencies_ms[max(0, int(len(latencies_ms) * 0.99) - 1)]
    print(
        f"{db:10} replicas={args.replicas} requests={len(latencies_ms)} "
        f"concurrency={args.concurrency}\n"
        f"  ack latency ms: p50={statistics.median(latencies_ms):.1f} p99={p99:.1f} "
        f"max={latencies_ms[-1]:.1f}   (sent in {sent_in:.1f} s)\n"
        f"  errors={errors}  answers posted={sum(posts.values())} of {args.events} "
        f"(distinct threads={len(posts)}, duplicates={sum(n - 1 for n in posts.values())}) "
        f"all answered in {answered_in:.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--answer-timeout", type=float, default=600)
    parser.add_argument("--settle", type=float, default=2.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / ".scout"
        subprocess.run(
            [sys.executable, "-m", "bot", "ingest"],
            env=base_env(index_dir),
            check=True,
            capture_output=True,
        )
        if args.db in {"sqlite", "both"}:
            run("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", index_dir, args)
        if args.db in {"postgres", "both"}:
            with postgres_database() as url:
                run("postgresql", url, index_dir, args)


if __name__ == "__main__":
    main()
