"""Roster, pinned metrics, explainable scores and the budget planner."""
