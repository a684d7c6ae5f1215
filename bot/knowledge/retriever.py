"""Search the guidance: BM25 over stemmed words plus dense similarity, fused by z-scores.

The dense similarity is WordLlama's (vector cosine and word alignment) and, with the
default WordLlama index, that of MiniLM's token table as well.

The retriever reads the live collection once (then stays warm) and keeps the BM25
index, the stored vectors and the word vectors of the corpus vocabulary in
memory. Safe to share between threads; it reloads by itself when `scout ingest`
swaps in a new collection.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import httpx
import numpy as np

from bot.config import Settings
from bot.embeddings import Embedder, WordLlamaEmbedder
from bot.errors import ConfigError, NotReadyError
from bot.knowledge.analysis import (
    STOPWORDS,
    concepts,
    dense_query,
    index_tokens,
    query_terms,
    stem,
    words,
)
from bot.knowledge.chunking import dense_text, index_text
from bot.knowledge.embedders import GuidanceEmbedder, WordsAndSentences, query_vectors
from bot.knowledge.models import Passage
from bot.knowledge.store import (
    failed_server,
    http_status,
    live_collection,
    live_state,
    lost_server,
    open_client,
)
from bot.knowledge.token_table import TokenIndex, TokenTable

if TYPE_CHECKING:
    import bm25s
    from chromadb.api import ClientAPI

logger = logging.getLogger(__name__)

Method = Literal["hybrid", "bm25", "dense", "rrf"]
# What `scout eval` compares; "rrf" (the hybrid fused by rank instead) is measured by
# bench/retrieval.py, next to these.
METHODS: tuple[Method, ...] = ("bm25", "dense", "hybrid")

# Share of the dense score in the hybrid: both scores are z-normalised over the
# corpus and mixed linearly, so a clear winner of either method keeps its lead.
# Reciprocal rank fusion (RRF_K) flattens that: "is this micro influencer thing just a
# fad?" has the "passing trend" passage first in BM25 and nowhere in dense, and RRF
# drops it to fifth behind passages both rank middling. On the 270 questions of
# bench/data/retrieval_eval.json: RRF recall@5 0.915, MRR 0.758; z-scores with a dense
# share of 0.3-0.6 recall@5 0.926-0.933, MRR 0.771-0.795 (best at 0.4).
# The dense leg searches with the query alone: moving its vector towards BM25's top
# passages (Rocchio feedback) made it echo BM25 (recall@5 the same, MRR 0.786).
DENSE_WEIGHT = 0.4
# With MiniLM's sentence vectors in the index (SCOUT_EMBEDDINGS=minilm), BM25, the
# WordLlama dense score and MiniLM's z-scored cosine weigh 1 : 0.3 : 0.6. Chosen on the
# 270 questions by leaving each split out in turn: the same point won on the other
# splits every time (held-out recall@5 0.956, against 0.933 without MiniLM). So here
# the dense score is 1/3 WordLlama and 2/3 MiniLM, and it has 0.9/1.9 of the hybrid.
# MiniLM costs ingest time (it reads every chunk). By default its token table
# (token_table.py: MiniLM distilled to one vector per token, no model run) takes the
# same share instead, scaled by how rare the query's rarest token is: recall@5 0.956,
# MRR 0.810 (0.933, 0.795 without it). Choosing the table's variant and these weights
# with each split left out in turn, before the rarity scaling, held out 0.956; the
# scaling kept recall and put "what counts as a micro-influencer?" back in the top 5.
# Using MiniLM at query time only fell short: a ridge map from
# WordLlama passage vectors into MiniLM's space (0.948 at best, 0.930-0.937 held out),
# MiniLM-embedded corpus words as BM25 expansion terms (0.941, 0.937 held out), and
# re-ranking the hybrid's top 30 with passage vectors embedded on demand (0.952, but a
# cold query embeds up to 30 passages: half a second here).
SENTENCE_SHARE = 2 / 3
DENSE_WEIGHT_WITH_SENTENCES = 0.9 / 1.9
RRF_K = 60
# The dense score is the mean of two z-scored similarities: the cosine of the
# passage vector, and word alignment (each query word's best match among the
# passage's words, weighted by that word's IDF). WordLlama averages token
# vectors, so a long passage's vector blurs; alignment keeps each word's match.
ALIGNMENT_WEIGHT = 0.5
# In alignment, two words of one thesaurus group count as at least this similar (a
# typical cosine of true synonyms in WordLlama), so "hurdle" aligns with "challenges".
# It lifts dense alone (dev+test recall@5 0.85 -> 0.875) and leaves the hybrid as is.
THESAURUS_SIMILARITY = 0.5
# The usual BM25 parameters: k1 0.9-2.0 and b 0.5-0.9 did no better on the dev split.
BM25_K1 = 1.5
BM25_B = 0.75
# Query words also search for their nearest corpus words in embedding space
# ("adverts" -> "ads", "earn" -> "income"), weighted by similarity and this factor.
NEIGHBOURS = 3
NEIGHBOUR_MIN_SIMILARITY = 0.45
NEIGHBOUR_WEIGHT = 0.5
# Word alignment holds (query words x the passages' words) arrays of this many cells at
# most (16 MB of float32 each).
ALIGNMENT_BLOCK_CELLS = 4_000_000
# Query words recur; their vectors are cached (the tokenizer dominates a query's cost).
TERM_CACHE_SIZE = 20_000
NOT_READY = "the knowledge index is empty or missing: run `scout ingest`"


@dataclass(frozen=True)
class _Snapshot:
    """One live collection, read into memory: passages in Chroma's order plus BM25."""

    collection: Any
    ids: list[str]
    vectors: np.ndarray  # the stored embeddings, row i for passage i
    passages: list[Passage]
    spans: list[tuple[str, int, int]]  # (source, start, end) of each passage
    bm25: bm25s.BM25
    vocabulary: list[str]  # distinct corpus words, for query expansion and alignment
    vocabulary_stems: list[str]
    vocabulary_vectors: np.ndarray
    word_ids: np.ndarray  # vocabulary ids of each passage's distinct words, concatenated
    word_starts: np.ndarray  # where each passage's run starts in `word_ids`
    word_counts: np.ndarray  # how many words each passage has there
    idf: np.ndarray  # per vocabulary word, over the passages' own text
    concept_words: dict[str, np.ndarray]  # thesaurus concept -> its vocabulary ids
    tokens: TokenIndex | None  # passage vectors from MiniLM's token table, when used


