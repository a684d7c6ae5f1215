"""Build the guidance index: chunk, embed only what is new, then swap the live collection.

Ids are content hashes, so an unchanged chunk keeps its vector (copied, never
re-embedded) while its metadata (title, offsets) is always the fresh one; a run
with nothing changed writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from bot.errors import ScoutError
from bot.knowledge.chunking import Chunk, chunk_document
from bot.knowledge.embedders import GuidanceEmbedder, WordsAndSentences, passage_vectors
from bot.knowledge.loader import Document, Skipped
from bot.knowledge.store import (
    COLLECTION_PREFIX,
    IndexState,
    drop_collection,
    drop_orphans,
    is_missing_collection,
    live_collection,
    live_state,
    new_collection,
    point_to,
)

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

logger = logging.getLogger(__name__)

EMBED_BATCH = 512
READ_BATCH = 5000
Progress = Callable[[str, int, int], None]
Metadata = dict[str, str | int]


class NothingToIndexError(ScoutError):
    """No usable document: refusing beats silently emptying the live index."""


class IndexChangedError(ScoutError):
    """A collection vanished mid-build: another ingest is writing the same Chroma."""


class IngestReport(BaseModel):
    """What one `scout ingest` changed."""

    files_added: list[str] = Field(default_factory=list)
    files_updated: list[str] = Field(default_factory=list)
    files_removed: list[str] = Field(default_factory=list)
    files_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_kept: int = 0
    # Kept chunks (same text, same vector) whose title or position in the file moved.
    chunks_refreshed: int = 0
    embedded: int = 0
    rebuilt: bool = False  # the embedder changed, so every vector was recomputed
    orphans_dropped: int = 0  # collections left behind by an ingest that died mid-build
    skipped: list[Skipped] = Field(default_factory=list)
    embedder: str = ""
    collection: str = ""

    @property
    def changed(self) -> bool:
        return bool(
            self.chunks_added or self.chunks_removed or self.chunks_refreshed or self.rebuilt
        )


def chunk_corpus(documents: Sequence[Document]) -> list[Chunk]:
    return [chunk for document in documents for chunk in chunk_document(document)]


def _metadata(chunk: Chunk) -> Metadata:
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
    embedder: GuidanceEmbedder,
    documents: Sequence[Document],
    *,
    skipped: Sequence[Skipped] = (),
    progress: Progress | None = None,
    orphan_min_age_s: float = 0.0,
) -> IngestReport:
    """Make the live index hold exactly `documents`' chunks, embedded by `embedder`.

    Refuses documents that yield no chunk (NothingToIndexError). Run it under
    `ingest_lock`: it first drops our collections that are neither live nor younger
    than `orphan_min_age_s` (see `drop_orphans`). Should another ingest on the same
    Chroma server drop a collection this one reads or writes, it raises
    IndexChangedError and leaves the pointer as it found it.
    """
    chunks = {chunk.chunk_id: chunk for chunk in chunk_corpus(documents)}
    if not chunks:
        raise NothingToIndexError("no documents to index; the index was left as it was")
    try:
        return _ingest(client, embedder, chunks, skipped, progress, orphan_min_age_s)
    except Exception as exc:
        if not is_missing_collection(exc):
            raise
        logger.debug("a collection vanished mid-ingest", exc_info=True)
        raise IndexChangedError(
            "another `scout ingest` changed the index while this one ran (a collection "
            "vanished); this run changed nothing: run `scout ingest` again"
        ) from None


def _ingest(
    client: ClientAPI,
    embedder: GuidanceEmbedder,
    chunks: dict[str, Chunk],
    skipped: Sequence[Skipped],
    progress: Progress | None,
    orphan_min_age_s: float,
) -> IngestReport:
    report = IngestReport(skipped=list(skipped), embedder=embedder.name)

    state = live_state(client)
    keep = {state.collection} if state is not None else set()
    report.orphans_dropped = len(drop_orphans(client, keep, orphan_min_age_s))
    old = live_collection(client, state) if state else None
    digest = _digest(chunks)
    if old is not None and (old.metadata or {}).get("digest") == digest:
        # The live collection holds exactly these chunks with this metadata: no need to
        # read it back (for 20,000 chunks that read costs a second).
        stored = {cid: _metadata(chunk) for cid, chunk in chunks.items()}
    else:
        stored = _stored_metadata(old) if old is not None else {}
    old_ids = set(stored)
    report.rebuilt = state is not None and old is not None and state.embedder != embedder.name
    reusable = set() if report.rebuilt else old_ids & set(chunks)
    if isinstance(embedder, WordsAndSentences):
        # MiniLM reads the title too (Chunk.index_text): a new title needs a new vector.
        reusable = {cid for cid in reusable if stored[cid].get("title") == chunks[cid].title}
    # Same id means same source, heading and text, so the same WordLlama vector; the
    # title and the offsets may still have moved (front matter edited, text inserted above).
    refreshed = {cid for cid in reusable if stored[cid] != _metadata(chunks[cid])}

    _count_changes(report, stored, chunks, reusable, refreshed)
    if not report.changed and old is not None:
        assert state is not None
        report.collection = state.collection
        return report

    name = f"{COLLECTION_PREFIX}{uuid.uuid4().hex[:16]}"
    target = new_collection(client, name, embedder.name, digest)
    try:
        if old is not None and reusable:
            _copy(old, target, sorted(reusable), chunks, client.get_max_batch_size())
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


def _digest(chunks: dict[str, Chunk]) -> str:
    """A fingerprint of every chunk's id and metadata, in id order."""
    digest = hashlib.sha256()
    for cid in sorted(chunks):
        digest.update(json.dumps([cid, _metadata(chunks[cid])], sort_keys=True).encode())
    return digest.hexdigest()


