"""A very long answer (LLM mode, scripted by FakeOpenAI) still fits Block Kit's limits."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from tests.slack.conftest import (
    app_settings,
    assert_within_block_kit_limits,
    posts_in_thread,
    served_app,
)
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_slack import FakeSlack
from tests.support.slack_http import mention_event

PARAGRAPH = (
    "Pick creators whose audience trusts them, and judge them by engagement rather than reach. "
) * 12


def test_a_very_long_answer_is_split_and_shortened_within_limits(
    index_dir: Path, tmp_path: Path
) -> None:
    long_answer = "\n\n".join([PARAGRAPH] * 150)  # about 160,000 characters
    with FakeOpenAI() as llm, FakeSlack() as slack:
        llm.chat.reply(long_answer)
        settings = app_settings(index_dir, slack.api_url, f"sqlite:///{tmp_path / 'db.sqlite'}")
        settings = settings.model_copy(
            update={"openai_api_key": SecretStr("sk-test"), "openai_base_url": llm.base_url}
        )
        with served_app(settings, slack) as app:
            app.send_event(mention_event("tell me everything", ts="500.0001"), event_id="EvLong")
            slack.wait_for("reactions.remove", timeout=60)
            [answer] = posts_in_thread(slack, "C111", "500.0001")
    assert llm.requests_to("/v1/chat/completions"), "the LLM agent answered"
    assert_within_block_kit_limits(answer)
    blocks = answer["blocks"]
    assert len(blocks) == 50
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sum(len(s) for s in sections) > 100_000
    assert any(s.endswith("(answer shortened to fit in Slack)") for s in sections)
    assert blocks[-1]["block_id"] == "feedback"
    assert len(answer["text"]) <= 300
