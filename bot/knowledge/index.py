"""Build the guidance index: chunk, embed only what is new, then swap the live collection.

Ids are content hashes, so an unchanged chunk keeps its vector (copied, never
re-embedded); a run with nothing changed writes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from bot.embeddings import Embedder
from bot.knowledge.chunking import Chunk, chunk_document
from bot.knowledge.loader import Document, Skipped
from bot.knowledge.store import (
    COLLECTION_PREFIX,
    IndexState,
    drop_collection,
    live_collection,
    live_state,
    new_collection,
    point_to,
)

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

logger = logging.getLogger(__name__)

EMBED_BATCH = 512
Progress = Callable[[str, int, int], None]


class IngestReport(BaseModel):
    """What one `scout ingest` changed."""

    files_added: list[str] = Field(default_factory=list)
    files_updated: list[str] = Field(default_factory=list)
    files_removed: list[str] = Field(default_factory=list)
    files_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_kept: int = 0
    embedded: int = 0
    rebuilt: bool = False  # the embedder changed, so every vector was recomputed
    skipped: list[Skipped] = Field(default_factory=list)
    embedder: str = ""
    collection: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.chunks_added or self.chunks_removed or self.rebuilt)


def chunk_corpus(documents: Sequence[Document]) -> list[Chunk]:
    return [chunk for document in documents for chunk in chunk_document(document)]


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    return {
        "source": chunk.source,
        "title": chunk.title,
        "heading": chunk.heading,
        "start": chunk.start,
        "end": chunk.end,
    }


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def ingest(
    client: ClientAPI,
    embedder: Embedder,
    documents: Sequence[Document],
    *,
    skipped: Sequence[Skipped] = (),
    progress: Progress | None = None,
) -> IngestReport:
    """Make the live index hold exactly `documents`' chunks, embedded by `embedder`."""
    chunks = {chunk.chunk_id: chunk for chunk in chunk_corpus(documents)}
    report = IngestReport(skipped=list(skipped), embedder=embedder.name)

    state = live_state(client)
    old = live_collection(client, state) if state else None
    # Ids alone are cheap to list; metadata is fetched only for chunks that went away.
    old_ids: set[str] = set(old.get(include=[])["ids"]) if old is not None else set()
    gone = sorted(old_ids - set(chunks))
    gone_sources = _sources(old, gone) if old is not None else {}
    report.rebuilt = state is not None and old is not None and state.embedder != embedder.name
    reusable = set() if report.rebuilt else old_ids & set(chunks)

    _count_changes(report, old_ids, gone_sources, chunks, reusable)
    if not report.changed and old is not None:
        assert state is not None
        report.collection = state.collection
        return report

    name = f"{COLLECTION_PREFIX}{uuid.uuid4().hex[:16]}"
    target = new_collection(client, name, embedder.name)
    try:
        if old is not None and reusable:
            _copy(old, target, sorted(reusable), client.get_max_batch_size())
        fresh = [chunks[cid] for cid in chunks if cid not in reusable]
        report.embedded = _embed_into(target, embedder, fresh, progress)
        point_to(client, IndexState(collection=name, embedder=embedder.name))
    except BaseException:
        # The pointer still names the old collection; nothing half-built stays visible.
        drop_collection(client, name)
        raise
    if state is not None:
        drop_collection(client, state.collection)
    report.collection = name
    return report


def _sources(collection: Any, ids: list[str]) -> dict[str, str]:
    sources: dict[str, str] = {}
    for part in _batches(ids, 5000):
        got = collection.get(ids=list(part), include=["metadatas"])
        for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            sources[cid] = str((meta or {}).get("source", ""))
    return sources


def _count_changes(
    report: IngestReport,
    old_ids: set[str],
    gone_sources: dict[str, str],
    chunks: dict[str, Chunk],
    reusable: set[str],
) -> None:
    new_by_source: dict[str, set[str]] = defaultdict(set)
    for cid, chunk in chunks.items():
        new_by_source[chunk.source].add(cid)
    gone_by_source: dict[str, int] = defaultdict(int)
    for source in gone_sources.values():
        gone_by_source[source] += 1

    for source in sorted(set(new_by_source) | set(gone_by_source)):
        after = new_by_source.get(source, set())
        existed = bool(after & old_ids) or source in gone_by_source
        if not after:
            report.files_removed.append(source)
        elif not existed:
            report.files_added.append(source)
        elif after - old_ids or source in gone_by_source or report.rebuilt:
            report.files_updated.append(source)
        else:
            report.files_unchanged += 1
    report.chunks_kept = len(reusable)
    report.chunks_added = len(chunks) - len(reusable)
    report.chunks_removed = len(old_ids) - len(reusable)


def _copy(old: Any, target: Any, ids: list[str], batch: int) -> None:
    for part in _batches(ids, min(batch, 5000)):
        got = old.get(ids=list(part), include=["embeddings", "documents", "metadatas"])
        target.add(
            ids=got["ids"],
            embeddings=np.asarray(got["embeddings"], dtype=np.float32),
            documents=got["documents"],
            metadatas=got["metadatas"],
        )


def _embed_into(
    target: Any, embedder: Embedder, chunks: list[Chunk], progress: Progress | None
) -> int:
    done = 0
    for part in _batches(chunks, EMBED_BATCH):
        vectors = embedder.embed([chunk.dense_text for chunk in part])
        target.add(
            ids=[chunk.chunk_id for chunk in part],
            embeddings=vectors,
            documents=[chunk.text for chunk in part],
            metadatas=[_metadata(chunk) for chunk in part],
        )
        done += len(part)
        if progress is not None:
            progress("embedded", done, len(chunks))
    return done
