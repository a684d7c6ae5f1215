"""Exact 0/1 knapsack: the set of creators with the most engagements per post within a budget.

Amounts are read as the decimals they were written as (33.334, not its binary
neighbour) and counted in whole units of the finest decimal place in use, from
cents down to millionths of a dollar. Dynamic programming over cost in units of
the costs' greatest common divisor is then exact; rosters whose table would be
too large fall back to an exact MILP (HiGHS through scipy). Ties go to the lower
total cost.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Largest DP table (items x budget units) before switching to the MILP: 200M
# booleans is 200 MB, which is the most we want to hold on a small dyno.
MAX_DP_CELLS = 200_000_000
# The finest unit the planner counts in: a millionth of a dollar. An amount written
# more finely is rounded against the plan (costs up, the budget down), so a chosen
# set never costs more than the budget and no positive cost becomes 0.
MAX_DECIMALS = 6


def as_decimal(amount: float) -> Decimal:
    """The shortest decimal that reads back as `amount`: 33.334, as it was written."""
    return Decimal(repr(float(amount)))


def exact_total(amounts: Iterable[float]) -> Decimal:
    """The sum of the amounts as written, free of binary rounding (0.1 + 0.2 is 0.3)."""
    return sum((as_decimal(amount) for amount in amounts), Decimal(0))


def _in_units(costs: NDArray[np.float64], budget: float) -> tuple[list[int], int]:
    """Costs (rounded up) and the budget (rounded down) in the finest decimal unit needed."""
    written = [as_decimal(cost) for cost in costs.tolist()]
    limit = as_decimal(budget)
    # Only what the budget could buy sets the unit: a finely written rate out of
    # reach must not make the table larger.
    places = max(
        -min(int(amount.as_tuple().exponent), 0)
        for amount in [limit, *(cost for cost in written if cost <= limit)]
    )
    scale = Decimal(10) ** min(max(places, 2), MAX_DECIMALS)
    units = [int((cost * scale).to_integral_value(ROUND_CEILING)) for cost in written]
    return units, int((limit * scale).to_integral_value(ROUND_FLOOR))


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
    with the lowest total cost wins. Costs must be positive and the budget finite.
    Above `max_dp_cells` the MILP solves it instead.
    """
    costs = np.asarray(costs, dtype=np.float64)
    if not (np.isfinite(costs) & (costs > 0)).all():
        raise ValueError("every cost must be positive and finite")
    if not math.isfinite(budget):
        raise ValueError(f"the budget must be finite, got {budget}")
    if len(costs) == 0 or budget <= 0:
        return []
    units, budget_units = _in_units(costs, budget)
    affordable = [i for i, cost in enumerate(units) if cost <= budget_units]
    if not affordable:
        return []
    unit = reduce(math.gcd, (units[i] for i in affordable))
    weights = [units[i] // unit for i in affordable]
    capacity = min(budget_units // unit, sum(weights))
    if len(affordable) * (capacity + 1) > max_dp_cells:
        chosen = _milp(np.array(weights, dtype=np.float64), values[affordable], capacity)
    else:
        chosen = _dynamic_programme(np.array(weights, dtype=np.int64), values[affordable], capacity)
    return sorted(affordable[i] for i in chosen)


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
