"""The committed corpus: front matter on every file, article text verbatim from the guidance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
GUIDANCE = Path(__file__).resolve().parents[3] / "shared" / "guidance"

# Page chrome the build drops on purpose (see scripts/build_knowledge.py).
CHROME = {
    "top of page",
    "bottom of page",
    "Comments",
    "Schedule Your Free Consultation",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "By Esther Namawanda",
}
MARKUP = re.compile(r"^(?:#{1,6} |[-•] |)")


def normalise(line: str) -> str:
    """Whitespace-normalised line without heading or bullet markup."""
    line = re.sub(r"\s+", " ", line.replace("\u00a0", " ")).strip()
    return MARKUP.sub("", line, count=1).strip()


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    assert text.startswith("---\n"), "front matter must open the file"
    head, body = text[4:].split("\n---\n", 1)
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    return {k: v.strip('"') for k, v in fields.items()}, body


def markdown_files() -> list[Path]:
    return sorted(KNOWLEDGE.glob("*.md"))


def test_one_markdown_file_per_guidance_document() -> None:
    sources = {split_front_matter(p.read_text("utf-8"))[0]["source"] for p in markdown_files()}
    assert sources == {p.name for p in GUIDANCE.glob("*.txt")}


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.name)
def test_front_matter_names_title_and_source(path: Path) -> None:
    fields, body = split_front_matter(path.read_text("utf-8"))
    assert fields["title"]
    assert (GUIDANCE / fields["source"]).is_file()
    assert path.stem == re.sub(r"[^a-z0-9]+", "-", fields["title"].lower()).strip("-")
    assert re.search(r"^## ", body, re.M), "the document's headings become Markdown headings"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: p.name)
def test_article_text_is_verbatim(path: Path) -> None:
    fields, body = split_front_matter(path.read_text("utf-8"))
    source_lines = [
        normalise(x) for x in (GUIDANCE / fields["source"]).read_text("utf-8").splitlines()
    ]
    article = {x for x in source_lines if x and x not in CHROME}
    written = [normalise(x) for x in body.splitlines() if x.strip()]

    missing = article - set(written)
    assert not missing, f"article lines missing from {path.name}: {sorted(missing)[:3]}"
    added = [x for x in written if x not in article]
    assert not added, f"{path.name} adds text that is not in the source: {added[:3]}"
    assert not set(written) & CHROME, "page chrome must be dropped"
