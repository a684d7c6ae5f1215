"""`ingest`: incremental, idempotent, build-then-swap; on embedded Chroma and a Chroma server."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import bot.knowledge.index as index_module
from bot.config import Settings, load_settings
from bot.errors import NotReadyError
from bot.knowledge.embedders import WordsAndSentences
from bot.knowledge.index import IndexChangedError, NothingToIndexError, ingest
from bot.knowledge.loader import read_corpus
from bot.knowledge.retriever import Retriever, open_retriever
from bot.knowledge.store import COLLECTION_PREFIX, live_state, open_client
from tests.knowledge.conftest import CountingEmbedder


def run(settings: Settings, embedder: CountingEmbedder, *paths: Path):  # type: ignore[no-untyped-def]
    documents, skipped = read_corpus(list(paths))
    return ingest(open_client(settings), embedder, documents, skipped=skipped)


def test_first_ingest_adds_every_chunk_and_search_finds_them(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    report = run(settings, counting, corpus)

    assert len(report.files_added) == 5
    assert report.chunks_added == report.embedded == len(counting.embedded) > 50
    hits = open_retriever(settings, counting).search("plant-based protein brand", k=3)
    assert hits[0].source == "the-rise-of-micro-influencers-why-small-audiences-convert-big.md"


def test_second_run_with_nothing_changed_embeds_and_writes_nothing(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    first = run(settings, counting, corpus)
    counting.embedded.clear()

    second = run(settings, counting, corpus)

    assert counting.embedded == []
    assert not second.changed
    assert second.files_unchanged == 5
    assert second.chunks_kept == first.chunks_added
    assert second.collection == first.collection  # no new collection was built


def test_an_edit_re_embeds_only_the_changed_chunks(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    run(settings, counting, corpus)
    counting.embedded.clear()
    doc = corpus / "inside-the-rise-of-micro-influencers-on-social-media.md"
    doc.write_text(
        doc.read_text("utf-8").replace("Burnout:", "Creative burnout:"), encoding="utf-8"
    )

    report = run(settings, counting, corpus)

    assert report.files_updated == [doc.name]
    assert report.chunks_added == report.chunks_removed == len(counting.embedded) == 1
    assert "Creative burnout:" in counting.embedded[0]
    hits = open_retriever(settings, counting).search("creative burnout", k=1)
    assert "Creative burnout:" in hits[0].text


def test_a_removed_file_drops_its_chunks(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    first = run(settings, counting, corpus)
    gone = corpus / "the-rise-of-micro-influencers-why-small-audiences-convert-big.md"
    gone.unlink()

    report = run(settings, counting, corpus)

    assert report.files_removed == [gone.name]
    assert report.chunks_removed > 0
    assert report.chunks_kept == first.chunks_added - report.chunks_removed
    hits = open_retriever(settings, counting).search("plant-based protein brand", k=10)
    assert all(hit.source != gone.name for hit in hits)


def test_changing_the_embedder_rebuilds_every_vector(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    first = run(settings, counting, corpus)
    renamed = CountingEmbedder(counting.inner, name="another-model")

    report = run(settings, renamed, corpus)

    assert report.rebuilt
    assert len(renamed.embedded) == first.chunks_added
    assert live_state(open_client(settings)).embedder == "another-model"  # type: ignore[union-attr]
    with pytest.raises(NotReadyError, match="built with another-model"):
        open_retriever(settings, counting).search("trust")


def test_a_failed_rebuild_leaves_the_old_index_searchable(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    run(settings, counting, corpus)
    client = open_client(settings)
    before = live_state(client)
    (corpus / "new-notes.md").write_text(
        "# Notes\n\n"
        + "\n\n".join(f"Fresh paragraph number {i} about gifting." for i in range(40)),
        encoding="utf-8",
    )
    counting.fail_after = len(counting.embedded) + 3

    with pytest.raises(RuntimeError, match="went away"):
        run(settings, counting, corpus)

    assert live_state(client) == before
    names = {c.name for c in client.list_collections() if c.name.startswith(COLLECTION_PREFIX)}
    assert names == {before.collection}  # type: ignore[union-attr]  # the half-built one is gone
    counting.fail_after = None
    assert open_retriever(settings, counting).search("trust")


def test_search_before_any_ingest_says_to_run_ingest(
    settings: Settings, counting: CountingEmbedder
) -> None:
    with pytest.raises(NotReadyError, match="run `scout ingest`"):
        open_retriever(settings, counting).search("trust")


def test_an_empty_corpus_is_refused_and_builds_nothing(
    settings: Settings, counting: CountingEmbedder, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    with pytest.raises(NothingToIndexError, match="index was left as it was"):
        run(settings, counting, empty)

    assert live_state(open_client(settings)) is None
    with pytest.raises(NotReadyError, match="run `scout ingest`"):
        open_retriever(settings, counting).search("trust")


def test_an_empty_corpus_leaves_the_live_index_as_it_was(
    settings: Settings, counting: CountingEmbedder, corpus: Path, tmp_path: Path
) -> None:
    run(settings, counting, corpus)
    client = open_client(settings)
    before = live_state(client)
    bad_only = tmp_path / "bad-only"
    bad_only.mkdir()
    (bad_only / "blank.md").write_text("")
    (bad_only / "notes.pdf").write_bytes(b"%PDF-1.4")

    with pytest.raises(NothingToIndexError):
        run(settings, counting, bad_only)

    assert live_state(client) == before
    assert open_retriever(settings, counting).search("plant-based protein brand", k=1)


def test_a_subset_of_the_files_still_replaces_the_index(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    run(settings, counting, corpus)
    one = corpus / "the-rise-of-micro-influencers-why-small-audiences-convert-big.md"

    report = run(settings, counting, one)

    assert len(report.files_removed) == 4 and report.files_unchanged == 1
    assert {hit.source for hit in open_retriever(settings, counting).search("trust")} == {one.name}


def test_a_warm_retriever_follows_a_swap(
    settings: Settings, counting: CountingEmbedder, corpus: Path
) -> None:
    run(settings, counting, corpus)
    retriever = open_retriever(settings, counting)
    assert retriever.search("trust")
    (corpus / "gifting.md").write_text(
        "---\ntitle: Gifting\n---\n\n## Seeding\n\nSend a zebra-striped kettle to each creator.\n",
        encoding="utf-8",
    )

    run(settings, counting, corpus)

    hits = retriever.search("zebra-striped kettle", k=1)
    assert hits[0].source == "gifting.md"
    assert isinstance(retriever, Retriever)


# -- kept chunks carry fresh metadata ----------------------------------------------

GIFTING = """---
title: Gifting Guide
---

