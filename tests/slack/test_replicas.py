"""Two served replicas sharing one database (SQLite file or PostgreSQL): one answer per event."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.slack.conftest import (
    SIGNING_SECRET,
    ServedApp,
    app_settings,
    posts_in_thread,
    scout_serve,
    serve_env,
    served_app,
    wait_healthy,
)
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import event_body, mention_event, signed_headers


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def replicas(
    request: pytest.FixtureRequest, index_dir: Path, tmp_path: Path
) -> Iterator[tuple[ServedApp, ServedApp]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    with FakeSlack() as slack:
        settings = app_settings(index_dir, slack.api_url, url)
        with served_app(settings, slack) as one, served_app(settings, slack) as two:
            for replica in (one, two):
                replica.deps.answerer  # noqa: B018 - built before the race, as `scout serve` does
            yield one, two


def test_both_replicas_receiving_an_event_answer_it_once(
    replicas: tuple[ServedApp, ServedApp],
) -> None:
    one, two = replicas
    threads = []
    for i in range(3):
        event = mention_event("who fits a vegan fitness launch?", ts=f"400.000{i}")
        event_id = f"Ev{uuid.uuid4().hex[:12]}"
        for replica in (one, two):
            threads.append(
                threading.Thread(
                    target=replica.send_event, args=(event,), kwargs={"event_id": event_id}
                )
            )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    one.slack.wait_for("chat.postMessage", count=3, timeout=60)
    time.sleep(1.0)  # let the losing replica finish (and stay silent)
    for i in range(3):
        assert len(posts_in_thread(one.slack, "C111", f"400.000{i}")) == 1


def test_a_shortlist_written_by_one_replica_is_read_by_the_other(
    replicas: tuple[ServedApp, ServedApp],
) -> None:
    one, two = replicas
    handle = one.deps.scout.handles()[0]
    campaign = f"launch-{uuid.uuid4().hex[:8]}"
    one.send_command(f"shortlist add {campaign} {handle}", key="r-add")
    one.responses("r-add")
    two.send_command(f"shortlist list {campaign}", key="r-list")
    [listed] = two.responses("r-list")
    assert handle in str(listed["blocks"])


def test_two_scout_serve_processes_answer_each_event_once(index_dir: Path, tmp_path: Path) -> None:
    with FakeSlack() as slack, contextlib.ExitStack() as stack:
        urls = []
        for name in ("one", "two"):
            port = _free_port()
            env = serve_env(index_dir, slack, f"sqlite:///{tmp_path / 'shared.db'}", PORT=str(port))
            log = tmp_path / f"{name}.log"
            process = stack.enter_context(scout_serve(env, log))
            urls.append((f"http://127.0.0.1:{port}", process, log))
        for url, process, log in urls:
            wait_healthy(url, process, log)
        with httpx.Client(timeout=10) as client:
            for i in range(5):
                body = event_body(
                    mention_event("vegan fitness picks?", ts=f"600.000{i}"), event_id=f"EvProc{i}"
                )
                for url, _, _ in urls:
                    headers = signed_headers(SIGNING_SECRET, body)
                    assert (
                        client.post(
                            f"{url}/slack/events", content=body, headers=headers
                        ).status_code
                        == 200
                    )
        slack.wait_for("chat.postMessage", count=5, timeout=60)
        time.sleep(1.0)
        threads = [c.body["thread_ts"] for c in slack.calls_to("chat.postMessage")]
    assert sorted(threads) == [f"600.000{i}" for i in range(5)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
