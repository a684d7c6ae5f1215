"""Grounding: every number in an answer comes from a tool output, every quote from `knowledge/`.

Both checks repair rather than reject: a sentence with an unsupported number is dropped,
a quote with drifted whitespace or typography is replaced by the exact source span, and a
quote that is not in any document is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from bot.agent.models import Citation

# A number as people write it: "$1,250", "5.8%", "48.2k", "0.41". Digits inside words
# ("p50", "4life") are not numbers; handles are removed before scanning.
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:\s?(%|percent\b|k\b|K\b|M\b|m\b|x\b|×))?(?![\w])"
)
_HANDLE = re.compile(r"(?<![\w])@[A-Za-z0-9_.-]+")
# A sentence ends at . ! or ?, possibly closed by bold, a quote mark or a bracket.
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][*_”\")])|(?<=[.!?]\*\*))\s+(?=[A-Z*_>\"“•@(-])"
)
# "82/100" is a score on a fixed scale: the 100 is notation, not a figure.
_OUT_OF_100 = re.compile(r"/\s?100\b")


@dataclass(frozen=True)
class NumberToken:
    """A number found in text, with how it was written."""

    text: str
    value: float
    decimals: int
    unit: str  # "", "%", "k" or "M" ("3x" is the plain number 3)


def number_tokens(text: str) -> list[NumberToken]:
    """The numbers written in `text` (handles ignored)."""
    tokens = []
    for match in _NUMBER.finditer(_OUT_OF_100.sub(" ", _HANDLE.sub(" ", text))):
        whole, fraction, unit = match.group(1), match.group(2) or "", match.group(3) or ""
        unit = {"percent": "%", "K": "k", "m": "M", "x": "", "×": ""}.get(unit, unit)
        tokens.append(
            NumberToken(
                text=match.group(0).strip(),
                value=float(whole.replace(",", "") + fraction),
                decimals=max(len(fraction) - 1, 0),
                unit=unit,
            )
        )
    return tokens


def _walk(value: Any) -> Iterable[float]:
    if isinstance(value, BaseModel):
        yield from _walk(value.model_dump(mode="json"))
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, str):
        for token in number_tokens(value):
            yield token.value
            if token.unit == "%":
                yield token.value / 100
            elif token.unit == "k":
                yield token.value * 1_000
            elif token.unit == "M":
                yield token.value * 1_000_000
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        yield float(len(value))
        for item in value:
            yield from _walk(item)


def allowed_numbers(outputs: Sequence[Any]) -> set[float]:
    """Every number the tools produced (fields, numbers inside texts, list lengths)."""
    return set(_walk(list(outputs)))


def _supported(token: NumberToken, allowed: set[float]) -> bool:
    scales = {"": (1.0,), "%": (100.0, 1.0), "k": (0.001,), "M": (0.000001,)}[token.unit]
    # The value must equal an allowed number as rounded to the precision written.
    tolerance = 0.5 * 10 ** (-token.decimals) + 1e-9
    return any(
        abs(abs(number) * scale - token.value) <= tolerance
        for number in allowed
        for scale in scales
    )


def unsupported_numbers(text: str, allowed: set[float]) -> list[str]:
    """The numbers in `text` that no tool output supports."""
    return [t.text for t in number_tokens(text) if not _supported(t, allowed)]


def _drop_sentences(text: str, bad: Callable[[str], bool]) -> tuple[str, list[str]]:
    """Remove each sentence for which `bad` holds, keeping lines and paragraphs intact."""
    kept_lines: list[str] = []
    dropped: list[str] = []
    for line in text.splitlines():
        kept = []
        for sentence in _SENTENCE_END.split(line):
            if bad(sentence):
                dropped.append(sentence.strip())
            else:
                kept.append(sentence)
        if kept or not line.strip():
            kept_lines.append(" ".join(kept))
    return "\n".join(kept_lines).strip(), dropped


def drop_unsupported(text: str, allowed: set[float]) -> tuple[str, list[str]]:
    """Remove each sentence that carries an unsupported number; return the text and what went."""
    return _drop_sentences(text, lambda sentence: bool(unsupported_numbers(sentence, allowed)))


# No tool can write, so an answer saying it changed something is false whatever it says.
_WRITE_CLAIM = re.compile(
    r"\b(I|I've|I’ve|I have|we|we've|we’ve|we have)\s+(just\s+)?"
    r"(added|removed|deleted|updated|changed|saved|put|shortlisted)\b"
    r"|\b(has|have) been (added|removed|deleted|updated|shortlisted)\b",
    re.IGNORECASE,
)


def drop_write_claims(text: str) -> tuple[str, list[str]]:
    """Remove each sentence that claims a write happened; return the text and what went."""
    return _drop_sentences(text, lambda sentence: bool(_WRITE_CLAIM.search(sentence)))


def drop_unknown_handles(text: str, known: Collection[str]) -> tuple[str, list[str]]:
    """Remove each sentence naming a creator handle that is not on the roster."""
    return _drop_sentences(
        text,
        lambda sentence: any(
            h.lower().rstrip(".-") not in known for h in _HANDLE.findall(sentence)
        ),
    )


class SourceDocument(Protocol):
    """A knowledge document as loaded from `knowledge/`."""

    source: str
    title: str
    text: str


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _normalised_with_map(text: str) -> tuple[str, list[int]]:
    """Whitespace collapsed and typography unified, with each char's index in `text`."""
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text.translate(_TYPOGRAPHY)):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        index.append(i)
    return "".join(chars), index


