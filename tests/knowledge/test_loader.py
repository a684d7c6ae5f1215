"""Reading guidance files: front matter, titles, HTML, and bad files skipped with a warning."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import loader
from bot.knowledge.loader import load_documents, read_corpus, split_front_matter
from tests.knowledge.conftest import KNOWLEDGE


def test_the_committed_corpus_loads_with_titles_from_front_matter() -> None:
    documents = load_documents([KNOWLEDGE])

    assert len(documents) == 5
    titles = {d.source: d.title for d in documents}
    assert titles["micro-influencers-the-future-of-online-influence.md"] == (
        "Micro-Influencers: The Future of Online Influence"
    )
    assert all(not d.text.startswith("---") for d in documents)
    assert all(d.digest and d.format == "markdown" for d in documents)


def test_front_matter_values_may_be_quoted() -> None:
    fields, body = split_front_matter('---\ntitle: "A: B"\nsource: x.txt\n---\n\nBody\n')
    assert fields == {"title": "A: B", "source": "x.txt"}
    assert body == "\nBody\n"


def test_front_matter_without_its_closing_line_is_named_in_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "open.md").write_text(
        "---\ntitle Seeding, no colon\nsource: kits.txt\n\n# Seeding kits\n\nSend kits.\n"
    )
    (tmp_path / "rule.md").write_text("---\n\n# Rules\n\nA thematic break opens this.\n")

    with caplog.at_level(logging.WARNING, logger="bot.knowledge.loader"):
        documents, skipped = read_corpus([tmp_path])

    assert [(d.source, d.title) for d in documents] == [
        ("open.md", "Seeding kits"),
        ("rule.md", "Rules"),
    ]
    assert skipped == []
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'open.md'}: its front matter has no closing '---' line, so it is read as text"
    ]


def test_title_falls_back_to_the_first_heading_then_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "headed.md").write_text("Intro line.\n\n## Seeding kits\n\nText.\n")
    (tmp_path / "plain.txt").write_text("# not a heading in plain text\nJust text.\n")

    titles = {d.source: d.title for d in load_documents([tmp_path])}

    assert titles == {"headed.md": "Seeding kits", "plain.txt": "plain.txt"}


def test_html_keeps_article_text_and_drops_page_chrome(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>Gifting guide</title><style>p{}</style></head><body>"
        "<nav>Home | About</nav><h2>Why gift</h2><p>Creators remember a thoughtful"
        " gift.</p><ul><li>Write a note</li><li>Skip the &amp; clutter</li></ul>"
        "<footer>Copyright</footer><script>track()</script></body></html>"
    )

    [document] = load_documents([tmp_path])

    assert document.title == "Gifting guide"
    assert document.format == "html"
    assert document.text == (
        "## Why gift\n\nCreators remember a thoughtful gift.\n\n- Write a note\n\n"
        "- Skip the & clutter\n"
    )


def test_html_keeps_the_article_header_and_drops_the_page_header(tmp_path: Path) -> None:
    # A blog theme's page: the site's header is chrome, the article's header its title.
    (tmp_path / "post.html").write_text(
        "<body><header><nav>Home</nav><p>Subscribe</p></header><main><article>"
        "<header><h1>Seeding kits</h1><p>By Jo</p></header><p>Send the kit first.</p>"
        "</article></main><footer>Copyright</footer></body>"
    )

    [document] = load_documents([tmp_path])

    assert document.title == "Seeding kits"
    assert document.text == "# Seeding kits\n\nBy Jo\n\nSend the kit first.\n"


def test_html_table_cells_stay_apart(tmp_path: Path) -> None:
    (tmp_path / "rates.html").write_text(
        "<p>Typical rates:</p><table><tr><th>Tier</th><th>Followers</th></tr>"
        "<tr><td>Nano</td><td>1k-10k</td></tr><tr><td>Micro</td><td>10k-100k</td></tr></table>"
    )

    [document] = load_documents([tmp_path])

    assert document.text == ("Typical rates:\n\nTier Followers\n\nNano 1k-10k\n\nMicro 10k-100k\n")


def test_subfolders_are_named_relative_to_the_folder_and_hidden_files_ignored(
    tmp_path: Path,
) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "notes.md").write_text("Notes.\n")
    (tmp_path / ".draft.md").write_text("Secret.\n")
    (tmp_path / "data.csv").write_text("a,b\n")

    assert [d.source for d in load_documents([tmp_path])] == ["team/notes.md"]


def test_a_symlinked_subfolder_is_read_and_a_link_back_up_is_walked_once(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "brief.md").write_text("Shared guidance.\n")
    corpus = tmp_path / "knowledge"
    corpus.mkdir()
    (corpus / "own.md").write_text("Own guidance.\n")
    (corpus / "team").symlink_to(shared)
    (corpus / "loop").symlink_to(corpus)  # would walk forever if followed blindly

    documents, skipped = read_corpus([corpus])

    assert [d.source for d in documents] == ["own.md", "team/brief.md"]
    assert skipped == []


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # What Windows Notepad saves as "Unicode", CRLF line ends included.
    (tmp_path / "notes.txt").write_bytes("Caf\u00e9 creators.\r\n".encode("utf-16"))

    documents, skipped = read_corpus([tmp_path])

    assert [d.text for d in documents] == ["Caf\u00e9 creators.\n"]
    assert skipped == []


def test_latin1_or_windows_1252_text_is_read_with_a_warning_naming_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # What Windows editors and spreadsheet exports save: Latin-1 plus curly quotes.
    (tmp_path / "notes.txt").write_bytes(
        "Caf\u00e9 creators\u2019 na\u00efve fans.\r\n".encode("cp1252")
    )

    with caplog.at_level(logging.WARNING, logger="bot.knowledge.loader"):
        documents, skipped = read_corpus([tmp_path])

    assert [d.text for d in documents] == ["Caf\u00e9 creators\u2019 na\u00efve fans.\n"]
    assert skipped == []
    assert "notes.txt as Windows-1252" in caplog.text


def test_a_setext_heading_titles_the_document_and_alone_is_only_headings(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("Gifting Guide\n=============\n\nSend the kit first.\n")
    (tmp_path / "outline.md").write_text("Plan\n====\n\nLater\n-----\n")

    documents, skipped = read_corpus([tmp_path])

    assert [(d.source, d.title) for d in documents] == [("guide.md", "Gifting Guide")]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("outline.md", "only headings, no text")
    ]


def test_control_characters_never_reach_the_text(tmp_path: Path) -> None:
    # A terminal escape in a document would otherwise clear the screen of whoever searches.
    (tmp_path / "e.md").write_text("# E\n\nransom \x1b[2Jtext\f and\ttabs\x7f.\n")

    documents, skipped = read_corpus([tmp_path])

    assert [d.text for d in documents] == ["# E\n\nransom [2Jtext and\ttabs.\n"]
    assert skipped == []


def test_bad_files_are_skipped_with_a_warning_naming_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "good.md").write_text("Real guidance.\n")
    (tmp_path / "empty.md").write_text("---\ntitle: Nothing\n---\n\n   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    # UTF-8 with one stray Latin-1 byte: read as Windows-1252, "café" would turn to "cafÃ©".
    (tmp_path / "mixed.txt").write_bytes("café ".encode() + b"na\xefve")
    (tmp_path / "undefined.txt").write_bytes(b"caf\x81")  # a byte Windows-1252 leaves undefined
    (tmp_path / "huge.md").write_text("x" * 2_000)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing-target.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop-back.md")
    (tmp_path / "loop-back.md").symlink_to(tmp_path / "loop.md")
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1_000)

    with caplog.at_level(logging.WARNING, logger="bot.knowledge.loader"):
        documents, skipped = read_corpus([tmp_path])

    assert [d.source for d in documents] == ["good.md"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["empty.md"] == "empty"
    assert reasons["binary.txt"] == "binary content"
    assert reasons["mixed.txt"] == reasons["undefined.txt"] == "not UTF-8 text"
    assert reasons["huge.md"].startswith("too large")
    assert reasons["dangling.md"].startswith("unreadable")
    assert reasons["loop.md"].startswith("unreadable (Too many levels of symbolic links")
    for name in reasons:
        assert name in caplog.text


def test_one_file_named_twice_is_read_once_and_not_called_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "brief.md").write_text("Gift first, ask later.\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "brief.md").write_text("A different brief.\n")

    documents, skipped = read_corpus([tmp_path, tmp_path / "brief.md", tmp_path / "other/brief.md"])

    assert [(d.source, d.text) for d in documents] == [
        ("brief.md", "Gift first, ask later.\n"),
        ("other/brief.md", "A different brief.\n"),
    ]
    # Another file that takes a name already used is still reported, not merged.
    assert [(s.path, s.reason) for s in skipped] == [
        (str(tmp_path / "other/brief.md"), "duplicate source name brief.md")
    ]


def test_a_file_name_that_is_not_utf8_is_skipped_not_a_crash(tmp_path: Path) -> None:
    # Unzipped from an old archive: "café.md" in Latin-1. Its chunk ids could not be hashed.
    latin1_name = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.md"))
    latin1_name.write_text("Coffee creators.\n")
    (tmp_path / "ok.md").write_text("Fine text.\n")

    documents, skipped = read_corpus([tmp_path])
    named_alone = read_corpus([latin1_name])

    assert [d.source for d in documents] == ["ok.md"]
    assert named_alone[0] == []
    for problems in (skipped, named_alone[1]):
        assert [(s.path, s.reason) for s in problems] == [
            (str(latin1_name), "its name is not UTF-8 text: rename it")
        ]


def test_a_pipe_or_device_named_like_a_document_is_skipped_not_read(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("Real guidance.\n")
    os.mkfifo(tmp_path / "pipe.md")  # reading it would wait for a writer forever
    (tmp_path / "zeros.md").symlink_to("/dev/zero")  # reading it would never end

    documents, skipped = read_corpus([tmp_path])

    assert [d.source for d in documents] == ["good.md"]
    assert {Path(s.path).name: s.reason for s in skipped} == {
        "pipe.md": "not a regular file",
        "zeros.md": "not a regular file",
    }


def test_an_explicit_file_of_an_unsupported_type_is_skipped(tmp_path: Path) -> None:
    sheet = tmp_path / "rates.xlsx"
    sheet.write_bytes(b"PK")

    documents, skipped = read_corpus([sheet])

    assert documents == []
    assert "unsupported file type .xlsx" in skipped[0].reason


def test_headings_only_and_unsupported_files_in_a_folder_are_reported(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("Real guidance.\n")
    (tmp_path / "outline.md").write_text("# Plan\n\n## Later\n")
    (tmp_path / "deck.pdf").write_bytes(b"%PDF-1.7")

    documents, skipped = read_corpus([tmp_path])

    assert [d.source for d in documents] == ["good.md"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons == {
        "deck.pdf": "unsupported file type .pdf; use .md, .txt or .html",
        "outline.md": "only headings, no text",
    }


def test_an_unreadable_subfolder_is_reported_not_silently_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "good.md").write_text("Real guidance.\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.md").write_text("Hidden guidance.\n")
    # chmod 000 does not stop root (CI runs as root), so refuse at the file system edge.
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with caplog.at_level(logging.WARNING, logger="bot.knowledge.loader"):
        documents, skipped = read_corpus([tmp_path])

    assert [d.source for d in documents] == ["good.md"]
    assert [(s.path, s.reason) for s in skipped] == [
        (str(locked), "unreadable folder (Permission denied)")
    ]
    assert str(locked) in caplog.text
