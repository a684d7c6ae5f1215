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
        self._plain = np.ones(len(vectors), dtype=np.bool_)  # False for [UNK] and the like
        for token in _SPECIAL:
            if (found := tokenizer.token_to_id(token)) is not None:
                self._plain[found] = False

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
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        ids = [np.asarray(encoding.ids, dtype=np.int64) for encoding in encodings]
        return [row[self._plain[row]] for row in ids]

    def index(self, passages: Sequence[tuple[str, str]]) -> TokenIndex:
        """Unit vectors for passages given as (title, text the dense embedder reads), with
        token IDF counted over the title too, as BM25 reads them (chunking.index_text: the
        title, then that text)."""
        from scipy.sparse import csr_matrix

        texts = self.token_ids([text for _, text in passages])
        titles = sorted({title for title, _ in passages})
        title_ids = dict(zip(titles, self.token_ids([f"{t}." for t in titles]), strict=True))
        frequency = np.zeros(len(self.vectors), dtype=np.float64)
        for (title, _), ids in zip(passages, texts, strict=True):
            frequency[np.unique(np.concatenate([title_ids[title], ids]))] += 1
        count = len(passages)
        idf = np.log1p((count - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
        weighted = self.vectors * idf[:, None]
        # Token counts per passage (a sparse passages x vocabulary matrix) times the
        # weighted table: each passage's IDF-weighted sum of its tokens' vectors.
        rows = np.repeat(np.arange(count), [len(ids) for ids in texts])
        columns = np.concatenate(texts) if texts else np.zeros(0, dtype=np.int64)
        counts = csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (rows, columns)),
            shape=(count, len(self.vectors)),
        )
        out = np.asarray(counts @ weighted, dtype=np.float32)
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
