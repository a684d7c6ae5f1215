"""Chroma access for the guidance index: the client, and the pointer to the live collection.

Each build writes a fresh collection; a one-line pointer (the metadata of a small
collection) names the live one, so readers never see a half-built index. Builds
take a lock file in the data dir, so two `scout ingest` on one machine run one
after the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from bot.config import Settings
from bot.errors import ConfigError, ScoutError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

logger = logging.getLogger(__name__)

POINTER = "scout-live-pointer"
COLLECTION_PREFIX = "scout-guidance-"
LOCK_FILE = "ingest.lock"
# How long a Chroma server may take to answer its heartbeat before commands give up on it.
SERVER_ANSWER_TIMEOUT_S = 10.0


class IndexState(BaseModel):
    """What the pointer says: the live collection and the embedder that filled it."""

    collection: str
    embedder: str


def open_client(settings: Settings) -> ClientAPI:
    """A Chroma server when CHROMA_HOST is set, else the embedded store in the data dir.
    An unreachable server is a ConfigError naming CHROMA_HOST/CHROMA_PORT; a store that
    cannot be opened, a ScoutError naming its folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from chromadb.errors import ChromaError

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_server:
        assert settings.chroma_host is not None
        _answers_in_time(settings.chroma_host, settings.chroma_port)
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        # chromadb: "Could not connect to a Chroma server", or whatever the port answered
        # (a web page's HTML, a ChromaError such as "Unauthorized").
        except (ValueError, OSError, ChromaError) as exc:
            raise ConfigError(
                f"cannot reach the Chroma server at {settings.chroma_host}:"
                f"{settings.chroma_port} (CHROMA_HOST/CHROMA_PORT): {_one_line(exc)}"
            ) from None
    path = settings.scout_data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except ChromaError as exc:  # e.g. "file is not a database": a damaged or foreign store
        raise ScoutError(
            f"cannot open the knowledge index in {path} (SCOUT_DATA_DIR): {_one_line(exc)}; "
            "move that folder aside and run `scout ingest`"
        ) from None


def _answers_in_time(host: str, port: int) -> None:
    """Refuse a server that takes the connection but never answers: chromadb's own client
    waits without a timeout, so every command would hang. Other failures are left to it."""
    import httpx

    try:
        httpx.get(f"http://{host}:{port}/api/v2/heartbeat", timeout=SERVER_ANSWER_TIMEOUT_S)
    except httpx.TimeoutException:
        raise ConfigError(
            f"the Chroma server at {host}:{port} (CHROMA_HOST/CHROMA_PORT) did not answer "
            f"within {SERVER_ANSWER_TIMEOUT_S:g} s"
        ) from None
    except httpx.HTTPError:
        pass


