"""Hybrid search over the real corpus, embedded and on a Chroma server."""

from __future__ import annotations

import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.knowledge.retriever as retriever_module
from bot.config import Settings
from bot.embeddings import WordLlamaEmbedder
from bot.errors import NotReadyError
from bot.knowledge.embedders import WordsAndSentences
from bot.knowledge.evaluation import first_relevant_rank, load_eval_set
from bot.knowledge.index import ingest
from bot.knowledge.loader import load_documents, read_corpus
from bot.knowledge.minilm import MiniLMEmbedder
from bot.knowledge.models import Passage
from bot.knowledge.retriever import RRF_K, Method, Retriever, open_retriever, rrf, zscores
from bot.knowledge.store import open_client
from tests.knowledge.conftest import KNOWLEDGE


@pytest.fixture
def retriever(settings: Settings, wordllama: WordLlamaEmbedder) -> Retriever:
    documents, _ = read_corpus([KNOWLEDGE])
    ingest(open_client(settings), wordllama, documents)
    return open_retriever(settings, wordllama)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The documents say "challenges" and "obstacles", not "difficulties".
        ("What difficulties do small creators run into?", "Burnout: The pressure"),
        # "vegan" should reach the plant-based passage through the synonym table.
        ("vegan protein powder", "Say you’re a plant-based protein brand."),
        ("Which apps matter for micro creators?", "TikTok and Threads have become key arenas"),
        # "counts" frames the question; it is not about follower counts.
        ("what counts as a micro-influencer?", "typically have between 1,000"),
    ],
)
def test_paraphrased_questions_find_their_passage(
    retriever: Retriever, query: str, expected: str
) -> None:
    hits = retriever.search(query, k=5)
    assert any(expected in hit.text for hit in hits), [hit.text[:60] for hit in hits]


