"""Ingest benchmark: `scout ingest` wall time on the corpus and on 1,000 generated documents.

Usage: python bench/ingest.py [--docs N] [--kb SIZE]

Each figure is one run of the real `scout ingest` command in a fresh data folder
(so it includes start-up and imports). The generated documents are Markdown
articles of about SIZE KB built from the corpus sentences, shuffled and varied,
so every chunk is distinct. A second run with nothing changed must embed nothing.
The settings come from the environment: `SCOUT_EMBEDDINGS=minilm python bench/ingest.py`
measures the index with MiniLM's vectors too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.config import PROJECT_DIR
from bot.knowledge.loader import load_documents


def scout_ingest(folder: Path, data_dir: Path) -> tuple[str, dict[str, object]]:
    """Run `scout ingest --json`; returns "wall s (cpu s)" and the report.

    CPU time (user + system of the child) is printed too because the wall time
    on a shared machine also counts waiting for other processes.
    """
    env = dict(os.environ, SCOUT_DATA_DIR=str(data_dir))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(folder), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{wall:.2f} s wall ({cpu:.2f} s CPU)", json.loads(done.stdout)


def generate(folder: Path, count: int, size_kb: float, seed: int = 7) -> None:
    """`count` Markdown articles of about `size_kb` KB each, deterministic for a seed."""
    corpus = load_documents([PROJECT_DIR / "knowledge"])
    sentences = [
        s
        for d in corpus
        for s in re.split(r"(?<=[.!?])\s+", d.text)
        if 40 < len(s) < 300 and not s.startswith(("#", "-"))
    ]
    topics = ["skincare", "gaming", "vegan", "travel", "fitness", "books", "tech", "parenting"]
    rng = random.Random(seed)
    for n in range(count):
        topic = rng.choice(topics)
        parts = [f"---\ntitle: Field notes {n} on {topic}\n---\n"]
        while sum(len(p) for p in parts) < size_kb * 1024:
            parts.append(f"## {topic.title()} campaign {len(parts)}\n")
            for _ in range(rng.randint(2, 4)):
                picked = rng.sample(sentences, rng.randint(2, 4))
                # A per-document detail keeps every chunk distinct, as real notes would be.
                reach = f"{rng.randint(2, 90)}k {topic} fans"
                picked.append(f"Campaign {n}-{len(parts)} reached {reach}.")
                parts.append(" ".join(picked) + "\n")
        (folder / f"notes-{n:04d}.md").write_text("\n".join(parts), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--kb", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        timing, report = scout_ingest(PROJECT_DIR / "knowledge", root / "corpus-data")
        print(f"corpus: {report['chunks_added']} chunks, first `scout ingest` {timing}")
        timing, report = scout_ingest(PROJECT_DIR / "knowledge", root / "corpus-data")
        print(f"corpus: unchanged re-run {timing}, embedded {report['embedded']}")

        folder = root / "generated"
        folder.mkdir()
        generate(folder, args.docs, args.kb)
        total_kb = sum(p.stat().st_size for p in folder.iterdir()) / 1024
        print(f"\ngenerated {args.docs} documents, {total_kb / args.docs:.1f} KB each on average")
        timing, report = scout_ingest(folder, root / "generated-data")
        print(f"generated: first `scout ingest` {timing}, {report['chunks_added']} chunks embedded")
        timing, report = scout_ingest(folder, root / "generated-data")
        print(f"generated: unchanged re-run {timing}, embedded {report['embedded']}")
        (folder / "notes-0000.md").unlink()
        edited = folder / "notes-0001.md"
        edited.write_text(edited.read_text("utf-8") + "\nOne more closing thought.\n")
        timing, report = scout_ingest(folder, root / "generated-data")
        print(
            f"generated: one file removed, one edited: {timing}, "
            f"embedded {report['embedded']}, removed {report['chunks_removed']} chunks"
        )


if __name__ == "__main__":
    main()
