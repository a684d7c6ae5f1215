"""Score cards for Block Kit tests, built directly in the pinned shape."""

from __future__ import annotations

from bot.scoring.models import Component, Flag, ScoreCard


def make_card(
    handle: str = "@greenrunner",
    score: float = 82.0,
    reason: str = "Engagement 2.1x the Instagram 10-50k benchmark",
    flags: list[Flag] | None = None,
) -> ScoreCard:
    return ScoreCard(
        handle=handle,
        name="Green Runner",
        platform="instagram",
        niches=["vegan", "fitness"],
        followers=24_000,
        tier="micro",
        in_micro_range=True,
        engagements_per_post=1392.0,
        engagement_rate=0.058,
        cost_per_engagement=0.29,
        cpm=None,
        rate_usd=400.0,
        flags=flags or [],
        score=score,
        breakdown=[
            Component(name="engagement", value=0.9, weight=0.4, reason=reason),
            Component(name="niche_fit", value=0.5, weight=0.3, reason="Tags match vegan"),
        ],
    )
