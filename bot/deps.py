"""The dependencies a command or the Slack app needs, built once, lazily, and passed down.

Nothing here runs at import time. Each component is built on first use from the
settings, so `scout score` never loads Chroma and `scout search` never opens the
database.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.errors import ScoutError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.agent.answer import Answerer
    from bot.embeddings import Embedder
    from bot.knowledge.embedders import GuidanceEmbedder
    from bot.knowledge.retriever import Retriever
    from bot.scoring.service import Scout
    from bot.store.events import EventLedger
    from bot.store.feedback import FeedbackStore
    from bot.store.shortlists import ShortlistStore

logger = logging.getLogger(__name__)
RosterVersion = tuple[str, int, int, int] | None


def roster_version(path: Path) -> RosterVersion:
    """What identifies one version of the roster file (imports replace it whole)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size


@dataclass
class Deps:
    """Lazily built clients and services for one process."""

    settings: Settings
    _roster_lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)
    _scout: tuple[RosterVersion, Scout] | None = field(default=None, init=False, repr=False)
    _answerer: tuple[Scout, Answerer] | None = field(default=None, init=False, repr=False)

    @cached_property
    def embedder(self) -> Embedder:
        from bot.embeddings import WordLlamaEmbedder

        return WordLlamaEmbedder()

    @cached_property
    def guidance_embedder(self) -> GuidanceEmbedder:
        """WordLlama (shared with niche fit), plus MiniLM with SCOUT_EMBEDDINGS=minilm, or
        OpenAI's with SCOUT_EMBEDDINGS=openai."""
        from bot.knowledge.embedders import guidance_embedder

        return guidance_embedder(self.settings, lambda: self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        from bot.knowledge.retriever import open_retriever

        # Query-word expansion always uses the local WordLlama, never a paid API.
        return open_retriever(self.settings, self.guidance_embedder, self.embedder)

    @property
    def scout(self) -> Scout:
        """The scoring engine over the roster in use, rebuilt when that file changes: a
        `scout roster import` reaches a running `scout serve` at its next request."""
        from bot.scoring.service import Scout

        version = roster_version(self.settings.roster_path)
        with self._roster_lock:
            if self._scout is None:
                self._scout = (version, Scout.from_settings(self.settings, self.embedder))
            elif self._scout[0] != version:
                try:
                    self._scout = (version, Scout.from_settings(self.settings, self.embedder))
                except ScoutError as exc:
                    # Keep answering from the roster that loaded; say why once per version.
                    logger.error("the changed roster did not load, keeping the last one: %s", exc)
                    self._scout = (version, self._scout[1])
            return self._scout[1]

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

    @property
    def answerer(self) -> Answerer:
        """The answerer over the current roster (rebuilt with it)."""
        from bot.agent.answer import build_answerer

        with self._roster_lock:
            scout = self.scout
            if self._answerer is None or self._answerer[0] is not scout:
                self._answerer = (scout, build_answerer(self))
            return self._answerer[1]