class Remembering:
    """MiniLM with a memory: each test builds a fresh index of the same passages."""

    name = MiniLMEmbedder.name

    def __init__(self) -> None:
        self._model = MiniLMEmbedder()
        self._seen: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        self._seen.update(zip(missing, self._model.embed(missing), strict=True))
        return np.array([self._seen[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


@pytest.fixture(scope="module")
def minilm() -> Remembering:
    return Remembering()


@pytest.fixture
def with_sentences(
    settings: Settings, wordllama: WordLlamaEmbedder, minilm: Remembering
) -> Retriever:
    """SCOUT_EMBEDDINGS=minilm: WordLlama and MiniLM vectors side by side in the index."""
    embedder = WordsAndSentences(wordllama, minilm)
    documents, _ = read_corpus([KNOWLEDGE])
    ingest(open_client(settings), embedder, documents)
    return open_retriever(settings, embedder)


def test_the_index_with_minilm_stores_both_vectors(
    settings: Settings, with_sentences: Retriever
) -> None:
    with_sentences.search("trust")
    client = open_client(settings)
    live = next(c for c in client.list_collections() if c.count())
    stored = live.get(limit=1, include=["embeddings"])["embeddings"]
    assert stored is not None and len(stored[0]) == 256 + 384


@pytest.mark.parametrize(
    "question",
    [
        # Eval questions the WordLlama-only hybrid ranks 8th and 7th: none of their
        # content words is in the answer ("regular people": "just people").
        "Are micro-influencers mostly professional content creators, or just regular people?",
        "Legal wants us to hand creators a word-for-word script plus approved brand shots. "
        "Good idea or should we give them free rein?",
    ],
)
def test_minilm_finds_what_shares_no_words_with_the_question(
    with_sentences: Retriever, question: str
) -> None:
    labelled = next(q for q in load_eval_set() if q.question == question)
    rank = first_relevant_rank(with_sentences.search(question, k=5), labelled)
    assert rank is not None and rank <= 3


def test_the_token_table_finds_what_shares_no_words_with_the_question(
    retriever: Retriever, settings: Settings, wordllama: WordLlamaEmbedder
) -> None:
    # "regular people" is "just people" in the answer; WordLlama alone ranks it 8th.
    question = "Are micro-influencers mostly professional content creators, or just regular people?"
    labelled = next(q for q in load_eval_set() if q.question == question)
    without_table = Retriever(open_client(settings), wordllama, wordllama)
    rank = first_relevant_rank(retriever.search(question, k=5), labelled)
    assert rank is not None and rank <= 3
    assert first_relevant_rank(without_table.search(question, k=5), labelled) is None


@pytest.mark.parametrize("method", ["bm25", "dense", "hybrid", "rrf"])
def test_every_method_works_with_minilm(with_sentences: Retriever, method: Method) -> None:
    hits = with_sentences.search("Which apps matter for micro creators?", k=5, method=method)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def _dense_rank(retriever: Retriever, query: str, expected: str) -> int:
    hits = retriever.search(query, k=50, method="dense")
    return next(rank for rank, hit in enumerate(hits, start=1) if expected in hit.text)


def test_dense_alignment_treats_thesaurus_words_as_similar(
    retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No passage says "drawbacks"; its thesaurus group holds the documents' "challenges".
    query, expected = "What drawbacks should a brand expect?", "face their share of challenges"
    with_thesaurus = _dense_rank(retriever, query, expected)
    monkeypatch.setattr(retriever_module, "THESAURUS_SIMILARITY", 0.0)
    assert with_thesaurus < _dense_rank(retriever, query, expected)


def test_the_hybrid_keeps_a_clear_keyword_winner_on_top(retriever: Retriever) -> None:
    # BM25 is sure ("fad" is in the thesaurus with "passing trend"); dense is lost.
    query, expected = "is this micro influencer thing just a fad?", "just a passing trend"
    assert expected in retriever.search(query, k=1, method="bm25")[0].text
    assert expected in retriever.search(query, k=1)[0].text
    # Rank fusion lets passages both methods rank middling overtake it.
    assert expected not in retriever.search(query, k=1, method="rrf")[0].text


def test_hits_are_verbatim_ranked_and_do_not_overlap(retriever: Retriever) -> None:
    documents = {d.source: d for d in load_documents([KNOWLEDGE])}
    hits = retriever.search("why do micro-influencers get higher engagement?", k=8)

    assert len(hits) == 8
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit.text in documents[hit.source].text
        assert hit.title == documents[hit.source].title
    spans = [(h.source, documents[h.source].text.index(h.text), len(h.text)) for h in hits]
    for i, (source, start, size) in enumerate(spans):
        for other, other_start, other_size in spans[i + 1 :]:
            disjoint = start + size <= other_start or other_start + other_size <= start
            assert source != other or disjoint


@pytest.mark.parametrize("method", ["bm25", "dense", "hybrid"])
def test_a_document_indexed_twice_fills_no_slot_twice(
    settings: Settings, wordllama: WordLlamaEmbedder, corpus: Path, method: Method
) -> None:
    original = corpus / "the-rise-of-micro-influencers-why-small-audiences-convert-big.md"
    # A second copy of the article under another name, with a no-break space where the
    # first has a plain one (as the source text of the knowledge/ files has).
    copy = corpus / "copy.md"
    text = original.read_text("utf-8")
    copy.write_text(text.replace("that real connection", "that\u00a0real connection"), "utf-8")
    ingest(open_client(settings), wordllama, load_documents([corpus]))

    hits = open_retriever(settings, wordllama).search(
        "does real connection matter more than follower count?", k=6, method=method
    )

    assert len(hits) == 6
    texts = [" ".join(h.text.split()) for h in hits]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("method", ["bm25", "dense", "hybrid"])
def test_each_method_returns_k_passages(retriever: Retriever, method: str) -> None:
    hits = retriever.search("cost of working with creators", k=3, method=method)  # type: ignore[arg-type]
    assert len(hits) == 3
    assert len({h.chunk_id for h in hits}) == 3


@pytest.mark.parametrize("query", ["   ", "?!..,;", "the and of to a", "what does it say about"])
def test_a_query_without_content_words_returns_nothing(retriever: Retriever, query: str) -> None:
    assert retriever.search(query) == []


def test_a_blank_query_on_a_missing_index_still_says_to_ingest(
    settings: Settings, wordllama: WordLlamaEmbedder
) -> None:
    with pytest.raises(NotReadyError, match="run `scout ingest`"):
        open_retriever(settings, wordllama).search("  ")


def test_concurrent_searches_agree_with_serial_ones(retriever: Retriever) -> None:
    queries = ["trust", "budget", "TikTok samples", "burnout", "engagement rate", "vegan"] * 4
    serial = [[h.chunk_id for h in retriever.search(q)] for q in queries]

    with ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(lambda q: [h.chunk_id for h in retriever.search(q)], queries))

    assert parallel == serial


def test_a_cold_retriever_loads_once_under_concurrency(
    settings: Settings, wordllama: WordLlamaEmbedder, tmp_path: Path
) -> None:
    documents, _ = read_corpus([KNOWLEDGE])
    ingest(open_client(settings), wordllama, documents)
    cold = open_retriever(settings, wordllama)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: cold.search("trust", k=2), range(8)))

    assert all(r == results[0] for r in results)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A long passage's averaged vector blurs these; word alignment keeps each match.
        ("How much do famous influencers charge for one post?", "charge massive fees"),
        (
            "Why might a creator with 10k followers outperform a celebrity with a million?",
            "A micro-influencer with 10,000 followers might get",
        ),
    ],
)
def test_word_alignment_lifts_the_passage_whose_words_match(
    retriever: Retriever,
    settings: Settings,
    wordllama: WordLlamaEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    expected: str,
) -> None:
    # WordLlama's part of the dense score, without the token table that shares it.
    words_only = Retriever(open_client(settings), wordllama, wordllama)
    aligned = _dense_rank(words_only, query, expected)
    monkeypatch.setattr(retriever_module, "ALIGNMENT_WEIGHT", 0.0)
    assert aligned < _dense_rank(words_only, query, expected)


