"""What the Slack benchmarks share: `scout serve` replicas, FakeSlack in its own process,
a fresh PostgreSQL database and a lean HTTP client, all on loopback."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_slack import FakeSlack  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "SCOUT_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


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


@dataclass
class Replica:
    port: int
    process: subprocess.Popen[bytes]
    rss_start_kb: int = 0
    rss_peak_kb: int = 0

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


@contextmanager
def scout_serve(env: dict[str, str], log: Path) -> Iterator[Replica]:
    """`scout serve` on a free loopback port, healthy, until the block ends."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env={**env, "PORT": str(port), "LOG_LEVEL": "WARNING"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"scout serve exited; see {log}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"scout serve did not start; see {log}")
                time.sleep(0.2)
            yield Replica(port, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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


def fake_slack_process(conn: Connection) -> None:
    """Serve FakeSlack; answer `(method)` queries with the bodies (and paths) of its calls."""
    with FakeSlack() as slack:
        conn.send(slack.api_url)
        while (method := conn.recv()) != "stop":
            conn.send([(c.path, c.body) for c in slack.calls_to(method)])


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
        self.base_url = self.api_url.removesuffix("/api/")
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)

    def calls(self, method: str) -> list[tuple[str, dict[str, Any]]]:
        self._conn.send(method)
        return list(self._conn.recv())