def zscores(scores: np.ndarray) -> np.ndarray:
    """Scores on a common scale: how many standard deviations above the corpus mean."""
    spread = float(scores.std())
    return (scores - scores.mean()) / spread if spread > 1e-9 else np.zeros_like(scores)


def rrf(scores: np.ndarray) -> np.ndarray:
    """Each passage's reciprocal-rank score, 1/(RRF_K + rank), rank 1 the best. Equal
    scores share a rank, so the passages BM25 did not match at all stay level."""
    better = len(scores) - np.searchsorted(np.sort(scores), scores, side="right")
    return 1.0 / (RRF_K + 1.0 + better)


class Retriever:
    """Hybrid search over the live guidance collection."""

    def __init__(
        self,
        client: ClientAPI,
        embedder: GuidanceEmbedder,
        term_embedder: Embedder | None = None,
        server: str | None = None,
        tokens: TokenTable | None = None,
    ) -> None:
        self._client = client
        self._server = server  # "host:port" of a Chroma server, None when embedded
        self._embedder = embedder
        self._has_sentences = isinstance(embedder, WordsAndSentences)
        self._tokens = None if self._has_sentences else tokens
        # Word-level query expansion embeds the corpus vocabulary: worth it with a
        # local model, not with a paid API, so it has its own (optional) embedder.
        self._term_embedder = term_embedder
        self._term_cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def search(self, query: str, k: int = 5, method: Method = "hybrid") -> list[Passage]:
        """The `k` best passages for `query`, best first (`score`: higher is better).
        A query of nothing but stopwords and punctuation matches nothing. A Chroma server
        that stopped answering is a ConfigError naming CHROMA_HOST/CHROMA_PORT."""
        try:
            return self._search_live(query, k, method)
        except httpx.TransportError as exc:
            if self._server is None:
                raise
            raise lost_server(self._server, exc) from None
        except Exception as exc:
            status = http_status(exc)
            if self._server is None or status is None:
                raise
            raise failed_server(self._server, status) from None

    def _search_live(self, query: str, k: int, method: Method) -> list[Passage]:
        snapshot = self._current()  # a missing index says so, whatever the query
        if not query_terms(query):
            return []
        try:
            return self._search(snapshot, query, k, method)
        except Exception as exc:
            if not _is_not_found(exc):
                raise
            # A newer ingest replaced the collection under us: reload once.
            return self._search(self._current(stale=snapshot), query, k, method)

    # -- searching ----------------------------------------------------------------
    def _search(self, snap: _Snapshot, query: str, k: int, method: Method) -> list[Passage]:
        # A cheap call that fails once `scout ingest` has dropped this collection.
        snap.collection.count()
        if method == "bm25":
            bm25 = self._bm25(snap, query)
            return self._top(snap, bm25, k, positive=bm25 > 0)
        if method == "dense":
            return self._top(snap, self._dense(snap, query), k)
        bm25 = self._bm25(snap, query)
        dense = self._dense(snap, query)
        if method == "rrf":
            return self._top(snap, rrf(bm25) + rrf(dense), k)
        with_minilm = self._has_sentences or self._tokens is not None
        weight = DENSE_WEIGHT_WITH_SENTENCES if with_minilm else DENSE_WEIGHT
        fused = (1.0 - weight) * zscores(bm25) + weight * dense
        return self._top(snap, fused, k)

    def _bm25(self, snap: _Snapshot, query: str) -> np.ndarray:
        scores = np.zeros(len(snap.ids), dtype=np.float32)
        for term, weight in self._expanded_terms(snap, query).items():
            if term in snap.bm25.vocab_dict:
                scores += weight * snap.bm25.get_scores([term])
        return scores

    def _expanded_terms(self, snap: _Snapshot, query: str) -> dict[str, float]:
        terms = query_terms(query)
        similarities = self._word_similarities(snap, query)
        if similarities is None:
            return terms
        # One more than NEIGHBOURS: a query word's nearest corpus word is usually itself.
        nearest = min(NEIGHBOURS + 1, similarities.shape[1])
        for row in similarities:
            for i in np.argpartition(-row, nearest - 1)[:nearest]:
                similarity, term = float(row[i]), snap.vocabulary_stems[i]
                if similarity >= NEIGHBOUR_MIN_SIMILARITY and term not in terms:
                    terms[term] = NEIGHBOUR_WEIGHT * similarity
        return terms

    def _word_similarities(self, snap: _Snapshot, query: str) -> np.ndarray | None:
        """Cosine of each content word of the query with each corpus word (or None)."""
        content = _content_words(query)
        if self._term_embedder is None or not content or not snap.vocabulary:
            return None
        return self._term_vectors(content) @ snap.vocabulary_vectors.T

    @staticmethod
    def _with_thesaurus(snap: _Snapshot, query: str, similarities: np.ndarray) -> np.ndarray:
        """`similarities`, raised to THESAURUS_SIMILARITY between words of one group."""
        raised = similarities.copy()
        for row, word in enumerate(_content_words(query)):
            for concept in concepts(word):
                ids = snap.concept_words.get(concept)
                if ids is not None:
                    raised[row, ids] = np.maximum(raised[row, ids], THESAURUS_SIMILARITY)
        return raised

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

    def _dense(self, snap: _Snapshot, query: str) -> np.ndarray:
        """Z-scored dense similarity of every passage: vector cosine plus word alignment,
        and MiniLM's cosine (of its sentence vectors when the index has them, else of its
        token table's vectors)."""
        vector, sentence_vector = query_vectors(self._embedder, query)
        # Exact cosine over the stored (unit) vectors: cheaper than an HNSW query at
        # this size, and every passage gets a score to normalise.
        width = len(vector)
        cosine = zscores(snap.vectors[:, :width] @ vector.astype(np.float32))
        similarities = self._word_similarities(snap, query)
        if similarities is not None and len(snap.word_ids):
            alignment = _alignment(snap, self._with_thesaurus(snap, query, similarities))
            cosine = (1.0 - ALIGNMENT_WEIGHT) * cosine + ALIGNMENT_WEIGHT * zscores(alignment)
        if sentence_vector is not None:
            sentences = zscores(snap.vectors[:, width:] @ sentence_vector.astype(np.float32))
        elif snap.tokens is not None:
            token_cosines, trust = snap.tokens.similarities(dense_query(query))
            sentences = trust * zscores(token_cosines)
        else:
            return cosine
        return (1.0 - SENTENCE_SHARE) * cosine + SENTENCE_SHARE * sentences

    @staticmethod
    def _top(
        snap: _Snapshot, scores: np.ndarray, k: int, positive: np.ndarray | None = None
    ) -> list[Passage]:
        """The `k` best (only `positive` ones if given), skipping a passage that overlaps
        a better one (chunks share a sentence at their seams) or repeats its text from
        another file (a copy of a document, say as .md and .txt): a repeat would waste a
        slot the reader needs."""
        chosen: list[int] = []
        texts: set[str] = set()  # whitespace-normalised: copies differ in spaces
        for i in (int(i) for i in np.argsort(-scores, kind="stable")):
            if positive is not None and not positive[i]:
                break
            source, start, end = snap.spans[i]
            text = " ".join(snap.passages[i].text.split())
            if text not in texts and all(
                snap.spans[j][0] != source or end <= snap.spans[j][1] or start >= snap.spans[j][2]
                for j in chosen
            ):
                chosen.append(i)
                texts.add(text)
                if len(chosen) == k:
                    break
        return [snap.passages[i].model_copy(update={"score": float(scores[i])}) for i in chosen]

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
        corpus = [index_tokens(index_text(p.title, p.heading, p.text)) for p in passages]
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
        word_ids, word_starts, word_counts, idf = _passage_words(passages, vocabulary)
        tokens = (
            self._tokens.index([(p.title, dense_text(p.heading, p.text)) for p in passages])
            if self._tokens is not None
            else None
        )
        logger.info("loaded %d passages from %s", len(passages), state.collection)
        return _Snapshot(
            collection,
            list(got["ids"]),
            np.asarray(got["embeddings"], dtype=np.float32),
            passages,
            spans,
            bm25,
            vocabulary,
            [stem(w) for w in vocabulary],
            vectors,
            word_ids,
            word_starts,
            word_counts,
            idf,
            _concept_words(vocabulary),
            tokens,
        )


