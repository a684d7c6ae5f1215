"""Serve the real Bolt app over loopback HTTP against FakeSlack, and send it signed requests.

`served_app(...)` is a plain context manager so other test packages (digests) can
import it; the fixtures below wrap it for the Slack scenario tests.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.app import create_app
from bot.config import Settings
from bot.deps import Deps
from bot.server import create_asgi_app
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import action_body, command_body, event_body, signed_headers

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T111"


def build_index(data_dir: Path) -> None:
    """Run the real `scout ingest` into `data_dir` (the offline agent needs the index)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCOUT_", "DATABASE_URL"))}
    env.update(SCOUT_DATA_DIR=str(data_dir), ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1")
    subprocess.run(
        [sys.executable, "-m", "bot", "ingest"], env=env, check=True, capture_output=True
    )


def app_settings(data_dir: Path, api_url: str, database_url: str) -> Settings:
    """Settings for a served app, independent of the environment and any `.env`."""
    return Settings(
        _env_file=None,
        scout_data_dir=data_dir,
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
    )


@dataclass
class ServedApp:
    """A running app: where it listens, the fake Slack it talks to, and its deps."""

    url: str
    slack: FakeSlack
    deps: Deps
    client: httpx.Client

    def post(
        self,
        body: str,
        *,
        content_type: str,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        extra_headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = signed_headers(secret, body, timestamp, content_type)
        headers.update(extra_headers or {})
        return self.client.post(f"{self.url}/slack/events", content=body, headers=headers)

    def send_event(
        self,
        event: dict[str, Any],
        *,
        event_id: str,
        team_id: str = TEAM,
        retry_num: int | None = None,
    ) -> httpx.Response:
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = event_body(event, event_id=event_id, team_id=team_id)
        return self.post(body, content_type="application/json", extra_headers=extra)

    def send_command(
        self, text: str, *, key: str, team_id: str = TEAM, **extra: str
    ) -> httpx.Response:
        body = command_body(
            text, response_url=self.slack.response_url(key), team_id=team_id, **extra
        )
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def send_action(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post(action_body(payload), content_type="application/x-www-form-urlencoded")

    def responses(self, key: str, count: int = 1, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait for `count` posts to response_url `key` and return their bodies."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                c.body
                for c in self.slack.calls_to("response_url")
                if c.path.endswith(f"/response/{key}")
            ]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"expected {count} response(s) to {key}, got {found}"
                return found
            time.sleep(0.02)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def served_app(settings: Settings, slack: FakeSlack) -> Iterator[ServedApp]:
    """Build the real app from `settings` and serve it with uvicorn on a free loopback port."""
    deps = Deps(settings)
    bolt_app = create_app(settings, deps)
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_asgi_app(bolt_app), log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(timeout=10) as client:
            yield ServedApp(f"http://127.0.0.1:{port}", slack, deps, client)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        deps.engine.dispose()


def posts_in_thread(slack: FakeSlack, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    return [
        c.body
        for c in slack.calls_to("chat.postMessage")
        if c.body.get("channel") == channel and c.body.get("thread_ts") == thread_ts
    ]


def assert_within_block_kit_limits(message: dict[str, Any]) -> None:
    """At most 50 blocks, section texts of at most 3,000 characters, context of at most 10."""
    blocks = message.get("blocks") or []
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the real knowledge index, built once per session."""
    data_dir = tmp_path_factory.mktemp("index") / ".scout"
    build_index(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        yield slack


@pytest.fixture(scope="module")
def app(
    index_dir: Path, fake_slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedApp]:
    """One served app per test module, on its own SQLite database."""
    db = tmp_path_factory.mktemp("db") / "scout.db"
    settings = app_settings(index_dir, fake_slack.api_url, f"sqlite:///{db}")
    with served_app(settings, fake_slack) as served:
        # Built up front, as `scout serve` does, so worker threads never race to build them.
        served.deps.scout  # noqa: B018
        served.deps.answerer  # noqa: B018
        yield served


def serve_env(data_dir: Path, slack: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for a `scout serve` subprocess talking to `slack`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCOUT_", "SLACK_"))}
    env.update(
        SCOUT_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


@contextlib.contextmanager
def scout_serve(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`scout serve` as a subprocess, stopped (SIGTERM) when the block ends."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
