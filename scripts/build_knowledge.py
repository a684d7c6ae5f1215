"""Build knowledge/*.md from the guidance texts in ../shared/guidance (reproducible).

Usage: python scripts/build_knowledge.py [SOURCE_DIR] [OUT_DIR]

The article text is kept verbatim; only whitespace is normalised (non-breaking
spaces become spaces, runs of spaces collapse, lines are trimmed). The rules below
decide what is page chrome, which lines are headings and what each file is called.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "guidance"
DEFAULT_OUT = ROOT / "knowledge"

# Web-page chrome: whole lines that belong to the page, not to the article.
CHROME_LINES = {
    "top of page",
    "bottom of page",
    "Comments",
    "Schedule Your Free Consultation",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
}
# An author line moves into the front matter instead of the body.
BYLINE = re.compile(r"^By (?P<author>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3})$")

# 000 has no title line of its own; its title comes from its closing section
# ("they represent the future of online influence").
TITLES_WITHOUT_TITLE_LINE = {
    "000_2740fe9e5f62db7a.txt": "Micro-Influencers: The Future of Online Influence",
}

BULLET = re.compile(r"^(?:[•\-]|\d+\.)\s+")
NUMBERED = re.compile(r"^\d+\.\s+")
SENTENCE_END = re.compile(r"[.,;:!\"”*]$")
MAX_HEADING_CHARS = 70


@dataclass
class Article:
    source: str
    title: str
    author: str | None
    title_in_body: bool
    blocks: list[str]  # Markdown blocks, separated by a blank line when written


def clean(line: str) -> str:
    """Normalise whitespace only: NBSP to space, collapse runs, trim."""
    return re.sub(r"\s+", " ", line.replace("\u00a0", " ")).strip()


def starts_with_emoji(line: str) -> bool:
    return bool(line) and unicodedata.category(line[0]) == "So"


def is_title_case(line: str) -> bool:
    """Every word of four or more letters is capitalised ("Micro vs. Macro: The ...")."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) >= 4]
    return bool(words) and all(w[0].isupper() for w in words)


def heading_level(line: str, next_line: str | None, raw: str) -> int | None:
    """Decide whether a cleaned line is a heading (2 or 3) or body text (None).

    Rules, in order:
    - an emoji-led line ("🌟 Who Are Micro-Influencers?") is a section (##);
    - a short numbered title-case line ("2. Higher Engagement Rates") is a
      subsection (###);
    - a one- or two-word bullet standing alone before a paragraph ("• TikTok")
      is a subsection (###);
    - any other short title-case line without closing punctuation is a section (##).
    """
    if starts_with_emoji(line):
        return 2
    body = BULLET.sub("", line)
    short = len(line) <= MAX_HEADING_CHARS and not SENTENCE_END.search(line)
    if NUMBERED.match(line) and short and is_title_case(body):
        return 3
    if raw.lstrip().startswith("•") and len(body.split()) <= 2 and short:
        follows_paragraph = next_line is not None and not BULLET.match(next_line)
        return 3 if follows_paragraph else None
    if not BULLET.match(line) and short and is_title_case(line):
        return 2
    return None


def parse(path: Path) -> Article:
    raw_lines = path.read_text(encoding="utf-8").splitlines()
    pairs = [(clean(raw), raw) for raw in raw_lines]
    pairs = [(line, raw) for line, raw in pairs if line and line not in CHROME_LINES]

    author = None
    kept: list[tuple[str, str]] = []
    for line, raw in pairs:
        match = BYLINE.match(line)
        if match:
            author = match["author"]
        else:
            kept.append((line, raw))

    title = TITLES_WITHOUT_TITLE_LINE.get(path.name)
    title_in_body = title is None
    if title is None:
        title = kept.pop(0)[0]
        # Some pages repeat the title as the first line of the article.
        while kept and kept[0][0] == title:
            kept.pop(0)

    blocks: list[str] = []
    list_items: list[str] = []

    def flush_list() -> None:
        if list_items:
            blocks.append("\n".join(list_items))
            list_items.clear()

    for i, (line, raw) in enumerate(kept):
        next_line = kept[i + 1][0] if i + 1 < len(kept) else None
        level = heading_level(line, next_line, raw)
        indented = raw.startswith("    ") and not BULLET.match(line)
        if level is not None:
            flush_list()
            # A bullet promoted to a heading ("• TikTok") loses its bullet glyph.
            text = BULLET.sub("", line) if raw.lstrip().startswith("•") else line
            blocks.append("#" * level + " " + text)
        elif BULLET.match(line):
            # "•" is the page's bullet glyph; Markdown's is "-". Numbers stay.
            list_items.append("- " + line[1:].lstrip() if line.startswith("•") else line)
        elif indented and list_items:
            # A deeper-indented line continues the bullet above it.
            list_items.append("  " + line)
        else:
            flush_list()
            blocks.append(line)
    flush_list()
    return Article(path.name, title, author, title_in_body, blocks)


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().replace("’", "").replace("'", ""))
    return slug.strip("-")


def render(article: Article) -> str:
    front = ["---", f"title: {json.dumps(article.title, ensure_ascii=False)}"]
    front.append(f"source: {article.source}")
    if article.author:
        front.append(f"author: {json.dumps(article.author, ensure_ascii=False)}")
    front.append("---")
    body = ([f"# {article.title}"] if article.title_in_body else []) + article.blocks
    return "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n"


def main(argv: list[str]) -> int:
    source_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    out_dir = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(source_dir.glob("*.txt")):
        article = parse(path)
        target = out_dir / f"{slugify(article.title)}.md"
        target.write_text(render(article), encoding="utf-8")
        print(f"{path.name} -> {target.relative_to(out_dir.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
