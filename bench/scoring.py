"""Benchmark: score and rank a 1,000,000-creator roster, against a naive per-row loop.

Run: python bench/scoring.py [--n 1000000] [--naive 50000] [--seed 1]
Prints: one-off costs (generation, niche index), score+rank timings, the per-creator
speed-up over a pure-Python loop over pydantic models, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from bot.embeddings import WordLlamaEmbedder
from bot.scoring.benchmarks import BenchmarkTable, load_benchmarks
from bot.scoring.config import ScoringConfig, load_scoring_config
from bot.scoring.metrics import compute_metrics, scores
from bot.scoring.models import Creator
from bot.scoring.service import Scout
from bot.scoring.synthetic import generate_table, table_rows
from bot.scoring.table import RosterTable

BRIEFS = ["plant-based food", "budget travel", "sustainable fashion", "indie games", "houseplants"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def naive_score(creator: Creator, benchmarks: BenchmarkTable, config: ScoringConfig) -> float:
    """The same score (no brief) computed one creator at a time in plain Python."""
    engagements = creator.avg_likes + creator.avg_comments + creator.avg_shares + creator.avg_saves
    rate = engagements / creator.followers if creator.followers else 0.0
    views = creator.avg_views
    by_views = engagements / views if views else None
    bench = None
    candidates = [row for row in benchmarks.rows if row.platform == creator.platform]
    if candidates and (candidates[0].definition == "follower" or views is not None):
        bench = candidates[0]
        for row in candidates:
            if creator.followers >= row.min_followers:
                bench = row
    if bench is None:
        engagement = 0.5
        ratio = 0.0
    else:
        measured = by_views if bench.definition == "view" else rate
        ratio = (measured or 0.0) / bench.mid
        engagement = 1 - config.engagement.half_at_ratio / (ratio + config.engagement.half_at_ratio)

    auth = config.authenticity
    cpl = creator.avg_comments / creator.avg_likes if creator.avg_likes else None
    few = (
        creator.avg_comments > 0
        and cpl is not None
        and cpl < config.flags.anomaly_comments_per_like
    )
    sponsored = (creator.sponsored_ratio - auth.sponsored_free_ratio) / (
        1 - auth.sponsored_free_ratio
    )
    growth = (creator.follower_growth_30d - auth.growth_free_30d) / (
        auth.growth_full_penalty_30d - auth.growth_free_30d
    )
    authenticity = (
        1
        - auth.sponsored_max_penalty * min(max(sponsored, 0), 1)
        - auth.growth_max_penalty * min(max(growth, 0), 1)
        - auth.low_comments_penalty * few
    )
    authenticity = min(max(authenticity, 0), 1)

    if creator.rate_usd <= 0:
        cost = 0.5
    elif engagements <= 0:
        cost = 0.0
    else:
        cpe = creator.rate_usd / engagements
        cost = config.cost.reference_cpe_usd / (config.cost.reference_cpe_usd + cpe)
    w = config.weights
    total = w.engagement * engagement + w.authenticity * authenticity + w.cost_efficiency * cost
    return 100 * total / (w.engagement + w.authenticity + w.cost_efficiency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--distinct-bios",
        action="store_true",
        help="make every bio unique (the generator's bios repeat), the worst case for loading",
    )
    args = parser.parse_args()
    config, benchmarks = load_scoring_config(), load_benchmarks()
    embedder = WordLlamaEmbedder()
    print(f"roster: {args.n:,} generated creators (seed {args.seed})")

    seconds, table = timed(lambda: generate_table(args.n, args.seed, showcase=False))
    if args.distinct_bios:
        table = replace(table, bios=[f"{bio} #{i}" for i, bio in enumerate(table.bios)])
    print(f"  generate roster columns            {seconds:8.2f} s   (one-off, not scoring)")
    print(f"  peak RSS after generation          {peak_mb():8.0f} MB")
    seconds, scout = timed(lambda: Scout(table, embedder, config, benchmarks))
    print(
        f"  load: metrics + niche index        {seconds:8.2f} s   (one-off per roster; "
        f"embeds {len(set(table.bios)):,} distinct bios, "
        f"{len({tag for tags in table.niches for tag in tags}):,} distinct tags)"
    )

    runs = []
    for repeat in range(args.repeats):
        brief = BRIEFS[repeat % len(BRIEFS)]
        metrics_s, _ = timed(lambda: compute_metrics(table, benchmarks, config))
        rank_s, top = timed(partial(scout.rank, brief, n=10))
        runs.append((metrics_s, rank_s))
        print(
            f"  run {repeat + 1}: metrics+flags {metrics_s:6.3f} s, "
            f'rank "{brief}" (fit, score, order, 10 cards) {rank_s:6.3f} s, '
            f"total {metrics_s + rank_s:6.3f} s; top {top[0].handle if top else '-'}"
        )
    totals = [m + r for m, r in runs]
    print(
        f"score + rank {args.n:,} creators: best {min(totals):.3f} s, "
        f"median {statistics.median(totals):.3f} s (target < 2 s)"
    )
    print(f"peak RSS for the whole {args.n:,} run: {peak_mb():.0f} MB")

    # Naive: a Python loop over pydantic models, on a sample (same formulas).
    sample_table = generate_table(args.naive, args.seed + 1, showcase=False)
    creators = [Creator.model_validate(row) for row in table_rows(sample_table, args.seed + 1)]
    naive_s, naive = timed(lambda: [naive_score(c, benchmarks, config) for c in creators])
    check = RosterTable.from_creators(creators)
    vector_scores = scores(compute_metrics(check, benchmarks, config), config, None)
    ordered = dict(zip((c.handle for c in creators), naive, strict=True))
    worst = max(abs(ordered[h] - s) for h, s in zip(check.handles, vector_scores, strict=True))
    vector_s, _ = timed(lambda: scores(compute_metrics(table, benchmarks, config), config, None))
    per_naive = naive_s / args.naive
    per_vector = vector_s / args.n
    print(
        f"naive loop over {args.naive:,} pydantic models: {naive_s:.2f} s "
        f"({per_naive * 1e6:.2f} us per creator); vectorised on {args.n:,}: {vector_s:.3f} s "
        f"({per_vector * 1e6:.3f} us per creator) -> {per_naive / per_vector:.0f}x faster "
        f"per creator; scores agree to {worst:.1e}"
    )
    assert np.isfinite(worst) and worst < 1e-9


if __name__ == "__main__":
    main()
