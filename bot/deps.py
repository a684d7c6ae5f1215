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

    from bot.embeddings import Embedder


@dataclass
class Deps:
    """Lazily built clients and services for one process."""

    settings: Settings

    @cached_property
    def embedder(self) -> Embedder:
        from bot.embeddings import WordLlamaEmbedder

        return WordLlamaEmbedder()

    @cached_property
    def engine(self) -> Engine:
        from bot.store.db import open_database

        return open_database(self.settings.sqlalchemy_url)
