"""Niche fit: how well a creator's tags and bio match a brief such as "vegan fitness".

Two signals per brief term, the stronger wins: exact matches (tags, then bio) after
mapping synonyms onto canonical tags ("plant-based" is "vegan") and stemming, and
embedding similarity (WordLlama, offline) to the creator's tags and bio.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from numpy.typing import NDArray

    from bot.embeddings import Embedder
    from bot.scoring.config import NicheConfig

# Letters of any alphabet: "végétalien" is one word, not "v", "g" and "talien".
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_EMBED_BATCH = 8192


# Words this long or longer are read as a roster niche tag one edit away ("fitnes").
TYPO_MIN_LENGTH = 5


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with exactly one letter inserted, deleted or replaced."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def tag_word_for(word: str, tag_words: Collection[str]) -> str | None:
    """The roster tag word a mistyped `word` meant: the only one a single edit away
    ("fitnes" -> "fitness"), for a word of TYPO_MIN_LENGTH letters or more that is no tag
    word nor a plural or singular of one ("plant" is plants, not a typo; "fitnes" is no
    singular of fitness, since a plural of a word ending in s adds "es"); else None."""
    forms = {word, word.removesuffix("s")} | (set() if word.endswith("s") else {word + "s"})
    if len(word) < TYPO_MIN_LENGTH or forms & set(tag_words):
        return None
    near = [tag for tag in tag_words if one_edit_apart(word, tag)]
    return near[0] if len(near) == 1 else None


@dataclass(frozen=True)
class Term:
    """A brief or profile term: `key` is compared, `surface` is what the text said."""

    key: str
    surface: str


class Vocabulary:
    """Turns text into terms: synonym phrases become their canonical tag, other words stems."""

    def __init__(self, config: NicheConfig) -> None:
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        self._stopwords = frozenset(config.stopwords)
        self._canonical: dict[str, str] = {}
        for tag, phrases in config.synonyms.items():
            self._canonical[tag] = tag
            for phrase in phrases:
                self._canonical[" ".join(phrase.lower().split())] = tag
        alternatives = sorted(self._canonical, key=len, reverse=True)
        self._phrases = re.compile(
            r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])"
        )

    def _words(self, text: str) -> list[Term]:
        words = [w for w in _WORD.findall(text) if w not in self._stopwords]
        return [
            Term(stem, word)
            for stem, word in zip(self._stemmer.stemWords(words), words, strict=True)
        ]

    def terms(self, text: str) -> list[Term]:
        """Terms in order, without repeats."""
        text = " ".join(text.lower().split())
        found: list[Term] = []
        position = 0
        for match in self._phrases.finditer(text):
            found.extend(self._words(text[position : match.start()]))
            found.append(Term(self._canonical[match.group(1)], match.group(1)))
            position = match.end()
        found.extend(self._words(text[position:]))
        unique: dict[str, Term] = {}
        for term in found:
            unique.setdefault(term.key, term)
        return list(unique.values())


@dataclass(frozen=True)
class NicheFit:
    """Fit per creator (0..1) for one brief, with the parts needed to explain it."""

    brief: str
    terms: list[Term]
    value: NDArray[np.float64]
    in_tags: NDArray[np.bool_]  # terms x creators
    in_bio: NDArray[np.bool_]
    tag_similarity: NDArray[np.float32]  # terms x creators, scaled 0..1
    bio_similarity: NDArray[np.float32]  # creators, scaled 0..1
    term_vectors: NDArray[np.float32]
    ignored: list[Term]  # brief words that no tag on the roster relates to


def _ids(values: Sequence[str]) -> tuple[list[str], NDArray[np.int32]]:
    """Unique values (first-seen order) and each item's index into them."""
    index: dict[str, int] = {}
    ids = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32, len(values))
    return list(index), ids


