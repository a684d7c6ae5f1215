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
    old_sources: dict[str, str] = {}
    if old is not None:
        existing = old.get(include=["metadatas"])
        for cid, meta in zip(existing["ids"], existing["metadatas"] or [], strict=True):
            old_sources[cid] = str((meta or {}).get("source", ""))
    report.rebuilt = state is not None and old is not None and state.embedder != embedder.name
    reusable = set() if report.rebuilt else set(old_sources) & set(chunks)

    _count_changes(report, old_sources, chunks, reusable)
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


def _count_changes(
    report: IngestReport,
    old_sources: dict[str, str],
    chunks: dict[str, Chunk],
    reusable: set[str],
) -> None:
    old_by_source: dict[str, set[str]] = defaultdict(set)
    for cid, source in old_sources.items():
        old_by_source[source].add(cid)
    new_by_source: dict[str, set[str]] = defaultdict(set)
    for cid, chunk in chunks.items():
        new_by_source[chunk.source].add(cid)

    for source in sorted(set(old_by_source) | set(new_by_source)):
        before, after = old_by_source.get(source, set()), new_by_source.get(source, set())
        if not before:
            report.files_added.append(source)
        elif not after:
            report.files_removed.append(source)
        elif before != after or (report.rebuilt and after):
            report.files_updated.append(source)
        else:
            report.files_unchanged += 1
    report.chunks_kept = len(reusable)
    report.chunks_added = len(chunks) - len(reusable)
    report.chunks_removed = len(old_sources) - len(reusable)


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
