"""Niche fit with the real offline embedder: synonyms, stems, tags versus bio, similarity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.embeddings import WordLlamaEmbedder
from bot.scoring.config import load_scoring_config
from bot.scoring.niche import NicheIndex, Vocabulary, one_edit_apart, tag_word_for

CONFIG = load_scoring_config().niche


def test_vocabulary_maps_synonyms_and_stems_and_drops_filler() -> None:
    vocabulary = Vocabulary(CONFIG)
    keys = [t.key for t in vocabulary.terms("Who should we partner with for plant based workouts?")]
    assert keys == ["vegan", "fitness"]
    assert [t.key for t in vocabulary.terms("Houseplants & books")] == ["plants", "books"]
    assert vocabulary.terms("Plant-based")[0].surface == "plant-based"
    # "wellness" stays whole, so a bio saying "eat well" does not match it.
    assert "wellness" not in [t.key for t in vocabulary.terms("eat well")]


def test_accented_words_stay_whole() -> None:
    # "végétalien" was cut into "v", "g" and "talien", and the stray "g" counted as a
    # niche term nobody matched: "végétalien fitness" then fitted no fitness creator.
    vocabulary = Vocabulary(CONFIG)
    assert [t.surface for t in vocabulary.terms("végétalien fitness")] == [
        "végétalien",
        "fitness",
    ]
    assert [t.key for t in vocabulary.terms("Café-au-lait, plant-based")] == [
        "café-au-lait",
        "vegan",
    ]


@pytest.fixture(scope="module")
def index(embedder: WordLlamaEmbedder) -> NicheIndex:
    niches = [["vegan", "fitness"], ["fitness", "food"], ["gaming"], ["wellness"], []]
    bios = [
        "Vegan marathoner.",
        "Plant-based strength coach. Heavy lifts, zero animal products.",
        "Indie game reviews and cozy streams.",
        "Gentle routines for burnt-out people.",
        "",
    ]
    return NicheIndex(niches, bios, embedder, CONFIG)


def test_plant_based_matches_vegan(index: NicheIndex) -> None:
    fit = index.fit("vegan fitness")
    exact, plant_based, gaming, _, empty = fit.value.tolist()
    assert exact == 1.0
    # "fitness" is a tag; "vegan" comes from "plant-based" in the bio (bio credit 0.8).
    assert plant_based == pytest.approx((1.0 + CONFIG.bio_term_credit) / 2)
    assert gaming < CONFIG.min_fit
    assert empty == 0.0
    assert "plant-based (=vegan)" in index.explain(fit, 1)
    assert "tags match vegan, fitness" in index.explain(fit, 0)


def test_a_brief_in_other_words_still_finds_the_creator(index: NicheIndex) -> None:
    fit = index.fit("plant-based lifting")
    assert fit.value[0] == 1.0  # tags vegan + fitness via synonyms
    assert fit.value[2] < CONFIG.min_fit


def test_embedding_similarity_gives_partial_credit_without_exact_words(
    index: NicheIndex,
) -> None:
    fit = index.fit("video games")
    assert fit.value[2] >= CONFIG.min_fit  # "video games" is a gaming synonym
    fit = index.fit("vegetarian")  # no tag or synonym says it; "vegan" is close in meaning
    assert 0 < fit.value[0] < 1
    assert fit.value[0] > fit.value[2]
    assert "vegetarian ~ vegan" in index.explain(fit, 0)


@pytest.mark.parametrize("brief", ["health", "health and fitness", "yoga"])
def test_everyday_health_words_reach_the_wellness_tag(index: NicheIndex, brief: str) -> None:
    assert index.fit(brief).value[3] >= CONFIG.min_fit


def test_words_no_tag_relates_to_are_left_out(index: NicheIndex) -> None:
    fit = index.fit("vegan fitness creators under 50k")
    assert [term.surface for term in fit.ignored] == ["under", "50k"]
    assert fit.value[0] == 1.0
    assert "ignored under, 50k" in index.explain(fit, 0)


def test_a_synonym_brief_fits_like_its_canonical_tag(embedder: WordLlamaEmbedder) -> None:
    # "plant-based" means vegan; its own vector sits near "plants" (houseplants).
    niches = [["vegan"], ["plants"], ["plants", "sustainability"]]
    bios = ["Vegan recipes.", "Tiny balcony garden, big harvests.", "Low-waste home."]
    index = NicheIndex(niches, bios, embedder, CONFIG)
    plant_based = index.fit("plant-based")
    assert plant_based.value.tolist() == pytest.approx(index.fit("vegan").value.tolist())
    assert plant_based.value[0] == 1.0
    assert max(plant_based.value[1:]) < CONFIG.min_fit


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@given(word=words, data=st.data())
def test_one_edit_is_one_letter_inserted_deleted_or_replaced(
    word: str, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    inserted, deleted = word[:at] + letter + word[at:], word[:at] + word[at + 1 :]
    replaced = word[:at] + letter + word[at + 1 :]
    for edited in (inserted, deleted, replaced):
        assert one_edit_apart(word, edited) == (edited != word)
        assert one_edit_apart(edited, word) == one_edit_apart(word, edited)
    assert not one_edit_apart(word, word)
    assert not one_edit_apart(word, word + "xy")


@given(a=words, b=words)
def test_one_edit_apart_is_symmetric_and_needs_lengths_within_one(a: str, b: str) -> None:
    assert one_edit_apart(a, b) == one_edit_apart(b, a)
    if one_edit_apart(a, b):
        assert abs(len(a) - len(b)) <= 1
        if len(a) == len(b):
            assert sum(x != y for x, y in zip(a, b, strict=True)) == 1


TAG_WORDS = {"fitness", "plants", "vegan", "pets", "books", "wellness", "skincare"}


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("fitnes", "fitness"),  # a letter left out
        ("wellnes", "wellness"),
        ("skincar", "skincare"),
        ("fitmess", "fitness"),  # a letter replaced
        ("fitness", None),  # a tag word is no typo
        ("plant", None),  # nor a singular of one
        ("vegans", None),  # nor a plural
        ("petz", None),  # under five letters: too short to guess
        ("school", None),  # no tag word one edit away
        ("fitnesss", None),  # the plural of fitness's stem, which niche fit stems anyway
    ],
)
def test_tag_word_for_reads_one_edit_typos_of_longer_words(word: str, meant: str | None) -> None:
    assert tag_word_for(word, TAG_WORDS) == meant


def test_tag_word_for_guesses_nothing_when_two_tags_are_one_edit_away() -> None:
    assert tag_word_for("books", {"boots", "bookx"}) is None
