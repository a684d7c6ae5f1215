"""OpenAI embeddings through langchain-openai, against the loopback FakeOpenAI server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.config import load_settings
from bot.deps import Deps
from bot.errors import ConfigError, NotReadyError
from bot.knowledge.embedders import OpenAIEmbedder, guidance_embedder
from bot.knowledge.index import ingest
from bot.knowledge.loader import read_corpus
from bot.knowledge.store import POINTER, live_state, open_client
from tests.knowledge.conftest import KNOWLEDGE
from tests.support.fake_openai import FakeOpenAI, Raw


@pytest.fixture
def api() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def openai_settings(api: FakeOpenAI, tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_settings(
        scout_data_dir=tmp_path / ".scout",
        scout_embeddings="openai",
        openai_api_key="sk-test",
        openai_base_url=api.base_url,
        openai_embedding_model="text-embedding-3-small",
    )


def test_openai_embedder_sends_texts_and_returns_unit_vectors(
    api: FakeOpenAI, tmp_path: Path
) -> None:
    embedder = OpenAIEmbedder(openai_settings(api, tmp_path))

    vectors = embedder.embed(["vegan fitness", "budget travel"])

    assert embedder.name == "openai-text-embedding-3-small"
    assert vectors.shape == (2, 64)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    [request] = api.requests_to("/v1/embeddings")
    assert request.body["input"] == ["vegan fitness", "budget travel"]  # text, not tiktoken ids
    assert request.body["model"] == "text-embedding-3-small"


def test_ingest_and_search_with_openai_embeddings(api: FakeOpenAI, tmp_path: Path) -> None:
    settings = openai_settings(api, tmp_path)
    deps = Deps(settings)
    documents, _ = read_corpus([KNOWLEDGE])

    report = ingest(open_client(settings), deps.guidance_embedder, documents)
    hits = deps.retriever.search("Burnout pressure to constantly produce content", k=3)

    assert report.embedder == "openai-text-embedding-3-small"
    assert any("Burnout" in hit.text for hit in hits)
    assert api.requests_to("/v1/embeddings")


def test_switching_embedders_needs_a_rebuild(api: FakeOpenAI, tmp_path: Path) -> None:
    settings = openai_settings(api, tmp_path)
    documents, _ = read_corpus([KNOWLEDGE])
    ingest(open_client(settings), Deps(settings).guidance_embedder, documents)
    wordllama = Deps(load_settings(scout_data_dir=tmp_path / ".scout"))

    with pytest.raises(NotReadyError, match="built with openai-text-embedding-3-small"):
        wordllama.retriever.search("trust")

    report = ingest(open_client(wordllama.settings), wordllama.guidance_embedder, documents)
    assert report.rebuilt
    assert wordllama.retriever.search("trust")


def test_openai_embeddings_without_a_key_fail_naming_the_setting(tmp_path: Path) -> None:
    settings = load_settings(scout_data_dir=tmp_path, scout_embeddings="openai")
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        guidance_embedder(settings, lambda: pytest.fail("must not fall back"))


def closed_port() -> int:
    """A loopback port nothing listens on (bound for a moment, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_embeddings_api_is_a_config_error_and_keeps_the_index(
    api: FakeOpenAI, tmp_path: Path
) -> None:
    settings = openai_settings(api, tmp_path)
    documents, _ = read_corpus([KNOWLEDGE])
    first = ingest(open_client(settings), OpenAIEmbedder(settings), documents)
    unreachable = settings.model_copy(
        update={"openai_base_url": f"http://127.0.0.1:{closed_port()}/v1"}
    )
    documents.append(documents[0].model_copy(update={"source": "copy.md"}))

    with pytest.raises(ConfigError, match="OPENAI_BASE_URL") as failure:
        ingest(open_client(unreachable), OpenAIEmbedder(unreachable), documents)

    assert "cannot reach the embeddings API at http://127.0.0.1:" in str(failure.value)
    assert "\n" not in str(failure.value)
    client = open_client(settings)
    assert live_state(client).collection == first.collection  # type: ignore[union-attr]
    assert {c.name for c in client.list_collections()} == {first.collection, POINTER}
    assert Deps(settings).retriever.search("Burnout pressure", k=1)


def test_a_rejected_api_key_is_a_config_error_naming_it(api: FakeOpenAI, tmp_path: Path) -> None:
    error = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}
    api.routes["POST /v1/embeddings"] = lambda body: Raw(401, json.dumps(error).encode())
    settings = openai_settings(api, tmp_path)

    with pytest.raises(ConfigError, match="refused OPENAI_API_KEY") as failure:
        ingest(open_client(settings), OpenAIEmbedder(settings), read_corpus([KNOWLEDGE])[0])

    assert "(HTTP 401): Incorrect API key provided" in str(failure.value)
    assert live_state(open_client(settings)) is None


def test_scout_ingest_with_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        SCOUT_EMBEDDINGS="openai",
        OPENAI_API_KEY="sk-test",
        OPENAI_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(KNOWLEDGE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("scout: cannot reach the embeddings API at http://127.0.0.1:")
    assert "(OPENAI_BASE_URL)" in line