class NicheIndex:
    """Everything about the roster's tags and bios that a brief is matched against.

    Built once per roster (embeddings of each distinct tag and bio); immutable after,
    so concurrent readers need no lock.
    """

    def __init__(
        self,
        niches: Sequence[Sequence[str]],
        bios: Sequence[str],
        embedder: Embedder,
        config: NicheConfig,
    ) -> None:
        self._embedder = embedder
        self._config = config
        self.vocabulary = Vocabulary(config)

        tags, tag_ids = _ids([tag for creator in niches for tag in creator])
        width = max((len(creator) for creator in niches), default=0)
        # Tag slot j of every creator, one contiguous row per slot (fast gathers);
        # empty slots point at a blank extra tag that never matches.
        self._tag_slots = np.full((max(width, 1), len(niches)), len(tags), dtype=np.int32)
        lengths = np.fromiter((len(c) for c in niches), np.int64, len(niches))
        creators = np.repeat(np.arange(len(niches)), lengths)
        slots = np.arange(len(tag_ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        self._tag_slots[slots, creators] = tag_ids
        self._tags = tags
        self._tag_vectors = self._embed_all(tags)
        self._tag_terms = self._term_postings(tags)

        self._bios, self._bio_ids = _ids(list(bios))
        self._bio_vectors = self._embed_all(self._bios)
        self._bio_terms = self._term_postings(self._bios)

    def _embed_all(self, texts: list[str]) -> NDArray[np.float32]:
        # In batches, so a million bios never need the tokenizer's working memory at once.
        first = self._embedder.embed(texts[:_EMBED_BATCH])
        vectors = np.empty((len(texts), first.shape[1]), dtype=np.float32)
        vectors[: len(first)] = first
        for start in range(_EMBED_BATCH, len(texts), _EMBED_BATCH):
            vectors[start : start + _EMBED_BATCH] = self._embedder.embed(
                texts[start : start + _EMBED_BATCH]
            )
        return vectors

    def _term_postings(self, texts: list[str]) -> dict[str, NDArray[np.int32]]:
        """Term -> the texts that contain it, built in flat arrays (lean for 1M texts)."""
        term_ids: dict[str, int] = {}
        pairs_term, pairs_text = array("i"), array("i")
        for i, text in enumerate(texts):
            for term in self.vocabulary.terms(text):
                pairs_term.append(term_ids.setdefault(term.key, len(term_ids)))
                pairs_text.append(i)
        by_term = np.frombuffer(pairs_term, dtype=np.int32)
        order = np.argsort(by_term, kind="stable")
        bounds = np.searchsorted(by_term[order], np.arange(len(term_ids) + 1))
        text_ids = np.frombuffer(pairs_text, dtype=np.int32)[order]
        return {key: text_ids[bounds[t] : bounds[t + 1]].copy() for key, t in term_ids.items()}

    def _scale(self, similarity: NDArray[np.float32]) -> NDArray[np.float32]:
        floor, ceiling = self._config.similarity_floor, self._config.similarity_ceiling
        return np.clip((similarity - floor) / (ceiling - floor), 0, 1).astype(np.float32)

    def fit(self, brief: str) -> NicheFit:
        """Niche fit of every creator for `brief` (vectorised over the roster)."""
        terms = self.vocabulary.terms(brief)
        n = len(self._bio_ids)
        # A synonym is embedded as its canonical tag: "plant-based" means vegan, and its
        # own vector sits near "plants" (houseplants), which is not what the brief asks for.
        texts = [term.key if term.key in self._config.synonyms else term.surface for term in terms]
        vectors = self._embedder.embed([brief, *texts])
        bio_similarity = self._scale(self._bio_vectors @ vectors[0])[self._bio_ids]

        # One extra all-zero column so padded tag slots never match.
        term_tag = np.zeros((len(terms), len(self._tags) + 1), dtype=np.float32)
        term_tag[:, :-1] = self._scale(vectors[1:] @ self._tag_vectors.T)
        term_vectors = vectors[1:]
        # Words no tag on the roster relates to ("under", "50k") are not the niche:
        # leave them out of the mean, unless nothing in the brief relates to any tag.
        related = [
            term.key in self._tag_terms or bool(term_tag[t].max(initial=0) > 0)
            for t, term in enumerate(terms)
        ]
        ignored = [term for term, keep in zip(terms, related, strict=True) if not keep]
        if ignored and any(related):
            terms = [term for term, keep in zip(terms, related, strict=True) if keep]
            term_tag, term_vectors = term_tag[related], term_vectors[related]
        else:
            ignored = []
        in_tags = np.zeros((len(terms), n), dtype=bool)
        in_bio = np.zeros((len(terms), n), dtype=bool)
        tag_similarity = np.zeros((len(terms), n), dtype=np.float32)
        total = np.zeros(n, dtype=np.float32)
        for t, term in enumerate(terms):
            tag_has_term = np.zeros(len(self._tags) + 1, dtype=bool)
            tag_has_term[self._tag_terms.get(term.key, [])] = True
            for slot in self._tag_slots:
                np.maximum(tag_similarity[t], term_tag[t][slot], out=tag_similarity[t])
                in_tags[t] |= tag_has_term[slot]
            bio_has_term = np.zeros(len(self._bios), dtype=bool)
            bio_has_term[self._bio_terms.get(term.key, [])] = True
            in_bio[t] = bio_has_term[self._bio_ids]
            # A term scores its strongest signal: tag match, bio match, or similarity.
            best = np.where(in_tags[t], 1.0, in_bio[t] * self._config.bio_term_credit)
            best = np.maximum(best, tag_similarity[t], dtype=np.float32)
            total += np.maximum(best, bio_similarity)
        value = (total / len(terms) if terms else bio_similarity).astype(np.float64)
        return NicheFit(
            brief,
            terms,
            value,
            in_tags,
            in_bio,
            tag_similarity,
            bio_similarity,
            term_vectors,
            ignored,
        )

    def explain(self, fit: NicheFit, i: int) -> str:
        """One line on why creator `i` fits (or not) the brief."""
        return f'fit {fit.value[i]:.2f} for "{fit.brief}": ' + self.summary(fit, i)

    def summary(self, fit: NicheFit, i: int) -> str:
        """The matches alone, e.g. "tags match fitness; bio mentions plant-based (=vegan)"."""
        return "; ".join(self._parts(fit, i)) or "no overlap"

    def _parts(self, fit: NicheFit, i: int) -> list[str]:
        in_tags, in_bio, near, missing = [], [], [], []
        for t, term in enumerate(fit.terms):
            if fit.in_tags[t, i]:
                in_tags.append(term.surface)
            elif fit.in_bio[t, i]:
                said = self._said_in_bio(term, i)
                in_bio.append(term.surface if said == term.surface else f"{said} (={term.surface})")
            elif fit.tag_similarity[t, i] > 0:
                near.append(f"{term.surface} ~ {self._closest_tag(fit.term_vectors[t], i)}")
            else:
                missing.append(term.surface)
        parts = []
        if in_tags:
            parts.append("tags match " + ", ".join(in_tags))
        if in_bio:
            parts.append("bio mentions " + ", ".join(in_bio))
        if near:
            parts.append("close tags " + ", ".join(near))
        if fit.bio_similarity[i] > 0 and not (in_tags or in_bio):
            parts.append(f"bio reads {fit.bio_similarity[i]:.0%} like the brief")
        if missing:
            parts.append("nothing on " + ", ".join(missing))
        if fit.ignored:
            parts.append("ignored " + ", ".join(term.surface for term in fit.ignored))
        return parts

    def _closest_tag(self, vector: NDArray[np.float32], i: int) -> str:
        own = self._tag_slots[:, i]
        own = own[own < len(self._tags)]
        return self._tags[int(own[np.argmax(self._tag_vectors[own] @ vector)])]

    def _said_in_bio(self, term: Term, i: int) -> str:
        bio = self._bios[int(self._bio_ids[i])]
        for found in self.vocabulary.terms(bio):
            if found.key == term.key:
                return found.surface
        return term.surface
