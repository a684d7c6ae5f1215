"""Chunking: verbatim slices that follow headings, paragraphs and lists, with stable ids."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.chunking import MAX_CHARS, chunk_document
from bot.knowledge.loader import Document, load_documents
from tests.knowledge.conftest import KNOWLEDGE

CORPUS = load_documents([KNOWLEDGE])


def doc(text: str, fmt: str = "markdown", title: str = "Guide") -> Document:
    return Document(source="guide.md", title=title, text=text, format=fmt)


def test_every_chunk_of_the_corpus_is_a_verbatim_slice_of_its_document() -> None:
    for document in CORPUS:
        for chunk in chunk_document(document):
            assert document.text[chunk.start : chunk.end] == chunk.text
            assert chunk.text == chunk.text.strip()
            assert not chunk.text.lstrip().startswith("#")


def test_chunks_are_quotable_sized() -> None:
    sizes = [len(c.text) for d in CORPUS for c in chunk_document(d)]
    assert max(sizes) <= MAX_CHARS
    assert 150 <= sum(sizes) / len(sizes) <= 400


def test_heading_paths_follow_the_document_outline() -> None:
    text = (
        "# Guide\n\nIntro sentence.\n\n## Platforms\n\nOverview here.\n\n"
        "### TikTok\n\nShort videos win.\n\n## Pricing\n\nRates vary.\n"
    )
    chunks = chunk_document(doc(text))

    assert [(c.heading, c.text) for c in chunks] == [
        ("", "Intro sentence."),
        ("Platforms", "Overview here."),
        ("Platforms > TikTok", "Short videos win."),
        ("Pricing", "Rates vary."),
    ]


def test_setext_headings_open_sections_like_hash_headings() -> None:
    text = (
        "Guide\n=====\n\nIntro sentence.\n\nPlatforms\n---------\n\nOverview here.\n\n"
        "### TikTok\n\nShort videos win.\n"
    )
    chunks = chunk_document(doc(text))

    assert [(c.heading, c.text) for c in chunks] == [
        ("", "Intro sentence."),
        ("Platforms", "Overview here."),
        ("Platforms > TikTok", "Short videos win."),
    ]


def test_a_comment_in_a_code_block_is_not_a_heading() -> None:
    text = (
        "# Guide\n\nTrack each link.\n\n```bash\n# tag the link\nutm add --source tiktok\n"
        "```\n\n~~~\n## not a heading either\n~~~\n\n## Pricing\n\nRates vary.\n"
    )

    headings = [c.heading for c in chunk_document(doc(text))]

    assert set(headings) == {"", "Pricing"}


def test_a_lead_in_line_stays_with_its_list() -> None:
    text = "## Perks\n\nBrands enjoy:\n\n- Lower fees\n- Better ROI\n\nA closing paragraph here.\n"
    [first, *_] = chunk_document(doc(text))
    assert first.text.startswith("Brands enjoy:\n\n- Lower fees\n- Better ROI")


def test_a_long_paragraph_is_split_into_overlapping_sentence_windows() -> None:
    sentences = [f"Sentence number {i} explains one more idea about creators." for i in range(12)]
    chunks = chunk_document(doc(" ".join(sentences)))

    assert len(chunks) > 2
    for before, after in itertools.pairwise(chunks):
        assert after.text.split(". ")[0] in before.text  # one sentence of overlap
    assert all(len(c.text) <= MAX_CHARS for c in chunks)


def test_plain_text_lines_are_paragraphs() -> None:
    text = "First idea stands alone.\nSecond idea stands alone too.\n"
    chunks = chunk_document(doc(text, fmt="text"))
    assert chunks[0].text.startswith("First idea stands alone.")


def test_ids_are_content_hashes_stable_across_runs_and_unique() -> None:
    text = "## A\n\nSame words.\n\n## B\n\nSame words.\n"
    first, second = chunk_document(doc(text)), chunk_document(doc(text))

    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == 2  # same text under two headings
    edited = chunk_document(doc(text.replace("## B\n\nSame", "## B\n\nOther")))
    assert edited[0].chunk_id == first[0].chunk_id
    assert edited[1].chunk_id != first[1].chunk_id


def test_index_text_carries_title_and_heading_but_text_does_not() -> None:
    [chunk] = chunk_document(doc("## Trust\n\nPeople trust people.\n", title="Why small wins"))
    assert chunk.text == "People trust people."
    assert chunk.index_text.startswith("Why small wins. Trust.")
    assert chunk.dense_text.startswith("Trust.")


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=40).map(str.strip).filter(bool)
sentence = words.map(lambda w: w[0].upper() + w[1:] + ".")
paragraph = st.lists(sentence, min_size=1, max_size=8).map(" ".join)
block = st.one_of(
    paragraph,
    st.lists(words, min_size=1, max_size=5).map(lambda items: "\n".join(f"- {i}" for i in items)),
    words.map(lambda w: f"## {w}"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(block, min_size=1, max_size=12))
def test_any_markdown_chunks_into_verbatim_slices_covering_every_sentence(
    blocks: list[str],
) -> None:
    text = "\n\n".join(blocks) + "\n"
    document = doc(text)
    chunks = chunk_document(document)

    covered = " ".join(c.text for c in chunks)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            for piece in re.split(r"(?<=\.) ", line.strip()):
                assert piece in covered


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=900), min_size=1, max_size=400))
def test_text_without_full_stops_still_chunks_to_quotable_sizes(tokens: list[str]) -> None:
    text = " ".join(tokens) + "\n"
    chunks = chunk_document(doc(text))

    assert all(0 < len(c.text) <= MAX_CHARS for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing lost
