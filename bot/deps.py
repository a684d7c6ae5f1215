"""The dependencies a command or the Slack app needs, built once, lazily, and passed down.

Nothing here runs at import time. Each component is built on first use from the
settings, so `scout score` never loads Chroma and `scout search` never opens the
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.agent.answer import Answerer
    from bot.embeddings import Embedder
    from bot.knowledge.retriever import Retriever
    from bot.scoring.service import Scout
    from bot.store.events import EventLedger
    from bot.store.feedback import FeedbackStore
    from bot.store.shortlists import ShortlistStore


@dataclass
class Deps:
    """Lazily built clients and services for one process."""

    settings: Settings

    @cached_property
    def embedder(self) -> Embedder:
        from bot.embeddings import WordLlamaEmbedder

        return WordLlamaEmbedder()

    @cached_property
    def guidance_embedder(self) -> Embedder:
        """WordLlama (shared with niche fit), or OpenAI's with SCOUT_EMBEDDINGS=openai."""
        from bot.knowledge.embedders import guidance_embedder

        return guidance_embedder(self.settings, lambda: self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        from bot.knowledge.retriever import open_retriever

        # Query-word expansion always uses the local WordLlama, never a paid API.
        return open_retriever(self.settings, self.guidance_embedder, self.embedder)

    @cached_property
    def scout(self) -> Scout:
        from bot.scoring.service import Scout

        return Scout.from_settings(self.settings, self.embedder)

    @cached_property
    def engine(self) -> Engine:
        from bot.store.db import open_database

        return open_database(self.settings.sqlalchemy_url)

    @cached_property
    def shortlists(self) -> ShortlistStore:
        from bot.store.shortlists import ShortlistStore

        return ShortlistStore(self.engine)

    @cached_property
    def events(self) -> EventLedger:
        from bot.store.events import EventLedger

        return EventLedger(self.engine)

    @cached_property
    def feedback(self) -> FeedbackStore:
        from bot.store.feedback import FeedbackStore

        return FeedbackStore(self.engine)

    @cached_property
    def answerer(self) -> Answerer:
        from bot.agent.answer import build_answerer

        return build_answerer(self)