class QuoteChecker:
    """Checks citations against the knowledge documents, repairing what it can."""

    def __init__(self, documents: Sequence[SourceDocument]) -> None:
        self._documents = list(documents)
        self._normalised = [_normalised_with_map(d.text) for d in self._documents]

    def _ordered(self, source: str) -> list[int]:
        # Look in the cited document first, then in the others.
        first = [i for i, d in enumerate(self._documents) if d.source == source]
        return first + [i for i in range(len(self._documents)) if i not in first]

    def verify(self, citation: Citation) -> Citation | None:
        """The citation with an exact quote and its true source, or None if it is not quoted."""
        quote = citation.quote.strip().strip('"“”').strip()
        if len(quote) < 12:
            return None
        for i in self._ordered(citation.source):
            doc = self._documents[i]
            if quote in doc.text:
                return Citation(source=doc.source, title=doc.title, quote=quote)
        wanted, _ = _normalised_with_map(quote)
        for i in self._ordered(citation.source):
            normalised, index = self._normalised[i]
            at = normalised.find(wanted)
            if at >= 0:
                doc = self._documents[i]
                exact = doc.text[index[at] : index[at + len(wanted) - 1] + 1]
                return Citation(source=doc.source, title=doc.title, quote=exact)
        return None

    def verify_all(self, citations: Iterable[Citation]) -> list[Citation]:
        """Verified citations, each quote once, in order."""
        verified: dict[str, Citation] = {}
        for citation in citations:
            checked = self.verify(citation)
            if checked is not None:
                verified.setdefault(checked.quote, checked)
        return list(verified.values())


_QUOTED = re.compile(r"“([^”\n]{12,600})”|\"([^\"\n]{12,600})\"")
# A quotation this long is a guidance quote and gets cited; a shorter one is a phrase
# ("vegan fitness"), checked all the same so that an invented “small always wins” goes.
MIN_CITED_QUOTE = 20


def ground_quotes(
    text: str,
    checker: QuoteChecker,
    hints: Sequence[Citation] = (),
    data: Sequence[str] = (),
) -> tuple[str, list[Citation]]:
    """Check every quotation in `text` and every hinted citation against the documents.

    A quotation found verbatim (or nearly: whitespace, curly quotes) becomes a citation,
    with its text made exact; a quotation that is in no document is removed with its
    sentence (its blockquote line, for a quote block); a short one found in a document is
    left as it is, uncited. Quoting tool data (a bio inside a reason, a niche searched for,
    in `data`) is not a guidance quote and is left alone. Returns the text and citations.
    """
    sources = {h.quote: h.source for h in hints}
    citations: list[Citation] = []
    lines: list[str] = []
    for line in text.splitlines():
        for match in _QUOTED.finditer(line):
            quoted = match.group(1) or match.group(2)
            if any(quoted in d for d in data):
                continue
            checked = checker.verify(
                Citation(source=sources.get(quoted, ""), title="", quote=quoted)
            )
            if checked is not None:
                if len(quoted) >= MIN_CITED_QUOTE:
                    citations.append(checked)
                    line = line.replace(quoted, checked.quote)
            elif line.lstrip().startswith(">"):
                line = ""
                break
            else:
                line = " ".join(s for s in _SENTENCE_END.split(line) if quoted not in s)
        if line or not lines or lines[-1]:
            lines.append(line)
    citations.extend(checker.verify_all(hints))
    # One citation per quote; a quote inside a longer one (a nested “word” cut a match
    # short) is the same citation.
    unique = list({c.quote: c for c in reversed(citations)}.values())[::-1]
    kept = [c for c in unique if not any(c.quote in o.quote and c != o for o in unique)]
    return "\n".join(lines).strip(), kept
