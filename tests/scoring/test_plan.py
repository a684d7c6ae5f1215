"""The knapsack planner: never over budget, optimal against brute force, ties to lower cost."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scoring import plan
from bot.scoring.plan import best_subset


def brute_force(costs: list[float], values: list[float], budget: float) -> tuple[float, float]:
    """(best value, lowest cost among sets within tolerance of it) by trying every subset."""
    tolerance = 1e-9 * max(1.0, sum(values))
    options = [
        (sum(values[i] for i in subset), sum(costs[i] for i in subset))
        for size in range(len(costs) + 1)
        for subset in combinations(range(len(costs)), size)
        if sum(round(costs[i] * 100) for i in subset) <= round(budget * 100)
    ]
    best = max(value for value, _ in options)
    return best, min(cost for value, cost in options if value >= best - tolerance)


items = st.lists(
    st.tuples(
        st.integers(1, 60_000).map(lambda cents: cents / 100),  # $0.01 .. $600
        st.integers(0, 50_000).map(lambda v: v / 4),  # engagements, some fractional
    ),
    max_size=9,
)


def check_against_brute_force(
    pairs: list[tuple[float, float]], budget: float, max_dp_cells: int = plan.MAX_DP_CELLS
) -> None:
    costs = np.array([c for c, _ in pairs], dtype=np.float64)
    values = np.array([v for _, v in pairs], dtype=np.float64)
    chosen = best_subset(costs, values, budget, max_dp_cells)
    assert len(set(chosen)) == len(chosen)
    total_cost = round(float(costs[chosen].sum()), 2)
    assert total_cost <= budget + 1e-9
    best_value, lowest_cost = brute_force(costs.tolist(), values.tolist(), budget)
    assert float(values[chosen].sum()) == pytest.approx(best_value, abs=1e-6)
    assert total_cost == pytest.approx(lowest_cost, abs=0.005)


@settings(max_examples=300, deadline=None)
@given(pairs=items, budget=st.integers(0, 200_000).map(lambda cents: cents / 100))
def test_plan_equals_brute_force_and_never_exceeds_the_budget(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    check_against_brute_force(pairs, budget)


@settings(max_examples=60, deadline=None)
@given(pairs=items, budget=st.integers(0, 200_000).map(lambda cents: cents / 100))
def test_the_milp_fallback_agrees_with_brute_force(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    check_against_brute_force(pairs, budget, max_dp_cells=0)


def test_ties_go_to_the_lower_cost() -> None:
    # {0} and {1, 2} both give 100 engagements; {1, 2} costs less.
    chosen = best_subset(np.array([90.0, 30.0, 40.0]), np.array([100.0, 60.0, 40.0]), 100)
    assert chosen == [1, 2]


def test_nothing_affordable_and_zero_budget_choose_nothing() -> None:
    assert best_subset(np.array([500.0]), np.array([10.0]), 100) == []
    assert best_subset(np.array([5.0]), np.array([10.0]), 0) == []


def test_costs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        best_subset(np.array([0.0]), np.array([10.0]), 100)
