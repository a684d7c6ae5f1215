"""The knapsack planner: never over budget, optimal against brute force, ties to lower cost."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scoring import plan
from bot.scoring.plan import best_subset

if TYPE_CHECKING:
    from collections.abc import Iterable


def written(amount: float) -> Decimal:
    """An amount as the decimal it was written as, so sums carry no binary rounding."""
    return Decimal(repr(amount))


def true_total(costs: list[float], subset: Iterable[int]) -> Decimal:
    return sum((written(costs[i]) for i in subset), Decimal(0))


def brute_force(costs: list[float], values: list[float], budget: float) -> tuple[float, Decimal]:
    """(best value, lowest true cost among sets within tolerance of it) over every subset."""
    tolerance = 1e-9 * max(1.0, sum(values))
    options = [
        (sum(values[i] for i in subset), true_total(costs, subset))
        for size in range(len(costs) + 1)
        for subset in combinations(range(len(costs)), size)
        if true_total(costs, subset) <= written(budget)
    ]
    best = max(value for value, _ in options)
    return best, min(cost for value, cost in options if value >= best - tolerance)


engagements = st.integers(0, 50_000).map(lambda v: v / 4)  # some fractional
cents = st.integers(1, 60_000).map(lambda n: n / 100)  # $0.01 .. $600
# Rates in fractions of a cent: tenths of a cent up to $600, and millionths of a
# dollar up to a cent (the finest unit the planner counts in).
fractional = st.integers(1, 600_000).map(lambda n: n / 1_000) | st.integers(1, 10_000).map(
    lambda n: n / 1_000_000
)
items = st.lists(st.tuples(cents, engagements), max_size=9)
fractional_items = st.lists(st.tuples(cents | fractional, engagements), max_size=9)
budgets = st.integers(0, 200_000).map(lambda n: n / 100)
fractional_budgets = budgets | st.integers(0, 2_000_000).map(lambda n: n / 1_000)


def check_against_brute_force(
    pairs: list[tuple[float, float]], budget: float, max_dp_cells: int = plan.MAX_DP_CELLS
) -> None:
    costs = [c for c, _ in pairs]
    values = np.array([v for _, v in pairs], dtype=np.float64)
    chosen = best_subset(np.array(costs, dtype=np.float64), values, budget, max_dp_cells)
    assert len(set(chosen)) == len(chosen)
    assert true_total(costs, chosen) <= written(budget)
    best_value, lowest_cost = brute_force(costs, values.tolist(), budget)
    assert float(values[chosen].sum()) == pytest.approx(best_value, abs=1e-6)
    assert true_total(costs, chosen) == lowest_cost


@settings(max_examples=300, deadline=None)
@given(pairs=items, budget=budgets)
def test_plan_equals_brute_force_and_never_exceeds_the_budget(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    check_against_brute_force(pairs, budget)


@settings(max_examples=200, deadline=None)
@given(pairs=fractional_items, budget=fractional_budgets)
def test_fractions_of_a_cent_are_planned_exactly(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    check_against_brute_force(pairs, budget)


@settings(max_examples=60, deadline=None)
@given(pairs=fractional_items, budget=fractional_budgets)
def test_the_milp_fallback_agrees_with_brute_force(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    check_against_brute_force(pairs, budget, max_dp_cells=0)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.floats(1e-12, 1e4, allow_subnormal=False), engagements), max_size=9
    ),
    budget=st.floats(0, 2e4),
)
def test_any_positive_rate_is_planned_and_never_over_budget(
    pairs: list[tuple[float, float]], budget: float
) -> None:
    # Rates written more finely than a millionth of a dollar are rounded up, not to 0.
    costs = [c for c, _ in pairs]
    values = np.array([v for _, v in pairs], dtype=np.float64)
    chosen = best_subset(np.array(costs, dtype=np.float64), values, budget)
    assert true_total(costs, chosen) <= written(budget)


def test_rates_below_half_a_cent_are_planned() -> None:
    costs, values = np.array([0.004, 10.0]), np.array([5.0, 100.0])
    assert best_subset(costs, values, 10) == [1]  # $10.004 would be over
    assert best_subset(costs, values, 10.004) == [0, 1]
    assert best_subset(costs, values, 0.004) == [0]


def test_rates_in_fractions_of_a_cent_never_add_up_past_the_budget() -> None:
    # Three at $33.334 come to $100.002: only two fit in $100.
    assert len(best_subset(np.full(3, 33.334), np.full(3, 10.0), 100)) == 2
    assert len(best_subset(np.full(3, 33.334), np.full(3, 10.0), 100.002)) == 3


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
