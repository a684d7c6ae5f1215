"""MiniLM's token table: shipped with the package, built from MiniLM, read like BM25 reads."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.minilm import MiniLMEmbedder
from bot.knowledge.token_table import DIMENSIONS, TokenIndex, TokenTable, dictionary_words


@pytest.fixture(scope="module")
def table() -> TokenTable:
    return TokenTable.load()


def index_of(table: TokenTable, texts: list[str]) -> TokenIndex:
    """Passages of one document titled "Guide" (a title every passage shares)."""
    return table.index([("Guide", text) for text in texts])


def test_the_shipped_table_has_a_vector_for_every_token(table: TokenTable) -> None:
    assert table.vectors.shape == (30_522, DIMENSIONS)
    assert table.vectors.dtype == np.float32
    assert np.isfinite(table.vectors).all()
    [ids] = table.token_ids(["Plant-based protein"])
    assert len(ids) >= 3  # split into word pieces, without [CLS] and [SEP]
    assert 101 not in ids and 102 not in ids


def test_the_table_keeps_the_distances_between_minilm_outputs(table: TokenTable) -> None:
    # Rebuilding takes half a minute (scripts/build_token_table.py); here a sample of
    # tokens goes through MiniLM and the table must keep how far apart their outputs are
    # (PCA to 256 of 384 dimensions and int8 lose a little, not the geometry).
    model = MiniLMEmbedder()
    tokens = np.random.default_rng(7).choice(np.arange(1_000, 30_522), size=60, replace=False)
    cls, sep = model.token_id("[CLS]"), model.token_id("[SEP]")
    hidden, _ = model.hidden_states([[cls, int(t), sep] for t in tokens])
    outputs = hidden[:, 1]

    def distances(vectors: np.ndarray) -> np.ndarray:
        upper = np.triu_indices(len(vectors), k=1)
        return np.linalg.norm(vectors[:, None] - vectors[None], axis=-1)[upper]

    correlation = np.corrcoef(distances(outputs), distances(table.vectors[tokens]))[0, 1]
    assert correlation > 0.95
    # A shuffled table would not: the match is about these tokens' own rows.
    shuffled = np.corrcoef(distances(outputs), distances(table.vectors[tokens[::-1]]))[0, 1]
    assert shuffled < 0.5


def test_a_query_finds_the_passage_that_means_it_without_its_words(table: TokenTable) -> None:
    passages = [
        "Plant-based athletes share their protein shakes and gym routines.",
        "Mortgage rates rose again for first-time homebuyers this quarter.",
        "Our skincare serum suits sensitive skin.",
    ]
    index = index_of(table, passages)
    scores, trust = index.similarities("vegan fitness")
    assert int(np.argmax(scores)) == 0
    assert scores.shape == (3,)
    assert trust == 1.0  # neither word is in any passage


def test_rare_tokens_outweigh_common_ones(table: TokenTable) -> None:
    # "the" is in every passage, so its IDF is near zero; "podcast" is in one.
    passages = ["the podcast", "the newsletter", "the blog", "the webinar"]
    index = index_of(table, passages)
    scores, trust = index.similarities("the the the podcast")
    assert int(np.argmax(scores)) == 0
    assert trust == 1.0


def test_a_query_of_words_every_passage_has_is_trusted_less(table: TokenTable) -> None:
    passages = ["the podcast", "the newsletter", "the blog", "the webinar"]
    _, trust = index_of(table, passages).similarities("the")
    assert 0.0 < trust < 0.2


def test_texts_without_known_tokens_score_zero(table: TokenTable) -> None:
    index = index_of(table, ["trust", ""])
    assert not index.vectors[1].any()
    scores, trust = index.similarities("")
    assert not scores.any() and trust == 0.0


WORDS = ["trust", "vegan", "creator", "budget", "reach", "the"]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_passage_vectors_are_unit_length_and_ignore_word_order(
    table: TokenTable, passages: list[list[str]], random: Random
) -> None:
    texts = [" ".join(words) for words in passages]
    shuffled = [" ".join(random.sample(words, len(words))) for words in passages]
    index = index_of(table, texts)
    norms = np.linalg.norm(index.vectors, axis=1)
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)
    assert np.allclose(index.vectors, index_of(table, shuffled).vectors, atol=1e-5)
    similarities, trust = index.similarities("vegan creator budget")
    assert (np.abs(similarities) <= 1.0 + 1e-5).all()
    assert 0.0 <= trust <= 1.0


def test_the_dictionary_is_the_vocabulary_s_whole_words(tmp_path: Path) -> None:
    vocab = {"[CLS]": 0, "[unused1]": 1, "cook": 2, "##s": 3, "3d": 4, "café": 5, ",": 6}
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps({"model": {"type": "WordPiece", "vocab": vocab}}), "utf-8")
    assert dictionary_words(path) == {"cook", "café"}


def test_the_shipped_dictionary_knows_english_words_and_not_typos() -> None:
    words = dictionary_words()
    assert len(words) > 20_000
    assert {"cooks", "looks", "began", "boots", "fitness", "creators"} <= words
    assert not {"fitnes", "creaters", "sknicare", "wellnes", "skincar"} & words