## Seeding

Send the product before asking for anything: creators post about gifts they chose to
keep, and an unconditional parcel reads as respect rather than a transaction.

Pick creators whose followers already ask about the category, because a gift that
answers a question their audience keeps asking converts better than a cold unboxing.

## Follow-up

A short note a week later works better than a reminder: thank them, ask what they
thought, and only then talk about a paid collaboration with clear deliverables.
"""


def live_rows(settings: Settings) -> dict[str, tuple[str, dict[str, object]]]:
    """Every chunk of the live index: id -> (document, metadata)."""
    client = open_client(settings)
    state = live_state(client)
    assert state is not None
    got = client.get_collection(state.collection).get(include=["documents", "metadatas"])
    return {
        cid: (doc, dict(meta or {}))
        for cid, doc, meta in zip(
            got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
        )
    }


def fresh_rows(tmp_path: Path, counting: CountingEmbedder, folder: Path):  # type: ignore[no-untyped-def]
    """The rows of an index built from scratch, in a data dir of its own."""
    fresh = load_settings(scout_data_dir=tmp_path / "fresh-build")
    run(fresh, CountingEmbedder(counting.inner), folder)
    return live_rows(fresh)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "gifting.md").write_text(GIFTING, encoding="utf-8")
    (folder / "budget.md").write_text(
        "---\ntitle: Budgets\n---\n\n## Rates\n\nPay per post, not per follower.\n",
        encoding="utf-8",
    )
    return folder


def test_a_new_title_refreshes_kept_chunks_without_re_embedding(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path, tmp_path: Path
) -> None:
    first = run(settings, counting, small_corpus)
    counting.embedded.clear()
    doc = small_corpus / "gifting.md"
    doc.write_text(GIFTING.replace("Gifting Guide", "Product Seeding"), encoding="utf-8")

    report = run(settings, counting, small_corpus)

    assert counting.embedded == []  # the title is not part of the embedded text
    assert report.changed and report.collection != first.collection
    assert report.files_updated == ["gifting.md"] and report.files_unchanged == 1
    assert report.chunks_refreshed == report.chunks_kept - 1 > 0  # all but budget.md's
    assert report.chunks_added == report.chunks_removed == 0
    assert {meta["title"] for _, meta in live_rows(settings).values()} == {
        "Product Seeding",
        "Budgets",
    }
    assert live_rows(settings) == fresh_rows(tmp_path, counting, small_corpus)
    hits = open_retriever(settings, counting).search("product seeding parcel", k=1)
    assert hits[0].title == "Product Seeding"


def test_a_new_title_re_embeds_the_sentence_vectors_that_read_it(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path, tmp_path: Path
) -> None:
    # SCOUT_EMBEDDINGS=minilm: MiniLM reads each passage with its title, WordLlama without.
    from bot.knowledge.minilm import MiniLMEmbedder

    minilm = MiniLMEmbedder()
    embedder = WordsAndSentences(counting, CountingEmbedder(minilm))
    ingest(open_client(settings), embedder, read_corpus([small_corpus])[0])
    doc = small_corpus / "gifting.md"
    doc.write_text(GIFTING.replace("Gifting Guide", "Product Seeding"), encoding="utf-8")

    report = ingest(open_client(settings), embedder, read_corpus([small_corpus])[0])

    assert report.files_updated == ["gifting.md"] and report.files_unchanged == 1
    assert report.embedded == report.chunks_added == report.chunks_removed > 0
    fresh = load_settings(scout_data_dir=tmp_path / "fresh-build")
    fresh_embedder = WordsAndSentences(counting.inner, minilm)
    ingest(open_client(fresh), fresh_embedder, read_corpus([small_corpus])[0])
    live, rebuilt = live_vectors(settings), live_vectors(fresh)
    assert live.keys() == rebuilt.keys()
    for cid, vector in live.items():
        np.testing.assert_allclose(vector, rebuilt[cid], atol=1e-5)


def live_vectors(settings: Settings) -> dict[str, np.ndarray]:
    client = open_client(settings)
    state = live_state(client)
    assert state is not None
    got = client.get_collection(state.collection).get(include=["embeddings"])
    return dict(zip(got["ids"], np.asarray(got["embeddings"]), strict=True))


def test_text_inserted_above_shifts_the_offsets_of_kept_chunks(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path, tmp_path: Path
) -> None:
    run(settings, counting, small_corpus)
    counting.embedded.clear()
    doc = small_corpus / "gifting.md"
    doc.write_text(
        GIFTING.replace(
            "## Seeding", "## Why gift\n\nGifts open doors that cold emails do not.\n\n## Seeding"
        ),
        encoding="utf-8",
    )

    report = run(settings, counting, small_corpus)

    assert counting.embedded == ["Why gift.\nGifts open doors that cold emails do not."]
    assert report.chunks_added == 1 and report.chunks_removed == 0
    assert report.chunks_refreshed == report.chunks_kept - 1  # budget.md did not move
    assert report.files_updated == ["gifting.md"]
    assert live_rows(settings) == fresh_rows(tmp_path, counting, small_corpus)


def test_an_incremental_ingest_of_the_real_corpus_matches_a_fresh_build(
    settings: Settings, counting: CountingEmbedder, corpus: Path, tmp_path: Path
) -> None:
    run(settings, counting, corpus)
    doc = corpus / "inside-the-rise-of-micro-influencers-on-social-media.md"
    text = doc.read_text("utf-8")
    # A new title (front matter and the H1 that repeats it) and a paragraph on top.
    old_title = "Inside the Rise of Micro-Influencers on Social Media"
    text = text.replace(old_title, "Micro-Influencers, Up Close")
    text = text.replace("Once upon a time", "Brands noticed first.\n\nOnce upon a time", 1)
    doc.write_text(text, encoding="utf-8")

    report = run(settings, counting, corpus)

    assert report.chunks_refreshed > 0
    assert live_rows(settings) == fresh_rows(tmp_path, counting, corpus)


def test_stored_metadata_is_read_in_pages(
    settings: Settings,
    counting: CountingEmbedder,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(settings, counting, corpus)
    counting.embedded.clear()
    doc = corpus / "micro-influencers-the-future-of-online-influence.md"
    doc.write_text(doc.read_text("utf-8").replace("title: ", "title: Notes: ", 1))
    monkeypatch.setattr(index_module, "READ_BATCH", 5)  # 84 chunks: 16 pages and a bit

    report = run(settings, counting, corpus)

    assert report.chunks_refreshed > 0 and report.embedded == len(counting.embedded) == 0
    assert live_rows(settings) == fresh_rows(tmp_path, counting, corpus)


def test_an_unchanged_rerun_does_not_read_the_chunks_back(
    settings: Settings,
    counting: CountingEmbedder,
    small_corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = run(settings, counting, small_corpus)

    def unexpected(collection: object) -> None:
        pytest.fail("the digest of the live collection should have matched")

    monkeypatch.setattr(index_module, "_stored_metadata", unexpected)
    second = run(settings, counting, small_corpus)

    assert not second.changed and second.collection == first.collection
    assert second.chunks_kept == first.chunks_added and second.files_unchanged == 2


# -- collections that vanish or are left behind -----------------------------------


def our_collections(settings: Settings) -> set[str]:
    client = open_client(settings)
    return {c.name for c in client.list_collections() if c.name.startswith(COLLECTION_PREFIX)}


def test_a_collection_dropped_by_a_concurrent_ingest_is_one_clear_error(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path
) -> None:
    # Another machine's ingest on the same Chroma server, which our lock file does not
    # cover, sweeps the collection this run is building.
    run(settings, counting, small_corpus)
    client = open_client(settings)
    before = live_state(client)
    assert before is not None
    live = before.collection
    (small_corpus / "new.md").write_text("# New\n\nOne more note on gifting.\n")

    class Sweeper(CountingEmbedder):
        def embed(self, texts: list[str]) -> np.ndarray:
            for name in our_collections(settings) - {live}:
                client.delete_collection(name)
            return super().embed(texts)

    with pytest.raises(IndexChangedError, match=r"run `scout ingest` again"):
        run(settings, Sweeper(counting.inner), small_corpus)

    assert live_state(client) == before
    assert our_collections(settings) == {live}


def leave_orphan(settings: Settings, name: str, age_s: float | None = 0.0) -> None:
    """A collection as a build killed mid-way leaves it: filled, but never made live.
    `age_s` None: undated, like those built before collections carried `created`."""
    client = open_client(settings)
    metadata: dict[str, str | float] = {"hnsw:space": "cosine", "embedder": "wordllama-l2-256"}
    if age_s is not None:
        metadata["created"] = time.time() - age_s
    orphan = client.create_collection(name, embedding_function=None, metadata=metadata)
    orphan.add(ids=["x"], embeddings=np.ones((1, 256), dtype=np.float32), documents=["half"])


@pytest.mark.parametrize("edit", [False, True], ids=["nothing-changed", "changed"])
def test_an_ingest_drops_collections_left_by_a_killed_build(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path, edit: bool
) -> None:
    run(settings, counting, small_corpus)
    leave_orphan(settings, f"{COLLECTION_PREFIX}killedmidway01")
    if edit:
        (small_corpus / "new.md").write_text("# New\n\nOne more note on gifting.\n")

    report = run(settings, counting, small_corpus)

    assert report.orphans_dropped == 1
    assert our_collections(settings) == {report.collection}
    assert live_state(open_client(settings)).collection == report.collection  # type: ignore[union-attr]


def test_a_young_collection_is_spared_when_another_machine_may_be_building_it(
    settings: Settings, counting: CountingEmbedder, small_corpus: Path
) -> None:
    first = run(settings, counting, small_corpus)
    young = f"{COLLECTION_PREFIX}buildingnow001"
    leave_orphan(settings, young, age_s=60)
    leave_orphan(settings, f"{COLLECTION_PREFIX}abandoned0001", age_s=7200)
    leave_orphan(settings, f"{COLLECTION_PREFIX}undated000001", age_s=None)
    documents, _ = read_corpus([small_corpus])

    report = ingest(open_client(settings), counting, documents, orphan_min_age_s=3600)

    assert report.orphans_dropped == 2
    assert our_collections(settings) == {first.collection, young}
