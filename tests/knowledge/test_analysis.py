"""Query handling: stopwords, stemming and domain synonyms."""

from __future__ import annotations

from bot.knowledge.analysis import (
    CONCEPT_PREFIX,
    CONCEPT_WEIGHT,
    SYNONYM_WEIGHT,
    concepts,
    dense_query,
    index_tokens,
    query_terms,
    stem,
    synonym_groups,
    tokens,
)


def test_tokens_drop_stopwords_and_stem() -> None:
    assert tokens("What are the challenges brands face?") == [
        stem("challenges"),
        stem("brands"),
        stem("face"),
    ]
    assert stem("challenges") == stem("challenge")


def test_curly_apostrophes_and_possessives_are_normalised() -> None:
    assert tokens("today’s creator's") == tokens("today creator")


def test_plant_based_and_vegan_meet_on_one_concept() -> None:
    vegan = CONCEPT_PREFIX + "vegan"
    assert query_terms("plant-based snacks")[vegan] == CONCEPT_WEIGHT
    assert query_terms("vegan snacks")[vegan] == CONCEPT_WEIGHT
    assert vegan in index_tokens("A plant-based meal prep influencer.")


def test_multi_word_members_match_only_as_phrases() -> None:
    assert CONCEPT_PREFIX + "share" in concepts("spread by word of mouth")
    assert CONCEPT_PREFIX + "share" not in concepts("a word about the mouth")
    # A phrase member never leaks its single words into the query.
    assert stem("mouth") not in query_terms("repost it")


def test_single_word_synonyms_are_searched_at_a_lower_weight() -> None:
    terms = query_terms("what difficulties do they face")
    assert terms[stem("difficulties")] == 1.0
    assert terms[stem("obstacle")] == SYNONYM_WEIGHT


def test_the_thesaurus_loads_with_named_groups() -> None:
    groups = synonym_groups()
    assert "challenge" in groups["challenge"]
    assert all(members for members in groups.values())


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


def test_chat_filler_is_dropped_from_queries_only() -> None:
    assert query_terms("hey, does anyone actually know about burnout?") == query_terms("burnout")
    assert stem("actually") in index_tokens("creators who actually use the product")
    assert dense_query("quick question: is burnout still a risk?") == "burnout risk"


def test_number_words_match_digits() -> None:
    assert tokens("ten small creators") == tokens("10 small creators")
    assert "one" not in tokens("one post")  # a pronoun far more often than a number


def test_counts_meet_however_they_are_written() -> None:
    assert tokens("a creator with 5k followers") == tokens("a creator with 5,000 followers")
    assert tokens("1.5M views") == tokens("1500000 views")
    assert tokens("1 million fans") == tokens("1,000,000 fans")
    assert tokens("100,000 followers") == [stem("100000"), stem("followers")]
    assert tokens("60% more engagement") == tokens("60 percent more engagement")
    # The embedder reads the count as written, like the passages it compares with.
    assert dense_query("creators with 10k followers") == "creators 10k followers"


def test_each_phrase_gets_its_concept_once() -> None:
    # A word at the end of the text is one phrase, not one per possible phrase length.
    assert concepts("drawbacks") == [CONCEPT_PREFIX + "challenge"]
    assert concepts("the hurdles and the drawbacks") == [CONCEPT_PREFIX + "challenge"] * 2
