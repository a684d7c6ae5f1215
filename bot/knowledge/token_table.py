"""MiniLM's knowledge of words at WordLlama's speed: one vector per WordPiece token.

`scripts/build_token_table.py` ran every token of all-MiniLM-L6-v2's vocabulary
through the model once and kept its output vector (a static, model2vec-style
distillation), shipped as bot/data/minilm_tokens.npz with MiniLM's tokenizer. A
passage's vector is the sum of its tokens' vectors, each weighted by the token's
IDF over the indexed passages, so rare words lead and filler fades; a query's vector
is built the same way. Nothing runs the model at search or ingest time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.config import PACKAGE_DIR

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from tokenizers import Tokenizer

TABLE_FILE = PACKAGE_DIR / "data" / "minilm_tokens.npz"
TOKENIZER_FILE = PACKAGE_DIR / "data" / "minilm_tokenizer.json"
DIMENSIONS = 256
_SPECIAL = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")
# Passages summed per step: bounds the (tokens x DIMENSIONS) array a step gathers.
_BATCH = 512


@cache
def dictionary_words(path: Path = TOKENIZER_FILE) -> frozenset[str]:
    """The tokenizer vocabulary's whole words ("cooks", not the piece "##ing" nor
    "[CLS]"): some 20k English words, lower case, to tell a real word from a typo.
    Read once: the answerer is rebuilt whenever the roster changes."""
    vocab = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(token for token in vocab if token.isalpha())


class TokenTable:
    """The distilled token vectors and the tokenizer that splits text into their ids."""

    def __init__(self, vectors: NDArray[np.float32], tokenizer: Tokenizer) -> None:
        self.vectors = vectors
        self._tokenizer = tokenizer
        self._special = {
            found for token in _SPECIAL if (found := tokenizer.token_to_id(token)) is not None
        }

    @classmethod
    def load(cls, table: Path = TABLE_FILE, tokenizer: Path = TOKENIZER_FILE) -> TokenTable:
        from tokenizers import Tokenizer

        with np.load(table) as stored:
            vectors = stored["vectors"].astype(np.float32) * stored["scales"][:, None]
        loaded = Tokenizer.from_file(str(tokenizer))
        loaded.no_truncation()
        loaded.no_padding()
        return cls(vectors.astype(np.float32), loaded)

    def token_ids(self, texts: Sequence[str]) -> list[NDArray[np.int64]]:
        """Each text's token ids, in order and repeated as they occur, without [CLS] and
        the other special tokens."""
        return [
            np.array([i for i in encoding.ids if i not in self._special], dtype=np.int64)
            for encoding in self._tokenizer.encode_batch(list(texts))
        ]

    def index(self, idf_texts: Sequence[str], texts: Sequence[str]) -> TokenIndex:
        """Unit vectors for `texts`, with token IDF counted over `idf_texts` (the same
        passages as BM25 reads them, title and heading included)."""
        count = len(idf_texts)
        frequency = np.zeros(len(self.vectors), dtype=np.float64)
        for ids in self.token_ids(idf_texts):
            frequency[np.unique(ids)] += 1
        idf = np.log1p((count - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
        weighted = self.vectors * idf[:, None]
        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        all_ids = self.token_ids(texts)
        for start in range(0, len(all_ids), _BATCH):
            batch = all_ids[start : start + _BATCH]
            lengths = np.array([len(ids) for ids in batch])
            present = np.flatnonzero(lengths)
            if not len(present):
                continue
            gathered = weighted[np.concatenate([batch[i] for i in present])]
            starts = np.concatenate([[0], np.cumsum(lengths[present])[:-1]])
            out[start + present] = np.add.reduceat(gathered, starts, axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        rarest = float(np.log1p((count - 0.5) / 1.5))  # the IDF of a token in one passage
        return TokenIndex(self, out / np.maximum(norms, 1e-12), weighted, idf / max(rarest, 1e-6))


@dataclass(frozen=True)
class TokenIndex:
    """Passage vectors of one snapshot of the index, and the IDF-weighted token table
    their queries are built from."""

    table: TokenTable
    vectors: NDArray[np.float32]  # one unit vector per passage
    weighted: NDArray[np.float32]  # token vectors times their IDF
    rarity: NDArray[np.float32]  # each token's IDF over that of a token in one passage

    def similarities(self, query: str) -> tuple[NDArray[np.float32], float]:
        """Each passage's cosine with the query (0 for a query of no known token), and
        how much to trust them: the rarity of the query's rarest token, at most 1. A query
        of only words every passage has ("micro influencer") ranks by noise."""
        ids = self.table.token_ids([query])[0]
        vector = self.weighted[ids].sum(axis=0)
        norm = float(np.linalg.norm(vector))
        if norm < 1e-12:
            return np.zeros(len(self.vectors), dtype=np.float32), 0.0
        trust = min(1.0, float(self.rarity[ids].max()))
        return (self.vectors @ (vector / norm)).astype(np.float32), trust
