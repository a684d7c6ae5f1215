"""LLM mode over HTTP: the real `openai` client (via ChatOpenAI) against a local
OpenAI-compatible stub, wired exactly as the app wires it (Deps -> build_answerer).

Success, timeout, HTTP 500 and malformed output each end in a grounded answer.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.agent.answer import FALLBACK_NOTE, UNUSABLE_NOTE, Answerer
from bot.agent.models import AskResult
from bot.config import Settings, load_settings
from bot.deps import Deps
from tests.agent.conftest import assert_grounded
from tests.support.fake_openai import FakeOpenAI

QUESTION = "who should we partner with for vegan fitness?"


@pytest.fixture
def api() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


def answerer_for(api: FakeOpenAI, index_settings: Settings, timeout_s: float = 5) -> Answerer:
    settings = load_settings(
        scout_data_dir=index_settings.scout_data_dir,
        openai_api_key="sk-test-not-a-real-key",
        openai_base_url=api.base_url,
        openai_model="stub-model",
        openai_timeout_s=timeout_s,
    )
    return Deps(settings).answerer


def tool_results(body: dict[str, Any]) -> dict[str, Any]:
    """The tool results in a chat request, by tool call id."""
    return {
        m["tool_call_id"]: json.loads(m["content"]) for m in body["messages"] if m["role"] == "tool"
    }


def write_answer(body: dict[str, Any]) -> str:
    results = tool_results(body)
    top = results["call_0"][0]
    passage = results["call_1"][0]["text"]
    quote = next(s for s in passage.replace("\n", " ").split(". ") if len(s) > 40)
    return (
        f"**Start with {top['handle']}** (score {top['score']:.0f}/100, "
        f"{top['engagement_rate'] * 100:.1f}% engagement rate). "
        f'The guidance says: "{quote}."'
    )


def assert_offline_fallback(result: AskResult, note: str = FALLBACK_NOTE) -> None:
    assert result.mode == "offline"
    assert result.note == note
    assert [c.handle for c in result.creators][:1] == ["@greenrunner"]
    assert result.citations
    assert_grounded(result)


def test_success_with_tool_calls(api: FakeOpenAI, index_settings: Settings) -> None:
    api.chat.call_tools(
        ("find_creators", {"niche": "vegan fitness", "n": 3}),
        ("search_guidance", {"query": "why micro-influencers win"}),
    ).reply_with(write_answer)
    result = answerer_for(api, index_settings).ask(QUESTION)

    assert result.mode == "llm"
    assert result.note is None
    assert [c.handle for c in result.creators] == ["@greenrunner"]
    assert len(result.citations) == 1
    assert_grounded(result)
    requests = api.requests_to("/v1/chat/completions")
    assert len(requests) == 2
    first = requests[0].body
    assert first["model"] == "stub-model"
    assert {t["function"]["name"] for t in first["tools"]} >= {"find_creators", "plan_campaign"}
    assert first["messages"][0]["role"] == "system"
    headers = {k.lower(): v for k, v in requests[0].headers.items()}
    assert headers["authorization"] == "Bearer sk-test-not-a-real-key"


def test_timeout_falls_back_to_the_offline_answer(
    api: FakeOpenAI, index_settings: Settings
) -> None:
    api.chat.slow(3).slow(3)
    started = time.monotonic()
    result = answerer_for(api, index_settings, timeout_s=0.3).ask(QUESTION)
    assert time.monotonic() - started < 3
    assert_offline_fallback(result)


def test_http_500_falls_back_to_the_offline_answer(
    api: FakeOpenAI, index_settings: Settings
) -> None:
    api.chat.fail(500).fail(500)
    assert_offline_fallback(answerer_for(api, index_settings).ask(QUESTION))


def test_a_rejected_key_falls_back_without_logging_the_key(
    api: FakeOpenAI, index_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # Some servers echo the key they reject in the error message.
    api.chat.fail(401, "Incorrect API key provided: sk-test-not-a-real-key")
    with caplog.at_level(logging.WARNING):
        result = answerer_for(api, index_settings).ask(QUESTION)
    assert_offline_fallback(result)
    assert "Error code: 401" in caplog.text
    assert "sk-test-not-a-real-key" not in caplog.text


@pytest.mark.parametrize(
    ("script", "note"),
    [
        pytest.param(lambda chat: chat.malformed(), FALLBACK_NOTE, id="not-a-completion"),
        pytest.param(
            lambda chat: chat.malformed(b"<html>gateway</html>"), FALLBACK_NOTE, id="not-json"
        ),
        # The server works; the model's answer is what cannot be used.
        pytest.param(
            lambda chat: chat.call_tools(("find_creators", "{niche: vegan")),
            UNUSABLE_NOTE,
            id="bad-tool-args",
        ),
        pytest.param(
            lambda chat: chat.call_tools(("drop_database", {})).reply(""),
            UNUSABLE_NOTE,
            id="no-tool",
        ),
        pytest.param(lambda chat: chat.reply("   "), UNUSABLE_NOTE, id="blank"),
    ],
)
def test_malformed_output_falls_back_to_the_offline_answer(
    api: FakeOpenAI, index_settings: Settings, script: Any, note: str
) -> None:
    script(api.chat)
    assert_offline_fallback(answerer_for(api, index_settings).ask(QUESTION), note)


def test_endless_tool_calls_fall_back_saying_the_answer_was_unusable(
    api: FakeOpenAI, index_settings: Settings
) -> None:
    for _ in range(10):
        api.chat.call_tools(("search_guidance", {"query": "micro-influencers"}))
    assert_offline_fallback(answerer_for(api, index_settings).ask(QUESTION), UNUSABLE_NOTE)
    assert len(api.requests_to("/v1/chat/completions")) == 5  # the model-call limit
