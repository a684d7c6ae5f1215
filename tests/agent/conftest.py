"""Real parts for the agent tests: the guidance index built from knowledge/, the sample roster
scored by the real Scout, SQLite for shortlists and history, and grounding helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.agent.answer import Answerer
from bot.agent.grounding import allowed_numbers, unsupported_numbers
from bot.agent.llm import LLMAgent
from bot.agent.models import AskResult
from bot.config import PROJECT_DIR, SAMPLE_ROSTER, Settings, load_settings
from bot.embeddings import WordLlamaEmbedder
from bot.knowledge.index import ingest
from bot.knowledge.loader import load_documents
from bot.knowledge.retriever import Retriever, open_retriever
from bot.knowledge.store import open_client
from bot.knowledge.token_table import dictionary_words
from bot.scoring.service import Scout
from bot.store.db import open_database
from bot.store.history import HistoryStore
from bot.store.shortlists import ShortlistStore

KNOWLEDGE_DIR = PROJECT_DIR / "knowledge"


@pytest.fixture(scope="session")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


def build_index(data_dir: Path, knowledge_dir: Path, embedder: WordLlamaEmbedder) -> Settings:
    """Ingest `knowledge_dir` into a fresh embedded Chroma under `data_dir`."""
    settings = load_settings(scout_data_dir=data_dir, scout_knowledge_dir=knowledge_dir)
    ingest(open_client(settings), embedder, load_documents([knowledge_dir]))
    return settings


@pytest.fixture(scope="session")
def index_settings(
    tmp_path_factory: pytest.TempPathFactory, embedder: WordLlamaEmbedder
) -> Settings:
    return build_index(tmp_path_factory.mktemp("agent-index"), KNOWLEDGE_DIR, embedder)


@pytest.fixture(scope="session")
def retriever(index_settings: Settings, embedder: WordLlamaEmbedder) -> Retriever:
    return open_retriever(index_settings, embedder)


@pytest.fixture(scope="session")
def scout(embedder: WordLlamaEmbedder) -> Scout:
    return Scout.from_settings(load_settings(scout_roster=SAMPLE_ROSTER), embedder)


@pytest.fixture(scope="session")
def dictionary() -> frozenset[str]:
    """The real words the shipped tokenizer knows, as the CLI and the bot load them."""
    return dictionary_words()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(f"sqlite:///{tmp_path / 'scout.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def shortlists(engine: Engine) -> ShortlistStore:
    return ShortlistStore(engine)


MakeAnswerer = Callable[..., Answerer]


@pytest.fixture
def make_answerer(
    retriever: Retriever, scout: Scout, engine: Engine, shortlists: ShortlistStore
) -> MakeAnswerer:
    """An Answerer over the real parts; keyword overrides replace any of them."""

    def make(**overrides: Any) -> Answerer:
        parts: dict[str, Any] = {
            "retriever": retriever,
            "scout": scout,
            "shortlists": shortlists,
            "knowledge_dir": KNOWLEDGE_DIR,
            "history": HistoryStore(engine),
            "llm": None,
        }
        parts.update(overrides)
        return Answerer(**parts)

    return make


@pytest.fixture
def answerer(make_answerer: MakeAnswerer) -> Answerer:
    return make_answerer()


def llm_answerer(make_answerer: MakeAnswerer, model: Any, **overrides: Any) -> Answerer:
    """An Answerer in LLM mode driving `model` with the real system prompt."""
    prompt = (PROJECT_DIR / "prompts" / "agent_system.md").read_text(encoding="utf-8")
    return make_answerer(llm=LLMAgent(model, prompt), **overrides)


def assert_grounded(result: AskResult, *extra: Any, knowledge_dir: Path = KNOWLEDGE_DIR) -> None:
    """Every quote is verbatim in its knowledge file, and every number in the answer is backed
    by the result's own creators and quotes or by `extra` (e.g. the plan it describes)."""
    documents = {d.source: d for d in load_documents([knowledge_dir])}
    for citation in result.citations:
        assert citation.source in documents, citation
        assert citation.quote in documents[citation.source].text, citation
        assert citation.title == documents[citation.source].title
    allowed = allowed_numbers([*result.creators, *(c.quote for c in result.citations), *extra])
    assert unsupported_numbers(result.answer, allowed) == [], result.answer
