"""Fixtures for the scoring tests: the real offline embedder and a Scout over the sample."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from bot.config import SAMPLE_ROSTER
from bot.embeddings import WordLlamaEmbedder
from bot.scoring.models import Creator
from bot.scoring.roster import load_roster
from bot.scoring.service import Scout


@pytest.fixture(scope="session")
def embedder() -> WordLlamaEmbedder:
    return WordLlamaEmbedder()


@pytest.fixture(scope="session")
def sample_scout(embedder: WordLlamaEmbedder) -> Scout:
    return Scout.from_creators(load_roster(SAMPLE_ROSTER), embedder)


def make_creator(**fields: Any) -> Creator:
    """A plain Instagram micro-creator; keyword arguments override any column."""
    base: dict[str, Any] = {
        "handle": "@someone",
        "name": "Some One",
        "platform": "instagram",
        "niches": ["fitness"],
        "followers": 20_000,
        "avg_likes": 1_000,
        "avg_comments": 50,
        "avg_shares": 20,
        "avg_saves": 30,
        "avg_views": 10_000,
        "posts_per_week": 3,
        "sponsored_ratio": 0.1,
        "rate_usd": 440,
        "audience_top_country": "US",
        "follower_growth_30d": 0.02,
        "bio": "Home workouts.",
    }
    base.update(fields)
    return Creator.model_validate(base)


creators = st.builds(
    make_creator,
    platform=st.sampled_from(["instagram", "tiktok", "youtube", "threads"]),
    followers=st.integers(0, 5_000_000),
    avg_likes=st.floats(0, 1e6),
    avg_comments=st.floats(0, 1e5),
    avg_shares=st.floats(0, 1e5),
    avg_saves=st.floats(0, 1e5),
    avg_views=st.none() | st.floats(0, 1e7),
    sponsored_ratio=st.floats(0, 1),
    rate_usd=st.floats(0, 1e5),
    follower_growth_30d=st.floats(-1, 5),
)
