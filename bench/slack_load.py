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
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.slack_http import event_body, signed_headers  # noqa: E402

SECRET = "bench-signing-secret"
PG_ADMIN_URL = os.environ.get(
    "SCOUT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
QUESTIONS = [
    "who should we partner with for vegan fitness?",
    "which creators fit a plant-based cooking launch?",
    "how do we measure ROI on micro-influencers?",
    "best skincare creators under 50k followers?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SCOUT_", "SLACK_", "OPENAI_", "CHROMA_", "DATABASE_URL", "PORT"))
    }
    env.update(SCOUT_DATA_DIR=str(data_dir), ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    return env


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"scout_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scout_serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """Run `scout serve` on a free loopback port until the block ends; yield its base URL."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env={**env, "PORT": str(port), "LOG_LEVEL": "WARNING"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"scout serve exited; see {log}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"scout serve did not start; see {log}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


async def post(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: str, headers: dict[str, str]
) -> int:
    """One HTTP/1.1 POST on a kept-alive connection; returns the status code.

    A hand-rolled client: httpx's connection pool costs more CPU than the server under
    test at 50 concurrent requests, which would make the figures measure the sender.
    """
    data = body.encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write(
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(data)}\r\n"
        f"{head}\r\n".encode()
        + data
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def mention_body(i: int) -> str:
    ts = f"{1_700_000_000 + i}.000100"
    event = {
        "type": "app_mention",
        "user": "U222",
        "text": f"<@UBOT> {QUESTIONS[i % len(QUESTIONS)]}",
        "ts": ts,
        "channel": "C111",
        "event_ts": ts,
    }
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


def fake_slack_process(conn: Connection) -> None:
    """Run FakeSlack in its own process (so its threads do not slow the sender's clock)."""
    with FakeSlack() as slack:
        conn.send(slack.api_url)
        while (request := conn.recv()) != "stop":
            posts = slack.calls_to("chat.postMessage")
            conn.send(posts if request == "posts" else len(posts))


class RemoteFakeSlack:
    """The sender's handle on FakeSlack running in a child process."""

    def __init__(self) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=fake_slack_process, args=(child,), daemon=True
        )

    def __enter__(self) -> RemoteFakeSlack:
        self._process.start()
        self.api_url: str = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)

    def post_count(self) -> int:
        self._conn.send("count")
        return int(self._conn.recv())

    def posts(self) -> list[Any]:
        self._conn.send("posts")
        return list(self._conn.recv())


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
                int(
                    stack.enter_context(scout_serve(env, Path(logs) / f"serve{r}.log")).rsplit(
                        ":", 1
                    )[1]
                )
                for r in range(args.replicas)
            ]
            started = time.perf_counter()
            latencies, errors = asyncio.run(send_all(ports, args.events, args.concurrency))
            sent_in = time.perf_counter() - started
            deadline = time.monotonic() + args.answer_timeout
            while slack.post_count() < args.events:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            answered_in = time.perf_counter() - started
            time.sleep(args.settle)  # late duplicates would show up here
        posts = Counter(c.body.get("thread_ts") for c in slack.posts())
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
