"""LLM mode: a LangChain tool-calling agent over the same read-only tools, with bounded steps.

Any OpenAI-compatible server works (`OPENAI_BASE_URL`, `OPENAI_MODEL`). A model that gives
no usable answer raises `LLMError`, a server that fails the client's own error; either way
the caller falls back to the offline planner.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.agent.tools import ToolBox, langchain_tools
from bot.config import Settings
from bot.errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

SYSTEM_PROMPT_FILE = "agent_system.md"


class LLMError(Exception):
    """The model gave no usable final answer."""


def load_prompt(prompts_dir: Path, name: str) -> str:
    """A prompt file's text, or a ConfigError naming the missing file."""
    path = prompts_dir / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        raise ConfigError(f"missing prompt file {path} (SCOUT_PROMPTS_DIR)") from None


def build_chat_model(settings: Settings) -> BaseChatModel:
    """ChatOpenAI for the configured server, with a timeout and no retries.

    A failed call falls back to the offline answer at once, and the answerer stops
    waiting after `SCOUT_LLM_DEADLINE_S`; no single request outlives that deadline either.
    """
    from langchain_openai import ChatOpenAI

    if settings.openai_api_key is None:
        raise ConfigError("OPENAI_API_KEY is not set")
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        timeout=min(settings.openai_timeout_s, settings.scout_llm_deadline_s),
        max_retries=0,
        temperature=0,
    )


class LLMAgent:
    """Runs one question through `create_agent` with at most `max_model_calls` model turns."""

    def __init__(
        self,
        model: BaseChatModel,
        system_prompt: str,
        *,
        max_model_calls: int = 5,
        max_tool_calls: int = 8,
    ) -> None:
        self._model = model
        self.system_prompt = system_prompt
        self._max_model_calls = max_model_calls
        self._max_tool_calls = max_tool_calls

    def run(self, question: str, box: ToolBox, history: Sequence[tuple[str, str]] = ()) -> str:
        """The model's final answer text; the tool calls it made are recorded in `box`."""
        from langchain.agents import create_agent
        from langchain.agents.middleware import ModelCallLimitMiddleware, ToolCallLimitMiddleware
        from langchain.agents.middleware.model_call_limit import ModelCallLimitExceededError
        from langchain.agents.middleware.tool_call_limit import ToolCallLimitExceededError
        from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
        from langgraph.errors import GraphRecursionError

        limits: list[Any] = [
            ModelCallLimitMiddleware(run_limit=self._max_model_calls, exit_behavior="error"),
            ToolCallLimitMiddleware(run_limit=self._max_tool_calls, exit_behavior="error"),
        ]
        agent: Any = create_agent(
            self._model,
            tools=langchain_tools(box),
            system_prompt=self.system_prompt,
            middleware=limits,
        )
        messages: list[BaseMessage] = [
            HumanMessage(content) if role == "user" else AIMessage(content)
            for role, content in history
        ]
        messages.append(HumanMessage(question))
        # A round is a few graph steps (limit hooks, model, tools); the middleware stops
        # runaway loops first and the recursion limit is the backstop.
        try:
            state = agent.invoke(
                {"messages": messages},
                config={"recursion_limit": 6 * self._max_model_calls + 6},
            )
        except (
            ModelCallLimitExceededError,
            ToolCallLimitExceededError,
            GraphRecursionError,
        ) as exc:
            raise LLMError(f"the model kept calling tools: {exc}") from None
        final = state["messages"][-1]
        if not isinstance(final, AIMessage) or final.tool_calls:
            raise LLMError("the model did not finish with an answer")
        text = final.text.strip()
        if not text:
            raise LLMError("the model returned an empty answer")
        return text
