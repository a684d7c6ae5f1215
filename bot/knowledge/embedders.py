"""The embedder behind the guidance index: WordLlama by default, others when chosen.

`SCOUT_EMBEDDINGS=openai` (with `OPENAI_API_KEY`, and optionally `OPENAI_BASE_URL`
for any compatible server) switches the index to OpenAI embeddings through
langchain-openai. `SCOUT_EMBEDDINGS=minilm` keeps WordLlama and adds all-MiniLM-L6-v2
sentence vectors beside it. The index records which embedder filled it, so switching
makes `scout ingest` rebuild it instead of mixing vector spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.config import Settings
from bot.embeddings import Embedder
from bot.errors import ConfigError, ScoutError
from bot.knowledge.analysis import dense_query

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.knowledge.chunking import Chunk

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings; vectors are L2-normalised like WordLlama's."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import OpenAIEmbeddings

        if settings.openai_api_key is None:
            raise ConfigError("SCOUT_EMBEDDINGS=openai needs OPENAI_API_KEY")
        self.name = f"openai-{settings.openai_embedding_model}"
        self._model = settings.openai_embedding_model
        self._where = settings.openai_base_url or DEFAULT_OPENAI_BASE_URL
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
        vectors = np.asarray(self._embed_documents(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (vectors / norms).astype(np.float32)

    def _embed_documents(self, texts: list[str]) -> list[list[float]]:
        """The API's vectors; a failure is one line naming the setting to check."""
        import openai

        try:
            return self._client.embed_documents(texts)
        except openai.APIConnectionError as exc:  # refused, DNS, TLS, or a timeout
            raise ConfigError(
                f"cannot reach the embeddings API at {self._where} (OPENAI_BASE_URL): "
                f"{_reason(exc)}"
            ) from None
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ConfigError(
                f"the embeddings API at {self._where} refused OPENAI_API_KEY "
                f"(HTTP {exc.status_code}): {_api_message(exc)}"
            ) from None
        except openai.NotFoundError as exc:
            raise ConfigError(
                f"the embeddings API at {self._where} has no model {self._model!r} "
                f"(OPENAI_EMBEDDING_MODEL) or no /embeddings route (OPENAI_BASE_URL): "
                f"{_api_message(exc)}"
            ) from None
        except openai.APIStatusError as exc:
            raise ScoutError(
                f"the embeddings API at {self._where} failed with HTTP {exc.status_code}: "
                f"{_api_message(exc)}"
            ) from None


def _reason(exc: BaseException) -> str:
    """The innermost cause, e.g. "[Errno 111] Connection refused", on one line."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return " ".join(str(exc).split()) or type(exc).__name__


def _api_message(exc: Any) -> str:
    """The server's own error message when it sent one, on one line."""
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    return " ".join(str(message or exc.message).split())


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


class WordsAndSentences:
    """WordLlama's vector and all-MiniLM-L6-v2's side by side, stored as one vector.

    The two read different text. WordLlama averages word vectors, so it reads the
    passage under its heading and only the query's content words (stopwords and the
    look-alike document titles blur it). MiniLM reads sentences: the passage with its
    title and heading, and the question as asked.
    """

    def __init__(self, words: Embedder, sentences: Embedder) -> None:
        self.name = f"{words.name}+{sentences.name}"
        self.words = words
        self.sentences = sentences


GuidanceEmbedder = Embedder | WordsAndSentences


def passage_vectors(embedder: GuidanceEmbedder, chunks: Sequence[Chunk]) -> NDArray[np.float32]:
    """One stored vector per chunk."""
    if isinstance(embedder, WordsAndSentences):
        words = embedder.words.embed([chunk.dense_text for chunk in chunks])
        sentences = embedder.sentences.embed([chunk.index_text for chunk in chunks])
        return np.hstack([words, sentences]).astype(np.float32)
    return embedder.embed([chunk.dense_text for chunk in chunks])


def query_vectors(
    embedder: GuidanceEmbedder, query: str
) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
    """The query's vector against the stored ones' first part (WordLlama's, or the only
    one), and against their MiniLM part when the index has one."""
    if isinstance(embedder, WordsAndSentences):
        return embedder.words.embed([dense_query(query)])[0], embedder.sentences.embed([query])[0]
    return embedder.embed([dense_query(query)])[0], None


def guidance_embedder(settings: Settings, default: Callable[[], Embedder]) -> GuidanceEmbedder:
    """The embedder the settings choose for the guidance index (`default()` is WordLlama)."""
    if settings.scout_embeddings == "openai":
        return OpenAIEmbedder(settings)
    if settings.scout_embeddings == "minilm":
        from bot.knowledge.minilm import MiniLMEmbedder, model_dir

        model_dir()  # a missing install fails now, not at the first passage to embed
        return WordsAndSentences(default(), LazyEmbedder(MiniLMEmbedder.name, MiniLMEmbedder))
    return default()
