"""Text embedders: WordLlama from the weights inside its wheel (no download), by default.

Shared by the guidance index and niche fit. Vectors come back L2-normalised, so a
dot product is a cosine similarity.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


class Embedder(Protocol):
    """Turns texts into unit vectors; `name` identifies the vector space."""

    name: str

    def embed(self, texts: list[str]) -> NDArray[np.float32]: ...


def _normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class WordLlamaEmbedder:
    """WordLlama's bundled 256-dimension model, loaded offline."""

    name = "wordllama-l2-256"

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        # The default lookup misses the tokenizer that ships in the wheel, so point
        # it at the installed package folder and forbid any download.
        package_dir = Path(wordllama.__file__).resolve().parent
        self._model = WordLlama.load(cache_dir=package_dir, disable_download=True)

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return _normalise(np.asarray(self._model.embed(texts), dtype=np.float32))
