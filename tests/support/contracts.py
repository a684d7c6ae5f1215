"""The pinned JSON keys from DESIGN.md that CLI and Slack tests check against."""

SCORE_CARD_KEYS = frozenset(
    {
        "handle",
        "name",
        "platform",
        "niches",
        "followers",
        "tier",
        "in_micro_range",
        "engagements_per_post",
        "engagement_rate",
        "cost_per_engagement",
        "cpm",
        "flags",
        "score",
        "breakdown",
    }
)
