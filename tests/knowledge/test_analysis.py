"""Query handling: stopwords, stemming and domain synonyms."""

from __future__ import annotations

from bot.knowledge.analysis import SYNONYM_WEIGHT, dense_query, query_terms, stem, tokens


def test_tokens_drop_stopwords_and_stem() -> None:
    assert tokens("What are the challenges brands face?") == [
        stem("challenges"),
        stem("brands"),
        stem("face"),
    ]
    assert stem("challenges") == stem("challenge")


def test_curly_apostrophes_and_possessives_are_normalised() -> None:
    assert tokens("today’s creator's") == tokens("today creator")


def test_plant_based_and_vegan_reach_each_other() -> None:
    assert query_terms("plant-based snacks")[stem("vegan")] == SYNONYM_WEIGHT
    vegan = query_terms("vegan snacks")
    assert vegan[stem("plant")] == vegan[stem("based")] == SYNONYM_WEIGHT


def test_paraphrases_reach_the_documents_words() -> None:
    assert stem("challenges") in query_terms("what difficulties do they face")
    assert stem("startups") in query_terms("which kinds of companies benefit")


def test_own_words_outweigh_synonyms() -> None:
    terms = query_terms("brand challenges")
    assert terms[stem("brand")] == terms[stem("challenges")] == 1.0
    assert terms[stem("company")] < 1.0


def test_dense_query_keeps_content_words() -> None:
    assert dense_query("What are the challenges of burnout?") == "challenges burnout"
    assert dense_query("what is it") == "what is it"  # nothing left: keep the original
