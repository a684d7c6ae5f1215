"""Retrieval benchmark: recall@1, recall@5 and MRR per method, and warm query latency.

Usage: python bench/retrieval.py [--set FILE] [--server HOST:PORT] [--queries N]

Builds a fresh index of knowledge/ in a temporary folder (or on the given Chroma
server), with the default WordLlama embedder, then prints one table for the whole
evaluation set and one per split (dev was used for tuning; test, holdout,
holdout2 and holdout3 were not).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import PROJECT_DIR, load_settings
from bot.embeddings import WordLlamaEmbedder
from bot.knowledge.evaluation import DEFAULT_EVAL_SET, evaluate, load_eval_set
from bot.knowledge.index import ingest
from bot.knowledge.loader import read_corpus
from bot.knowledge.retriever import open_retriever
from bot.knowledge.store import open_client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_EVAL_SET)
    parser.add_argument("--server", help="HOST:PORT of a Chroma server (default: embedded)")
    parser.add_argument("--queries", type=int, default=1000, help="timed queries")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, object] = {"scout_data_dir": Path(tmp)}
        if args.server:
            host, port = args.server.rsplit(":", 1)
            overrides |= {"chroma_host": host, "chroma_port": int(port)}
        settings = load_settings(**overrides)
        embedder = WordLlamaEmbedder()
        documents, _ = read_corpus([PROJECT_DIR / "knowledge"])
        report = ingest(open_client(settings), embedder, documents)
        retriever = open_retriever(settings, embedder)
        questions = load_eval_set(args.set)
        store = f"Chroma server {args.server}" if args.server else "embedded Chroma"
        print(f"{report.chunks_added} chunks from {len(documents)} documents, {store}")

        for split in ("all", "dev", "test", "holdout", "holdout2", "holdout3"):
            subset = [q for q in questions if split == "all" or q.split == split]
            if not subset:
                continue
            print(f"\n{split}: {len(subset)} questions")
            print(f"{'method':8} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}")
            for m in evaluate(retriever, subset):
                print(f"{m.method:8} {m.recall_at_1:9.3f} {m.recall_at_5:9.3f} {m.mrr:7.3f}")

        texts = [q.question for q in questions]
        retriever.search(texts[0])  # warm: load the index and the BM25 model
        timings = []
        for i in range(args.queries):
            start = time.perf_counter()
            retriever.search(texts[i % len(texts)], k=5)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(
            f"\nwarm hybrid query latency over {len(timings)} queries: "
            f"p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
        )


if __name__ == "__main__":
    main()