def _content_words(query: str) -> list[str]:
    """The query's distinct content words: the rows of its word-similarity matrix.
    Chat filler (QUERY_STOPWORDS) stays here: dropping it did worse on the dev split."""
    return [w for w in dict.fromkeys(words(query)) if w not in STOPWORDS and len(w) > 2]


def _concept_words(vocabulary: list[str]) -> dict[str, np.ndarray]:
    """Each thesaurus concept's vocabulary ids (a word can belong to several)."""
    ids: dict[str, list[int]] = {}
    for i, word in enumerate(vocabulary):
        for concept in concepts(word):
            ids.setdefault(concept, []).append(i)
    return {concept: np.array(found, dtype=np.int64) for concept, found in ids.items()}


def _passage_words(
    passages: list[Passage], vocabulary: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each passage's distinct vocabulary words (title and heading included), as one
    flat array with run starts and lengths, plus each word's IDF over passage text."""
    position = {w: i for i, w in enumerate(vocabulary)}
    runs = [
        sorted(
            {position[w] for w in words(index_text(p.title, p.heading, p.text)) if w in position}
        )
        for p in passages
    ]
    counts = np.array([len(run) for run in runs], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    # Title words are in every passage of a document: IDF from the text alone keeps
    # them from looking rare.
    frequency = np.zeros(len(vocabulary), dtype=np.float64)
    for p in passages:
        frequency[list({position[w] for w in words(p.text) if w in position})] += 1
    n = len(passages)
    idf = np.log1p((n - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    ids = np.fromiter((i for run in runs for i in run), dtype=np.int64, count=int(counts.sum()))
    return ids, starts, counts, idf


def _alignment(snap: _Snapshot, similarities: np.ndarray) -> np.ndarray:
    """Per passage: sum over query words of (best similarity to a passage word) times
    that word's IDF. `similarities` is query words x vocabulary."""
    # A block of query words at a time: a pasted page (a thousand words) against a large
    # corpus would otherwise build arrays of gigabytes. On the guidance corpus a question
    # is one block.
    rows = max(1, ALIGNMENT_BLOCK_CELLS // max(1, len(snap.word_ids)))
    scores = np.zeros(len(snap.word_counts), dtype=np.float32)
    for top in range(0, len(similarities), rows):
        scores += _aligned_block(snap, similarities[top : top + rows])
    return scores


def _aligned_block(snap: _Snapshot, similarities: np.ndarray) -> np.ndarray:
    flat = similarities[:, snap.word_ids]
    present = snap.word_counts > 0
    starts = snap.word_starts[present]
    best = np.maximum.reduceat(flat, starts, axis=1)
    # The IDF of the best-matching word (the rarest one on a tie).
    is_best = flat == np.repeat(best, snap.word_counts[present], axis=1)
    weight = np.maximum.reduceat(np.where(is_best, snap.idf[snap.word_ids], 0.0), starts, axis=1)
    scores = np.zeros(len(snap.word_counts), dtype=np.float32)
    scores[present] = (np.maximum(best, 0.0) * weight).sum(axis=0)
    return scores


def _is_not_found(exc: Exception) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


def open_retriever(
    settings: Settings, embedder: GuidanceEmbedder, term_embedder: Embedder | None = None
) -> Retriever:
    """A retriever over the configured Chroma (server or embedded in the data dir).

    `term_embedder` (default: `embedder`'s WordLlama) finds corpus words near the query's
    words. An
    unreachable server is a ConfigError naming CHROMA_HOST/CHROMA_PORT, unless
    SCOUT_CHROMA_FALLBACK=embedded asks for the embedded index instead.
    """
    server = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_server else None
    try:
        client = open_client(settings)
    except ConfigError:  # the server is unreachable
        if settings.scout_chroma_fallback != "embedded":
            raise
        logger.warning(
            "Chroma server at %s unreachable; using the embedded index "
            "(SCOUT_CHROMA_FALLBACK=embedded)",
            server,
        )
        client, server = open_client(settings.model_copy(update={"chroma_host": None})), None
    if term_embedder is None:
        term_embedder = embedder.words if isinstance(embedder, WordsAndSentences) else embedder
    # MiniLM's token table joins WordLlama, the pairing it was measured with.
    tokens = TokenTable.load() if embedder.name == WordLlamaEmbedder.name else None
    return Retriever(client, embedder, term_embedder, server, tokens)
