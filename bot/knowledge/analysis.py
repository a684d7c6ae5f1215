"""Text analysis for search: tokens, stopwords, English stemming and domain synonyms.

Pure and thread-safe. The same analysis runs on chunks (at index time) and on
queries, so a query word and a passage word meet as the same stem.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

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

# Groups of interchangeable phrases in influencer marketing. A query that uses one
# also searches for the others, at a lower weight than its own words.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("vegan", "plant-based"),
    ("creator", "influencer", "content creator"),
    ("micro-influencer", "micro-creator", "small creator"),
    (
        "challenge",
        "difficulty",
        "problem",
        "obstacle",
        "hurdle",
        "struggle",
        "downside",
        "drawback",
        "pitfall",
        "risk",
    ),
    ("burnout", "wellbeing", "well-being", "mental health", "exhaustion", "stress", "pressure"),
    ("benefit", "advantage", "upside", "perk", "pro"),
    ("lesson", "takeaway", "learn", "advice", "tip", "best practice"),
    ("brand", "company", "business", "startup", "advertiser", "firm"),
    (
        "affordable",
        "cheap",
        "inexpensive",
        "cost-effective",
        "cost-efficient",
        "budget-friendly",
        "low-cost",
    ),
    ("cost", "price", "pricing", "fee", "charge", "expense", "spend", "spending"),
    ("money", "financial", "dollars", "budget"),
    ("follower", "fan", "audience", "following", "subscriber"),
    ("shopper", "consumer", "customer", "buyer"),
    ("young", "gen z", "millennials"),
    ("engagement", "interaction", "likes", "comments"),
    ("talk", "conversation", "converse", "communicate", "broadcast"),
    ("trust", "credibility", "trustworthy", "credible", "believable"),
    ("authentic", "authenticity", "genuine", "sincere", "real", "honest"),
    ("roi", "return on investment", "returns"),
    ("sales", "purchase", "conversion", "buy", "buying"),
    ("celebrity", "mega-influencer", "macro-influencer", "famous", "big-name", "star"),
    ("niche", "specialise", "specialize", "specialization", "targeted", "specific", "focused"),
    ("topic", "theme", "subject", "segment"),
    ("platform", "channel", "app", "social network", "instagram", "tiktok", "youtube", "threads"),
    ("monetize", "earn", "income", "make money"),
    ("example", "case study", "story"),
    ("small", "tiny", "smaller"),
    ("big", "large", "huge", "massive", "bigger"),
)
SYNONYM_WEIGHT = 0.4

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STEMMER = Stemmer.Stemmer("english")
_STEMMER_LOCK = threading.Lock()  # PyStemmer objects are not safe to share across threads


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased words; "it's" and "brand's" lose the apostrophe suffix."""
    found = _WORD.findall(text.lower().replace("’", "'"))
    return [
        w.split("'", 1)[0] if w.endswith(("'s", "'re", "'ve", "'ll", "'d")) else w for w in found
    ]


def tokens(text: str) -> list[str]:
    """Stemmed content words, in order: what BM25 indexes and matches."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


@lru_cache(maxsize=1)
def _synonym_table() -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    table: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in SYNONYM_GROUPS:
        phrases = [_phrase(p) for p in group]
        for phrase in phrases:
            table.setdefault(phrase, []).extend(p for p in phrases if p != phrase)
    return table


def query_terms(query: str) -> dict[str, float]:
    """The query's stems with weights: its own words 1.0, synonyms SYNONYM_WEIGHT."""
    own = [stem(w) for w in words(query)]
    weights = {t: 1.0 for t in tokens(query)}
    table = _synonym_table()
    longest = max((len(p) for p in table), default=1)
    for i in range(len(own)):
        for n in range(1, longest + 1):
            for synonym in table.get(tuple(own[i : i + n]), []):
                for term in synonym:
                    if term not in STOPWORDS:
                        weights.setdefault(term, SYNONYM_WEIGHT)
    return weights


def dense_query(query: str) -> str:
    """The query as the embedder should see it: content words only."""
    kept = [w for w in words(query) if w not in STOPWORDS]
    return " ".join(kept) if kept else query
