"""Benchmark: plan 500 candidates within $100,000, checked optimal against HiGHS.

Run: python bench/plan.py [--candidates 500] [--budget 100000] [--seed 1]
The planner (exact dynamic programming over cost) is checked against an independent
solve of the same 0/1 knapsack with scipy's MILP (HiGHS, zero gap). A second case
gives every rate odd cents, which makes the DP table too large and exercises the
planner's own MILP path. Last, `Scout.plan` end to end on a generated roster.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from bot.embeddings import WordLlamaEmbedder
from bot.scoring.benchmarks import load_benchmarks
from bot.scoring.config import load_scoring_config
from bot.scoring.metrics import compute_metrics
from bot.scoring.plan import best_subset
from bot.scoring.service import Scout
from bot.scoring.synthetic import generate_table


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """HiGHS sometimes prints to file descriptor 1; keep this report readable."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def independent_optimum(costs: np.ndarray, values: np.ndarray, budget: float) -> float:
    with quiet_stdout():
        result = milp(
            -values,
            constraints=[LinearConstraint(costs[np.newaxis, :], -np.inf, budget)],
            integrality=np.ones(len(costs)),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0},
        )
    return float(values @ np.round(result.x))


def run_case(label: str, costs: np.ndarray, values: np.ndarray, budget: float) -> None:
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        chosen = best_subset(costs, values, budget)
        timings.append(time.perf_counter() - start)
    total_cost = float(costs[chosen].sum())
    total_value = float(values[chosen].sum())
    start = time.perf_counter()
    optimum = independent_optimum(costs, values, budget)
    check_s = time.perf_counter() - start
    gap = optimum - total_value
    print(
        f"{label}: {len(costs)} candidates, budget ${budget:,.0f}: best {min(timings):.3f} s, "
        f"worst {max(timings):.3f} s (target < 1 s); picked {len(chosen)} creators, "
        f"cost ${total_cost:,.2f} (left ${budget - total_cost:,.2f}), "
        f"{total_value:,.0f} engagements per post"
    )
    print(
        f"  independent HiGHS optimum {optimum:,.2f} in {check_s:.3f} s; "
        f"planner - optimum = {-gap:+.6f}; within budget: {total_cost <= budget + 1e-6}"
    )
    assert total_cost <= budget + 1e-6
    assert gap <= 1e-6 * max(1.0, optimum), "planner is not optimal"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--budget", type=float, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    # Candidates as `plan` sees them: unflagged creators with a rate, from a generated
    # roster (nano to mega, rates about $10 per 1,000 followers).
    table = generate_table(args.candidates * 3, args.seed, showcase=False)
    metrics = compute_metrics(table, load_benchmarks(), load_scoring_config())
    eligible = np.flatnonzero((metrics.flags == 0) & (table.rate_usd > 0))[: args.candidates]
    costs = table.rate_usd[eligible]
    values = metrics.engagements[eligible]
    print(
        f"rates ${costs.min():,.0f}-${costs.max():,.0f} (sum ${costs.sum():,.0f}); "
        f"engagements {values.min():,.0f}-{values.max():,.0f} per post"
    )
    run_case("whole-dollar rates (DP)", costs, values, args.budget)
    rng = np.random.default_rng(args.seed)
    odd_cents = costs - 1 + rng.integers(1, 100, len(costs)) / 100
    run_case("rates with odd cents (MILP path)", odd_cents, values, args.budget)

    # End to end through the service: niche fit, flags, knapsack, cards.
    scout = Scout(
        generate_table(6_000, args.seed, showcase=False),
        WordLlamaEmbedder(),
        load_scoring_config(),
        load_benchmarks(),
    )
    # Generated creators pair a niche with its usual neighbour (vegan with food), so the
    # brief is one the generated roster really covers.
    brief = "plant-based food"
    scout.plan(brief, args.budget)  # warm the brief's niche fit
    start = time.perf_counter()
    result = scout.plan(brief, args.budget)
    print(
        f"Scout.plan on a 6,000-creator roster: {result.candidates} unflagged creators fit "
        f'"{brief}"; planned in {time.perf_counter() - start:.3f} s: '
        f"{len(result.creators)} creators, ${result.total_cost:,.0f}, "
        f"{result.expected_engagements:,.0f} engagements per post, ${result.remaining:,.0f} left"
    )


if __name__ == "__main__":
    main()
