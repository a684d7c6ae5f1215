"""LLM server down or slow: the served app still posts the offline answer within 10 s."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.agent.answer import FALLBACK_NOTE
from bot.config import Settings
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, ServedApp, served_app
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import mention_event

QUESTION = "who should we partner with for vegan fitness?"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as api:
        yield api


def _llm_app(index_dir: Path, slack: FakeSlack, base_url: str, tmp: Path) -> Settings:
    # Defaults for OPENAI_TIMEOUT_S (30 s) and SCOUT_LLM_DEADLINE_S: what a deployment gets.
    return Settings(
        _env_file=None,
        scout_data_dir=index_dir,
        database_url=f"sqlite:///{tmp / 'llm.db'}",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        openai_api_key="sk-test-not-a-real-key",
        openai_base_url=base_url,
        openai_model="stub-model",
    )


def _answer_in(app: ServedApp, ts: str, event_id: str, timeout: float) -> tuple[str, float]:
    started = time.monotonic()
    assert app.send_event(mention_event(QUESTION, ts=ts), event_id=event_id).status_code == 200
    while True:
        posts = [
            c.body for c in app.slack.calls_to("chat.postMessage") if c.body.get("thread_ts") == ts
        ]
        if posts:
            return str(posts[0]), time.monotonic() - started
        assert time.monotonic() - started < timeout, "no answer posted"
        time.sleep(0.05)


def test_a_slow_llm_gets_the_offline_answer_within_10_s(
    index_dir: Path, fake_slack: FakeSlack, openai: FakeOpenAI, tmp_path: Path
) -> None:
    for _ in range(5):
        openai.chat.slow(25.0)
    settings = _llm_app(index_dir, fake_slack, openai.base_url, tmp_path)
    with served_app(settings, fake_slack) as app:
        app.deps.answerer  # noqa: B018 - built at start, as `scout serve` does
        answer, took = _answer_in(app, "900.0001", "EvSlowLLM", timeout=20)
    assert took < 10.0
    assert FALLBACK_NOTE in answer
    assert "@" in answer  # creators from the offline planner


def test_an_llm_server_that_is_down_gets_the_offline_answer(
    index_dir: Path, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    down = f"http://127.0.0.1:{_closed_port()}/v1"
    settings = _llm_app(index_dir, fake_slack, down, tmp_path)
    with served_app(settings, fake_slack) as app:
        app.deps.answerer  # noqa: B018 - built at start, as `scout serve` does
        answer, took = _answer_in(app, "900.0002", "EvDownLLM", timeout=20)
    assert took < 10.0
    assert FALLBACK_NOTE in answer
