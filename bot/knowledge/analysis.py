"""Text analysis for search: tokens, stopwords, English stemming and domain synonyms.

Pure and thread-safe. The same analysis runs on chunks (at index time) and on
queries, so a query word and a passage word meet as the same stem.
"""

from __future__ import annotations

import re
import threading
import tomllib
from functools import lru_cache
from pathlib import Path

import Stemmer

# English function words plus the filler of a question about guidance ("what does
# the guidance say about ..."): they match every passage and rank none.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each few for from further had hadn't has hasn't
    have haven't having he her here hers herself him himself his how i if in into is isn't
    it it's its itself just let's me more most much my myself no nor not of off on once only
    or other ought our ours ourselves out over own same she should shouldn't so some such
    than that that's the their theirs them themselves then there there's these they this
    those through to too under until up very was wasn't we were weren't what what's when
    where which while who whom why will with won't would wouldn't you your yours yourself
    yourselves also get got us one ones thing things really way ways kind kinds sort sorts
    type types lot lots tell say says said guidance document documents article articles
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Chat filler in a question ("hey, does anyone know ..."): dropped from queries only,
# since in the documents these words are part of the prose BM25 was fitted on.
QUERY_STOPWORDS = STOPWORDS | frozenset(
    """
    hey hi hello folks guys anyone anybody someone somebody quick question questions wondering
    curious actually basically still even maybe perhaps probably please pls thanks stuff
    something anything everything know think counts
    """.split()  # noqa: SIM905
)

# Groups of interchangeable phrases in influencer marketing (a data file, so the
# vocabulary grows without touching code). Each group is also a concept: documents
# and queries get one concept token per member phrase they use, so "difficulties"
# meets "challenges" with the IDF of the whole group (common groups weigh little),
# and multi-word members ("word of mouth") match as phrases, never word by word.
SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.toml"
CONCEPT_PREFIX = "~"
# A query's concept tokens weigh less than its own words, and its single-word
# synonyms less again (they add recall for exact terms the concept blurs).
CONCEPT_WEIGHT = 0.7
SYNONYM_WEIGHT = 0.25

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_SUFFIXES = ("'s", "'re", "'ve", "'ll", "'d")
# Number words as digits; "one" stays a word (it is mostly a pronoun: "one post").
_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "fifty": "50",
}  # fmt: skip
# Counts as plain digits, so "5k", "5K" and "5,000" all meet as "5000".
_GROUPED = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_SHORT_COUNT = re.compile(r"\b(\d+(?:\.\d+)?) ?(k|m|million)\b")
_STEMMER = Stemmer.Stemmer("english")
_STEMMER_LOCK = threading.Lock()  # PyStemmer objects are not safe to share across threads


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def _count(match: re.Match[str]) -> str:
    scale = 1_000 if match[2] == "k" else 1_000_000
    return str(round(float(match[1]) * scale))


def words(text: str, plain_counts: bool = True) -> list[str]:
    """Lower-cased words; "it's" and "brand's" lose the apostrophe suffix, number
    words become digits ("ten creators" meets "10 micro-influencers"), "%" is the
    word "percent" and, with `plain_counts`, counts become plain digits ("5k" and
    "5,000" are both "5000")."""
    text = text.lower().replace("’", "'").replace("%", " percent")
    if plain_counts:
        text = _SHORT_COUNT.sub(_count, _GROUPED.sub(lambda m: m[0].replace(",", ""), text))
    found = _WORD.findall(text)
    return [_NUMBERS.get(w, w.split("'", 1)[0] if w.endswith(_SUFFIXES) else w) for w in found]


def tokens(text: str) -> list[str]:
    """Stemmed content words, in order: what BM25 indexes and matches."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


def synonym_groups(path: Path = SYNONYMS_FILE) -> dict[str, list[str]]:
    """The thesaurus: each group's name and member phrases."""
    groups = tomllib.loads(path.read_text(encoding="utf-8"))["groups"]
    return {str(name): [str(m) for m in members] for name, members in groups.items()}


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, list[str]]:
    """Single-word member stem -> the other single-word members' stems."""
    table: dict[str, list[str]] = {}
    for group in synonym_groups().values():
        single = [p[0] for p in map(_phrase, group) if len(p) == 1]
        for term in single:
            table.setdefault(term, []).extend(t for t in single if t != term)
    return table


@lru_cache(maxsize=1)
def _concept_table() -> dict[tuple[str, ...], list[str]]:
    """Member phrase (as stems) -> the concept tokens of the groups holding it."""
    table: dict[tuple[str, ...], list[str]] = {}
    for name, group in synonym_groups().items():
        for member in group:
            concepts = table.setdefault(_phrase(member), [])
            # Two members of one group can share a stem ("sale", "sales"): one token.
            if CONCEPT_PREFIX + name not in concepts:
                concepts.append(CONCEPT_PREFIX + name)
    return table


def concepts(text: str) -> list[str]:
    """One concept token per thesaurus phrase in `text`, in order."""
    own = [stem(w) for w in words(text)]
    table = _concept_table()
    longest = max((len(p) for p in table), default=1)
    return [
        concept
        for i in range(len(own))
        for n in range(1, min(longest, len(own) - i) + 1)
        for concept in table.get(tuple(own[i : i + n]), [])
    ]


def index_tokens(text: str) -> list[str]:
    """What BM25 indexes: the stemmed content words, then their concepts."""
    return tokens(text) + concepts(text)


def query_terms(query: str) -> dict[str, float]:
    """The query's BM25 terms with weights: its own stems 1.0, its concepts
    CONCEPT_WEIGHT, the single-word synonyms of its words SYNONYM_WEIGHT."""
    weights = {stem(w): 1.0 for w in words(query) if w not in QUERY_STOPWORDS and len(w) > 1}
    for concept in concepts(query):
        weights.setdefault(concept, CONCEPT_WEIGHT)
    table = _synonym_table()
    for term in list(weights):
        for synonym in table.get(term, []):
            if synonym not in STOPWORDS:
                weights.setdefault(synonym, SYNONYM_WEIGHT)
    return weights


def dense_query(query: str) -> str:
    """The query as the embedder should see it: content words only, counts as
    written (the embedder reads "10k" and the passages' "10,000" alike)."""
    kept = [w for w in words(query, plain_counts=False) if w not in QUERY_STOPWORDS]
    return " ".join(kept) if kept else query
