"""`ingest`: incremental, idempotent, build-then-swap; on embedded Chroma and a Chroma server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import NotReadyError
from bot.knowledge.index import ingest
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


def test_an_empty_corpus_leaves_an_empty_index_that_says_so(
    settings: Settings, counting: CountingEmbedder, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run(settings, counting, empty)

    with pytest.raises(NotReadyError, match="run `scout ingest`"):
        open_retriever(settings, counting).search("trust")


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
