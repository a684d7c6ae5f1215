"""Fixtures for the guidance index: the real WordLlama, real Chroma (embedded and `chroma run`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from bot.config import Settings, load_settings
from bot.embeddings import Embedder, WordLlamaEmbedder
from bot.knowledge.store import open_client

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"


@pytest.fixture(scope="session")
def wordllama() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


class CountingEmbedder:
    """Wraps an embedder and records how many texts it was asked to embed."""

    def __init__(self, inner: Embedder, name: str | None = None) -> None:
        self.inner = inner
        self.name = name or inner.name
        self.embedded: list[str] = []
        self.fail_after: int | None = None  # raise once this many texts were embedded

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
            raise RuntimeError("embedding service went away")
        self.embedded.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture
def counting(wordllama: WordLlamaEmbedder) -> CountingEmbedder:
    return CountingEmbedder(wordllama)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A `chroma run` server on loopback for this session, stopped afterwards."""
    executable = Path(sys.executable).parent / "chroma"
    if not executable.exists():
        found = shutil.which("chroma")
        if found is None:
            pytest.fail("the `chroma` command (from the chromadb package) is not installed")
        executable = Path(found)
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    process = subprocess.Popen(
        [str(executable), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"chroma run exited with {process.returncode}; see {path}/server.log")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer its heartbeat within 60 s")
            time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(
    params=["embedded", pytest.param("server", marks=pytest.mark.chroma_server)],
)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for an empty index: embedded Chroma in tmp, or the session's server wiped."""
    if request.param == "embedded":
        return load_settings(scout_data_dir=tmp_path / ".scout")
    host, port = request.getfixturevalue("chroma_server")
    config = load_settings(scout_data_dir=tmp_path / ".scout", chroma_host=host, chroma_port=port)
    client = open_client(config)
    for collection in client.list_collections():
        client.delete_collection(collection.name)
    return config


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the committed knowledge folder, free to edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
