"""Exact 0/1 knapsack: the set of creators with the most engagements per post within a budget.

Dynamic programming over cost in units of the costs' greatest common divisor (in
cents), which is exact; rosters whose table would be too large fall back to an
exact MILP (HiGHS through scipy). Ties go to the lower total cost.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Largest DP table (items x budget units) before switching to the MILP: 200M
# booleans is 200 MB, which is the most we want to hold on a small dyno.
MAX_DP_CELLS = 200_000_000


def _tolerance(values: NDArray[np.float64]) -> float:
    # Engagements are floats; sums that differ by rounding noise are ties.
    return 1e-9 * max(1.0, float(values.sum()))


def best_subset(
    costs: NDArray[np.float64],
    values: NDArray[np.float64],
    budget: float,
    max_dp_cells: int = MAX_DP_CELLS,
) -> list[int]:
    """Indices of the chosen items, in input order.

    Maximises total value with total cost <= budget; among optimal sets the one
    with the lowest total cost wins. Costs must be positive. Above `max_dp_cells`
    the MILP solves it instead.
    """
    if len(costs) == 0 or budget <= 0:
        return []
    cents = np.rint(np.asarray(costs, dtype=np.float64) * 100).astype(np.int64)
    if (cents <= 0).any():
        raise ValueError("every cost must be positive")
    budget_cents = math.floor(budget * 100 + 1e-6)
    affordable = np.flatnonzero(cents <= budget_cents)
    if len(affordable) == 0:
        return []
    unit = reduce(math.gcd, cents[affordable].tolist())
    weights = cents[affordable] // unit
    capacity = int(min(budget_cents // unit, int(weights.sum())))
    if len(affordable) * (capacity + 1) > max_dp_cells:
        chosen = _milp(cents[affordable] / 100, values[affordable], budget_cents / 100)
    else:
        chosen = _dynamic_programme(weights, values[affordable], capacity)
    return sorted(int(affordable[i]) for i in chosen)


def _dynamic_programme(
    weights: NDArray[np.int64], values: NDArray[np.float64], capacity: int
) -> list[int]:
    tolerance = _tolerance(values)
    best = np.zeros(capacity + 1)  # best[c]: most value with total cost <= c
    taken = np.zeros((len(weights), capacity + 1), dtype=bool)
    for i, (weight, value) in enumerate(zip(weights.tolist(), values.tolist(), strict=True)):
        if weight > capacity:
            continue
        with_item = best[: capacity + 1 - weight] + value
        better = with_item > best[weight:] + tolerance
        taken[i, weight:] = better
        best[weight:] = np.where(better, with_item, best[weight:])
    # `best` never falls as c grows, so the first c that reaches the optimum is the
    # cheapest optimal total; walk back from there.
    c = int(np.argmax(best >= best[-1] - tolerance))
    chosen = []
    for i in range(len(weights) - 1, -1, -1):
        if taken[i, c]:
            chosen.append(i)
            c -= int(weights[i])
    return chosen


@contextmanager
def _c_stdout_to_stderr() -> Iterator[None]:
    """HiGHS can print solver chatter straight to file descriptor 1, which would
    corrupt `--json` output; send it to stderr for the duration of a solve."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _milp(costs: NDArray[np.float64], values: NDArray[np.float64], budget: float) -> list[int]:
    """The same optimum via HiGHS: maximise value, then minimise cost at that value."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(costs)
    exact = {"integrality": np.ones(n), "bounds": Bounds(0, 1), "options": {"mip_rel_gap": 0.0}}
    within = LinearConstraint(costs[np.newaxis, :], -np.inf, budget)
    with _c_stdout_to_stderr():
        first = milp(-values, constraints=[within], **exact)
    if first.x is None:
        return []
    target = float(values @ np.round(first.x)) - _tolerance(values)
    keep_value = LinearConstraint(values[np.newaxis, :], target, np.inf)
    with _c_stdout_to_stderr():
        second = milp(costs, constraints=[within, keep_value], **exact)
    solution = second.x if second.x is not None else first.x
    return [int(i) for i in np.flatnonzero(np.round(solution) == 1)]
