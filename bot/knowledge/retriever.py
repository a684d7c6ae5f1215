"""Search the guidance: BM25 over stemmed words plus dense vectors, fused by reciprocal rank.

The retriever reads the live collection once (then stays warm), keeps the BM25
index in memory and asks Chroma for the nearest vectors. Safe to share between
threads; it reloads by itself when `scout ingest` swaps in a new collection.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from bot.config import Settings
from bot.embeddings import Embedder
from bot.errors import NotReadyError
from bot.knowledge.analysis import STOPWORDS, dense_query, query_terms, stem, tokens, words
from bot.knowledge.chunking import index_text
from bot.knowledge.models import Passage
from bot.knowledge.store import live_collection, live_state, open_client

if TYPE_CHECKING:
    import bm25s
    from chromadb.api import ClientAPI

logger = logging.getLogger(__name__)

Method = Literal["hybrid", "bm25", "dense"]
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")

# Each method proposes this many candidates for fusion.
CANDIDATES = 30
# Lower than the usual 60: with a small corpus both lists overlap a lot, and a flat
# fusion lets middling passages found by both outrank one method's clear winner.
RRF_K = 20
# BM25 with stemming, synonyms and neighbour words is the stronger signal here
# (bench/retrieval.py: WordLlama vectors alone find about 0.6 of answers in the top
# 5); the dense ranking breaks ties and nudges paraphrases, so it counts for less.
# Chosen on the eval set's dev split.
DENSE_WEIGHT = 0.2
# The usual BM25 parameters: k1 0.9-2.0 and b 0.5-0.9 did no better on the dev split.
BM25_K1 = 1.5
BM25_B = 0.75
# Query words also search for their nearest corpus words in embedding space
# ("adverts" -> "ads", "earn" -> "income"), weighted by similarity and this factor.
NEIGHBOURS = 3
NEIGHBOUR_MIN_SIMILARITY = 0.45
NEIGHBOUR_WEIGHT = 0.5
# Pseudo-relevance feedback for the hybrid's dense leg: the query vector moves
# towards the mean of BM25's top passages (Rocchio), so paraphrases of what BM25
# found rank high while off-topic "similar-sounding" passages drop.
FEEDBACK_PASSAGES = 3
FEEDBACK_WEIGHT = 0.5
# Query words recur; their vectors are cached (the tokenizer dominates a query's cost).
TERM_CACHE_SIZE = 20_000
NOT_READY = "the knowledge index is empty or missing: run `scout ingest`"


@dataclass(frozen=True)
class _Snapshot:
    """One live collection, read into memory: passages in Chroma's order plus BM25."""

    collection: Any
    ids: list[str]
    positions: dict[str, int]  # chunk id -> index into `ids` and `passages`
    vectors: np.ndarray  # the stored embeddings, row i for passage i
    passages: list[Passage]
    spans: list[tuple[str, int, int]]  # (source, start, end) of each passage
    bm25: bm25s.BM25
    vocabulary: list[str]  # distinct corpus words, for query expansion
    vocabulary_stems: list[str]
    vocabulary_vectors: np.ndarray


