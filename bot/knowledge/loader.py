"""Read guidance files (Markdown, plain text, HTML) into Documents; skip bad files with a warning.

`Document.text` is the body exactly as stored (HTML is first turned into plain
Markdown-like text), so quotes can be checked against it verbatim.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

logger = logging.getLogger(__name__)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES
# Guidance articles are a few KB; anything this big is a data dump, not guidance.
MAX_FILE_BYTES = 2_000_000

Format = Literal["markdown", "text", "html"]


class Document(BaseModel):
    """One guidance file: where it came from, its title and its body text."""

    source: str
    title: str
    text: str
    format: Format = "markdown"
    digest: str = ""


class Skipped(BaseModel):
    """A file that was not loaded, and why."""

    path: str
    reason: str


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n---[ \t]*(?:\n|\Z)", re.S)
# An opening "---" with a "key: value" line in the lines under it, before a blank one.
_UNCLOSED_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:[ \t]*\S[^\n]*\n)*?[\w-]+:")
# "## Title", or a line opening a paragraph with a line of = or - under it (Setext).
_HEADING = re.compile(
    r"^(?:#{1,6}[ \t]+(?P<atx>.+?)[ \t#]*"
    r"|(?<![^\n]\n)(?P<setext>[^\s#][^\n]*?)[ \t]*\n {0,3}(?:=+|-+)[ \t]*)$",
    re.M,
)


def split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter (values may be JSON-quoted) and the body after it."""
    match = _FRONT_MATTER.match(raw)
    if match is None:
        return {}, raw
    fields: dict[str, str] = {}
    for line in match["head"].splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            try:
                value = str(json.loads(value))
            except json.JSONDecodeError:
                value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        fields[key.strip().lower()] = value
    return fields, raw[match.end() :]


class _HtmlToText(HTMLParser):
    """Keeps article text: headings become `#` lines, list items `- ` lines, blocks paragraphs."""

    _SKIP = frozenset(
        {"script", "style", "nav", "footer", "header", "form", "noscript", "template", "head"}
    )
    _BLOCKS = frozenset(
        {"p", "div", "section", "article", "main", "br", "tr", "blockquote", "ul", "ol"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""
        self._current: list[str] = []
        self._prefix = ""
        self._skip_depth = 0
        self._in_title = False
        # A <header> inside <article> or <main> is the article's own (its title and
        # byline); only the page's header is chrome. Per open <header>: is it chrome?
        self._article_depth = 0
        self._headers: list[bool] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._current)).strip()
        if text:
            self.blocks.append(self._prefix + text)
        self._current = []
        self._prefix = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("article", "main"):
            self._article_depth += 1
        if tag == "header":
            self._headers.append(not self._article_depth)
            if not self._headers[-1]:
                self._flush()
                return
        if tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._prefix = "#" * int(tag[1]) + " "
        elif tag == "li":
            self._flush()
            self._prefix = "- "
        elif tag in self._BLOCKS:
            self._flush()
        elif tag in ("td", "th"):
            self._current.append(" ")  # a row reads as one line, its cells apart

    def handle_endtag(self, tag: str) -> None:
        if tag in ("article", "main"):
            self._article_depth = max(0, self._article_depth - 1)
        if tag == "header" and not (self._headers.pop() if self._headers else True):
            self._flush()
            return
        if tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag == "li" or tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self._current.append(data)

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.blocks) + ("\n" if self.blocks else "")


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    return "text" if suffix in TEXT_SUFFIXES else "markdown"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# UTF-8's multibyte characters: a file with some is UTF-8 with a stray byte, not Latin-1.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _windows_1252(data: bytes) -> str:
    """Text that is not UTF-8, as Windows editors and spreadsheet exports save it:
    Windows-1252, Latin-1 with curly quotes and dashes in place of control codes."""
    if _UTF8_MULTIBYTE.search(data):
        raise ValueError("not UTF-8 text")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        raise ValueError("not UTF-8 text") from None