def _one_line(exc: Exception, limit: int = 160) -> str:
    """The gist of an error whose text may be a whole web page: tags dropped, one line."""
    text = " ".join(re.sub(r"<[^>]*>", " ", str(exc)).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@contextlib.contextmanager
def server_connection(settings: Settings) -> Iterator[None]:
    """Turn a Chroma server lost mid-command (httpx's transport errors) into one line
    naming CHROMA_HOST/CHROMA_PORT; `open_client` covers a server that is down from the start."""
    import httpx

    try:
        yield
    except httpx.TransportError as exc:
        if not settings.chroma_server:
            raise
        raise lost_server(f"{settings.chroma_host}:{settings.chroma_port}", exc) from None
    except Exception as exc:
        status = http_status(exc)
        if not settings.chroma_server or status is None:
            raise
        raise failed_server(f"{settings.chroma_host}:{settings.chroma_port}", status) from None


def lost_server(address: str, exc: Exception) -> ConfigError:
    """The one line for a Chroma server at `address` that stopped answering."""
    return ConfigError(
        f"lost the Chroma server at {address} (CHROMA_HOST/CHROMA_PORT): "
        f"{exc or type(exc).__name__}"
    )


def http_status(exc: BaseException) -> str | None:
    """The HTTP status ("502 Bad Gateway") when chromadb raised a bare Exception for an
    HTTP error it has no type for (its text: a proxy's HTML page), else None."""
    import httpx

    cause = exc.__context__
    if type(exc) is not Exception or not isinstance(cause, httpx.HTTPStatusError):
        return None
    return f"{cause.response.status_code} {cause.response.reason_phrase}".strip()


def failed_server(address: str, status: str) -> ConfigError:
    """The one line for a Chroma server at `address` that answered with an HTTP error."""
    return ConfigError(
        f"the Chroma server at {address} (CHROMA_HOST/CHROMA_PORT) answered HTTP {status}"
    )


def live_state(client: ClientAPI) -> IndexState | None:
    """The pointer, or None when nothing was ever ingested."""
    from chromadb.errors import NotFoundError

    try:
        metadata = client.get_collection(POINTER, embedding_function=None).metadata or {}
    except NotFoundError:
        return None
    if "collection" not in metadata:
        return None
    return IndexState(collection=str(metadata["collection"]), embedder=str(metadata["embedder"]))


def live_collection(client: ClientAPI, state: IndexState) -> Collection | None:
    """The collection the pointer names, or None if it has gone."""
    from chromadb.errors import NotFoundError

    try:
        return client.get_collection(state.collection, embedding_function=None)
    except NotFoundError:
        return None


def new_collection(client: ClientAPI, name: str, embedder: str, digest: str = "") -> Collection:
    """A new, empty collection for a build. `digest` fingerprints every chunk it will
    hold (ids and metadata), so the next ingest can tell "unchanged" without reading
    them back; `created` dates the build for the orphan sweep."""
    # embedding_function=None: vectors always come from our embedder, and Chroma's
    # default function would try to download a model.
    return client.create_collection(
        name,
        embedding_function=None,
        metadata={
            "hnsw:space": "cosine",
            "embedder": embedder,
            "created": time.time(),
            "digest": digest,
        },
    )


def point_to(client: ClientAPI, state: IndexState) -> None:
    """Make `state.collection` the live index in one metadata write."""
    pointer = client.get_or_create_collection(POINTER, embedding_function=None)
    pointer.modify(metadata=state.model_dump())


def drop_collection(client: ClientAPI, name: str) -> None:
    # Chroma's delete_collection leaves the collection's HNSW folder on disk in the
    # embedded store (chroma-core/chroma#5259, #5520). Chroma's files are Chroma's to
    # manage: we never remove them ourselves.
    try:
        client.delete_collection(name)
    except Exception as exc:
        if not is_missing_collection(exc):
            raise
        logger.debug("collection %s was already gone", name)


def drop_orphans(client: ClientAPI, keep: set[str], min_age_s: float = 0.0) -> list[str]:
    """Drop our collections other than `keep` (the live one) left by builds that died.

    Call it holding `ingest_lock`: with the embedded store nothing else is then being
    built, so `min_age_s` is 0. A Chroma server may be shared by several machines,
    whose lock files are their own, so there only collections created more than
    `min_age_s` ago go (one built before collections were dated counts as old).
    """
    now = time.time()
    dropped: list[str] = []
    for collection in client.list_collections():
        name = collection.name
        if not name.startswith(COLLECTION_PREFIX) or name in keep:
            continue
        created = (collection.metadata or {}).get("created")
        if isinstance(created, int | float) and now - created < min_age_s:
            continue
        drop_collection(client, name)
        dropped.append(name)
    if dropped:
        logger.info("dropped %d collection(s) left by an interrupted ingest", len(dropped))
    return dropped


def is_missing_collection(exc: BaseException) -> bool:
    """True when Chroma says a collection does not exist (NotFoundError, embedded and
    server alike; the message check covers errors older servers send untyped)."""
    from chromadb.errors import ChromaError, NotFoundError

    return isinstance(exc, NotFoundError) or (
        isinstance(exc, ChromaError) and "does not exist" in str(exc)
    )


@contextlib.contextmanager
def ingest_lock(data_dir: Path, on_wait: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Hold the ingest lock of `data_dir` (an flock on its lock file) for the block.

    If another process holds it, call `on_wait(lock file)` once, then wait for it.
    The kernel releases the lock when its holder exits, even after `kill -9`, so a
    dead ingest never blocks the next one.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