def _stored_metadata(collection: Any) -> dict[str, Metadata]:
    """Every stored chunk's metadata by id (no vectors: those are only read to copy)."""
    stored: dict[str, Metadata] = {}
    while True:
        got = collection.get(include=["metadatas"], limit=READ_BATCH, offset=len(stored))
        for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
            stored[cid] = dict(meta or {})
        if len(got["ids"]) < READ_BATCH:
            return stored


def _count_changes(
    report: IngestReport,
    stored: dict[str, Metadata],
    chunks: dict[str, Chunk],
    reusable: set[str],
    refreshed: set[str],
) -> None:
    new_by_source: dict[str, set[str]] = defaultdict(set)
    for cid, chunk in chunks.items():
        new_by_source[chunk.source].add(cid)
    gone_by_source: dict[str, int] = defaultdict(int)
    for cid, meta in stored.items():
        if cid not in chunks:
            gone_by_source[str(meta.get("source", ""))] += 1
    refreshed_sources = {chunks[cid].source for cid in refreshed}

    for source in sorted(set(new_by_source) | set(gone_by_source)):
        after = new_by_source.get(source, set())
        existed = any(cid in stored for cid in after) or source in gone_by_source
        if not after:
            report.files_removed.append(source)
        elif not existed:
            report.files_added.append(source)
        elif (
            any(cid not in reusable for cid in after)
            or source in gone_by_source
            or source in refreshed_sources
            or report.rebuilt
        ):
            report.files_updated.append(source)
        else:
            report.files_unchanged += 1
    report.chunks_kept = len(reusable)
    report.chunks_refreshed = len(refreshed)
    report.chunks_added = len(chunks) - len(reusable)
    report.chunks_removed = len(stored) - len(reusable)


def _copy(old: Any, target: Any, ids: list[str], chunks: dict[str, Chunk], batch: int) -> None:
    """Copy kept chunks' vectors; their text and metadata are written fresh."""
    for part in _batches(ids, min(batch, READ_BATCH)):
        got = old.get(ids=list(part), include=["embeddings"])
        kept = [chunks[cid] for cid in got["ids"]]
        target.add(
            ids=got["ids"],
            embeddings=np.asarray(got["embeddings"], dtype=np.float32),
            documents=[chunk.text for chunk in kept],
            metadatas=[_metadata(chunk) for chunk in kept],
        )


def _embed_into(
    target: Any, embedder: GuidanceEmbedder, chunks: list[Chunk], progress: Progress | None
) -> int:
    done = 0
    for part in _batches(chunks, EMBED_BATCH):
        vectors = passage_vectors(embedder, part)
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