def read_document(path: Path, source: str) -> Document:
    """Load one file; raises ValueError with the reason when it cannot be used."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A pipe or a device (a link to /dev/zero) would block or never end a read.
            raise ValueError("not a regular file")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise ValueError(f"too large ({size:,} bytes, limit {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"unreadable ({exc.strerror or exc})") from None
    # Windows' "Unicode" text is UTF-16 with a byte-order mark: NUL bytes, yet text.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data and not utf16:
        raise ValueError("binary content")
    try:
        raw = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError:
        if utf16:
            raise ValueError("not UTF-16 text") from None
        raw = _windows_1252(data)
        logger.warning("reading %s as Windows-1252 (Latin-1) text: it is not UTF-8", path)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (a terminal escape, a form feed) are no text to quote, and an
    # escape sequence would reach the terminal of whoever reads the passage.
    raw = _CONTROL.sub("", raw)

    fmt = _format_of(path)
    fields, body = split_front_matter(raw)
    if _UNCLOSED_FRONT_MATTER.match(raw) and not _FRONT_MATTER.match(raw):
        logger.warning(
            "%s: its front matter has no closing '---' line, so it is read as text", path
        )
    html_title = ""
    if fmt == "html":
        parser = _HtmlToText()
        parser.feed(body)
        body, html_title = parser.text(), re.sub(r"\s+", " ", parser.title).strip()
    body = body.lstrip("\n")
    if not body.strip():
        raise ValueError("empty")
    if fmt != "text" and not _HEADING.sub("", body).strip():
        raise ValueError("only headings, no text")

    heading = _HEADING.search(body) if fmt != "text" else None
    first_heading = (heading["atx"] or heading["setext"]) if heading else ""
    title = fields.get("title") or html_title or first_heading or path.name
    digest = hashlib.sha256(data).hexdigest()
    return Document(source=source, title=title, text=body, format=fmt, digest=digest)


def _folder_files(folder: Path, problems: list[Skipped]) -> Iterable[Path]:
    """Every file under `folder` but hidden ones, sorted, through symlinked subfolders too;
    an unreadable subfolder is a problem to report (its files would otherwise vanish from
    the index unexplained)."""

    def unreadable(exc: OSError) -> None:
        problems.append(
            Skipped(path=str(exc.filename), reason=f"unreadable folder ({exc.strerror or exc})")
        )

    found: list[Path] = []
    seen: set[Path] = set()  # real paths walked: a link back up the tree is walked once
    for root, folders, files in os.walk(folder, onerror=unreadable, followlinks=True):
        real = Path(root).resolve()
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = [f for f in folders if not f.startswith(".")]
        found.extend(Path(root) / f for f in files if not f.startswith("."))
    return sorted(found)


def _candidates(paths: Iterable[Path], problems: list[Skipped]) -> Iterable[tuple[Path, str]]:
    """(file, source name) pairs: files in a folder are named relative to it."""
    for path in paths:
        if path.is_dir():
            # Symlinks are listed even when dangling, so a broken one is reported, not lost.
            for file in _folder_files(path, problems):
                yield file, file.relative_to(path).as_posix()
        else:
            yield path, path.name


def _is_utf8(name: str) -> bool:
    """False for a file name that is not UTF-8 (Python keeps its bytes as surrogates)."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def read_corpus(paths: Iterable[Path]) -> tuple[list[Document], list[Skipped]]:
    """Every usable document under `paths`, plus the files skipped and why (also logged)."""
    documents: dict[str, Document] = {}
    skipped: list[Skipped] = []
    seen: set[tuple[str, Path]] = set()
    for file, source in _candidates(paths, skipped):
        # realpath, not Path.resolve: that raises on a link loop (a.md -> b.md -> a.md).
        real = Path(os.path.realpath(file))
        if (source, real) in seen:
            continue  # one file named twice (a folder and a file in it): no duplicate
        seen.add((source, real))
        if not _is_utf8(source):
            reason = "its name is not UTF-8 text: rename it"
        elif file.suffix.lower() not in SUFFIXES:
            reason = f"unsupported file type {file.suffix or '(none)'}; use .md, .txt or .html"
        elif source in documents:
            reason = f"duplicate source name {source}"
        else:
            try:
                documents[source] = read_document(file, source)
                continue
            except ValueError as exc:
                reason = str(exc)
        skipped.append(Skipped(path=str(file), reason=reason))
    for problem in skipped:
        logger.warning("skipping %s: %s", problem.path, problem.reason)
    return list(documents.values()), skipped


def load_documents(paths: list[Path]) -> list[Document]:
    """The documents under `paths` (files or folders); bad files are skipped with a warning."""
    return read_corpus(paths)[0]