def test_a_pasted_page_is_aligned_in_blocks_same_ranking_less_memory(
    retriever: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every guidance document at once: about a thousand distinct words.
    page = "\n".join(path.read_text("utf-8") for path in sorted(KNOWLEDGE.glob("*.md")))

    def search() -> tuple[list[Passage], int]:
        tracemalloc.start()
        try:
            return retriever.search(page, k=5, method="dense"), tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    retriever.search("warm up", k=1)
    whole, whole_peak = search()  # the corpus is small: the page is one block
    monkeypatch.setattr(retriever_module, "ALIGNMENT_BLOCK_CELLS", 1)  # a word per block
    blocked, blocked_peak = search()

    assert [h.chunk_id for h in blocked] == [h.chunk_id for h in whole]
    assert [h.score for h in blocked] == pytest.approx([h.score for h in whole], rel=1e-4)
    assert blocked_peak < whole_peak / 2


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=50))
def test_rrf_keeps_the_order_and_gives_rank_one_the_most(values: list[float]) -> None:
    scores = np.array(values, dtype=np.float64)
    fused = rrf(scores)
    assert float(fused.max()) == pytest.approx(1.0 / (RRF_K + 1))
    # A higher score always fuses higher; equal scores share a rank.
    for i, j in zip(*np.nonzero(scores[:, None] > scores[None, :]), strict=True):
        assert fused[i] > fused[j]
    for i, j in zip(*np.nonzero(scores[:, None] == scores[None, :]), strict=True):
        assert fused[i] == fused[j]


@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=50))
def test_zscores_keep_the_order_on_a_unit_scale(values: list[float]) -> None:
    scores = np.array(values, dtype=np.float64)
    z = zscores(scores)
    if scores.std() <= 1e-9:
        assert not z.any()
        return
    assert abs(float(z.mean())) < 1e-6
    assert abs(float(z.std()) - 1.0) < 1e-6
    # Higher scores never get a lower z (equal is fine: near-equal values may round together).
    assert (np.diff(z[np.argsort(scores, kind="stable")]) >= 0).all()
