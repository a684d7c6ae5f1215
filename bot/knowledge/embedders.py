"""The embedder behind the guidance index: WordLlama by default, OpenAI's when chosen.

`SCOUT_EMBEDDINGS=openai` (with `OPENAI_API_KEY`, and optionally `OPENAI_BASE_URL`
for any compatible server) switches the index to OpenAI embeddings through
langchain-openai. The index records which embedder filled it, so switching makes
`scout ingest` rebuild it instead of mixing vector spaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from bot.config import Settings
from bot.embeddings import Embedder
from bot.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings; vectors are L2-normalised like WordLlama's."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import OpenAIEmbeddings

        if settings.openai_api_key is None:
            raise ConfigError("SCOUT_EMBEDDINGS=openai needs OPENAI_API_KEY")
        self.name = f"openai-{settings.openai_embedding_model}"
        self._client = OpenAIEmbeddings(
            model=settings.openai_embedding_model,
            openai_api_key=settings.openai_api_key,
            openai_api_base=settings.openai_base_url,
            request_timeout=settings.openai_timeout_s,
            # The length check calls tiktoken, which downloads its encodings.
            check_embedding_ctx_length=False,
        )

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.asarray(self._client.embed_documents(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (vectors / norms).astype(np.float32)


class LazyEmbedder:
    """Names its vector space now, loads the model only when there is text to embed.

    `scout ingest` with nothing changed never needs the model, so it never loads it.
    """

    def __init__(self, name: str, load: Callable[[], Embedder]) -> None:
        self.name = name
        self._load = load
        self._model: Embedder | None = None

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        if self._model is None:
            self._model = self._load()
        return self._model.embed(texts)


def guidance_embedder(settings: Settings, default: Callable[[], Embedder]) -> Embedder:
    """The embedder the settings choose for the guidance index (`default()` is WordLlama)."""
    if settings.scout_embeddings == "openai":
        return OpenAIEmbedder(settings)
    return default()
