"""The pinned `ask` answer shape shared by the CLI and the Slack bot."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.scoring.models import ScoreCard


class Citation(BaseModel):
    """A guidance quote, copied verbatim from `knowledge/`."""

    source: str
    title: str
    quote: str


class AskResult(BaseModel):
    """An answer to a question, with its sources and the creators it ranks."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    creators: list[ScoreCard] = Field(default_factory=list)
    mode: Literal["offline", "llm"] = "offline"
    note: str | None = None