def reciprocal_rank_fusion(
    rankings: list[list[int]], weights: list[float] | None = None, k: int = RRF_K
) -> dict[int, float]:
    """Sum of weight / (k + rank) over the rankings each item appears in (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class Retriever:
    """Hybrid search over the live guidance collection."""

    def __init__(
        self, client: ClientAPI, embedder: Embedder, term_embedder: Embedder | None = None
    ) -> None:
        self._client = client
        self._embedder = embedder
        # Word-level query expansion embeds the corpus vocabulary: worth it with a
        # local model, not with a paid API, so it has its own (optional) embedder.
        self._term_embedder = term_embedder
        self._term_cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def search(self, query: str, k: int = 5, method: Method = "hybrid") -> list[Passage]:
        """The `k` best passages for `query`, best first (`score`: higher is better)."""
        if not query.strip():
            return []
        snapshot = self._current()
        try:
            return self._search(snapshot, query, k, method)
        except Exception as exc:
            if not _is_not_found(exc):
                raise
            # A newer ingest replaced the collection under us: reload once.
            return self._search(self._current(stale=snapshot), query, k, method)

    # -- searching ----------------------------------------------------------------
    def _search(self, snap: _Snapshot, query: str, k: int, method: Method) -> list[Passage]:
        limit = max(k, CANDIDATES)
        if method == "bm25":
            return self._top(snap, self._bm25(snap, query, limit), k)
        if method == "dense":
            return self._top(snap, self._dense(snap, query, limit), k)
        bm25 = [i for i, _ in self._bm25(snap, query, limit)]
        dense = [i for i, _ in self._dense(snap, query, limit, bm25[:FEEDBACK_PASSAGES])]
        fused = reciprocal_rank_fusion([bm25, dense], [1.0, DENSE_WEIGHT], RRF_K)
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
        return self._top(snap, ranked, k)

    def _bm25(self, snap: _Snapshot, query: str, limit: int) -> list[tuple[int, float]]:
        scores = np.zeros(len(snap.ids), dtype=np.float32)
        for term, weight in self._expanded_terms(snap, query).items():
            if term in snap.bm25.vocab_dict:
                scores += weight * snap.bm25.get_scores([term])
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(int(i), float(scores[i])) for i in order if scores[i] > 0]

    def _expanded_terms(self, snap: _Snapshot, query: str) -> dict[str, float]:
        terms = query_terms(query)
        content = [w for w in dict.fromkeys(words(query)) if w not in STOPWORDS and len(w) > 2]
        if self._term_embedder is None or not content or not snap.vocabulary:
            return terms
        similarities = self._term_vectors(content) @ snap.vocabulary_vectors.T
        # One more than NEIGHBOURS: a query word's nearest corpus word is usually itself.
        nearest = min(NEIGHBOURS + 1, similarities.shape[1])
        for row in similarities:
            for i in np.argpartition(-row, nearest - 1)[:nearest]:
                similarity, term = float(row[i]), snap.vocabulary_stems[i]
                if similarity >= NEIGHBOUR_MIN_SIMILARITY and term not in terms:
                    terms[term] = NEIGHBOUR_WEIGHT * similarity
        return terms

    def _term_vectors(self, terms: list[str]) -> np.ndarray:
        assert self._term_embedder is not None
        found = {t: v for t in terms if (v := self._term_cache.get(t)) is not None}
        missing = [t for t in terms if t not in found]
        if missing:
            if len(self._term_cache) > TERM_CACHE_SIZE:
                self._term_cache = {}  # replaced, not cleared, so readers never see it shrink
            for term, vector in zip(missing, self._term_embedder.embed(missing), strict=True):
                self._term_cache[term] = found[term] = vector
        return np.stack([found[t] for t in terms])

    def _dense(
        self, snap: _Snapshot, query: str, limit: int, feedback: list[int] | None = None
    ) -> list[tuple[int, float]]:
        vector = self._embedder.embed([dense_query(query)])[0]
        if feedback:
            vector = vector + FEEDBACK_WEIGHT * snap.vectors[feedback].mean(axis=0)
            vector = vector / max(float(np.linalg.norm(vector)), 1e-12)
        found = snap.collection.query(
            query_embeddings=vector[np.newaxis, :].astype(np.float32),
            n_results=min(limit, len(snap.ids)),
            include=["distances"],
        )
        distances = found["distances"][0]
        # Cosine distance -> similarity, so that higher is better like the other scores.
        return [
            (snap.positions[cid], 1.0 - float(d))
            for cid, d in zip(found["ids"][0], distances, strict=True)
            if cid in snap.positions
        ]

    @staticmethod
    def _top(snap: _Snapshot, ranked: list[tuple[int, float]], k: int) -> list[Passage]:
        """The first `k`, skipping a passage that overlaps a better one (chunks share a
        sentence at their seams): a repeat would waste a slot the reader needs."""
        chosen: list[int] = []
        for i, _ in ranked:
            source, start, end = snap.spans[i]
            if all(
                snap.spans[j][0] != source or end <= snap.spans[j][1] or start >= snap.spans[j][2]
                for j in chosen
            ):
                chosen.append(i)
                if len(chosen) == k:
                    break
        scores = dict(ranked)
        return [snap.passages[i].model_copy(update={"score": scores[i]}) for i in chosen]

    # -- loading ------------------------------------------------------------------
    def _current(self, stale: _Snapshot | None = None) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None and snapshot is not stale:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot is stale:
                self._snapshot = self._load()
            return self._snapshot

    def _load(self) -> _Snapshot:
        import bm25s

        # bm25s sets its own logger to DEBUG on import, which floods stderr.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        state = live_state(self._client)
        collection = live_collection(self._client, state) if state else None
        if state is None or collection is None:
            raise NotReadyError(NOT_READY)
        if state.embedder != self._embedder.name:
            raise NotReadyError(
                f"the knowledge index was built with {state.embedder} embeddings but "
                f"{self._embedder.name} is configured: run `scout ingest` to rebuild it"
            )
        got = collection.get(include=["documents", "metadatas", "embeddings"])
        if not got["ids"]:
            raise NotReadyError(NOT_READY)
        passages = [
            Passage(
                text=text,
                source=str(meta["source"]),
                title=str(meta["title"]),
                heading=str(meta.get("heading", "")),
                chunk_id=cid,
                score=0.0,
            )
            for cid, text, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        ]
        spans = [
            (p.source, int(str(meta.get("start", 0))), int(str(meta.get("end", 0))))
            for p, meta in zip(passages, got["metadatas"] or [], strict=True)
        ]
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        corpus = [tokens(index_text(p.title, p.heading, p.text)) for p in passages]
        bm25.index(corpus, show_progress=False)
        vocabulary = sorted(
            {
                w
                for p in passages
                for w in words(index_text(p.title, p.heading, p.text))
                if w.isalpha() and len(w) > 2 and w not in STOPWORDS
            }
        )
        vectors = (
            self._term_embedder.embed(vocabulary)
            if self._term_embedder is not None
            else np.zeros((0, 0), dtype=np.float32)
        )
        logger.info("loaded %d passages from %s", len(passages), state.collection)
        return _Snapshot(
            collection,
            list(got["ids"]),
            {cid: i for i, cid in enumerate(got["ids"])},
            np.asarray(got["embeddings"], dtype=np.float32),
            passages,
            spans,
            bm25,
            vocabulary,
            [stem(w) for w in vocabulary],
            vectors,
        )


def _is_not_found(exc: Exception) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


def open_retriever(
    settings: Settings, embedder: Embedder, term_embedder: Embedder | None = None
) -> Retriever:
    """A retriever over the configured Chroma (server or embedded in the data dir).

    `term_embedder` (default: `embedder`) finds corpus words near the query's words.
    """
    return Retriever(open_client(settings), embedder, term_embedder or embedder)
