"""Typed records for the roster and the score cards built from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

NonNegative = Annotated[float, Field(ge=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]

Platform = Literal["instagram", "tiktok", "youtube", "threads"]
Tier = Literal["nano", "micro", "mid", "macro", "mega"]
# How a ranking is ordered: best score first, or lowest rate per post first.
RankOrder = Literal["score", "rate"]
# What a roster-wide list can be ordered by ("who has the most followers?", "who grew the
# fastest?", "who has the most views?").
RosterSort = Literal[
    "score",
    "engagement_rate",
    "followers",
    "rate",
    "cost_per_engagement",
    "follower_growth_30d",
    "avg_views",
]
# A filter's value: one ("tiktok"), or several, any of which will do (["instagram", "tiktok"]).
OneOrMore = str | list[str]


def one_or_more(value: str | Sequence[str] | None) -> list[str]:
    """A filter's values as a list: [] for none, ["tiktok"] for "tiktok"."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class Creator(BaseModel):
    """One roster row in the canonical columns (DESIGN.md, "Roster file")."""

    model_config = ConfigDict(extra="forbid")

    handle: Annotated[str, Field(pattern=r"^@[a-z0-9_.-]{1,64}$")]
    name: str = ""
    platform: Platform
    niches: list[str] = Field(default_factory=list)
    followers: Annotated[int, Field(ge=0)]
    avg_likes: NonNegative = 0
    avg_comments: NonNegative = 0
    avg_shares: NonNegative = 0
    avg_saves: NonNegative = 0
    avg_views: NonNegative | None = None
    posts_per_week: NonNegative = 0
    sponsored_ratio: Fraction = 0
    rate_usd: NonNegative = 0
    audience_top_country: str = ""
    follower_growth_30d: Annotated[float, Field(ge=-1)] = 0
    bio: str = ""


class Component(BaseModel):
    """One weighted part of a score, with the reason a marketer reads."""

    name: str
    value: Annotated[float, Field(ge=0, le=1)]
    weight: Annotated[float, Field(ge=0)]
    reason: str


class Flag(BaseModel):
    """A caution raised about a creator, with its code and reason."""

    code: str
    reason: str


class ScoreCard(BaseModel):
    """The pinned score card shape (DESIGN.md, "JSON shapes")."""

    handle: str
    name: str
    platform: Platform
    niches: list[str]
    followers: int
    tier: Tier
    in_micro_range: bool
    engagements_per_post: float
    engagement_rate: float
    engagement_rate_by_views: float | None = None
    cost_per_engagement: float | None
    cpm: float | None
    rate_usd: float
    flags: list[Flag]
    score: Annotated[float, Field(ge=0, le=100)]
    breakdown: list[Component]
    why: str = ""  # one line for tables and Slack: the main reasons, flags first
    audience_top_country: str = ""  # where most of the audience is (ISO code, "" unknown)
    follower_growth_30d: float = 0  # a fraction: 0.12 is 12% more followers in 30 days
    avg_views: float | None = None  # average views per post (None: unknown)


class PlanPick(BaseModel):
    """What one chosen creator costs and adds to the plan."""

    handle: str
    cost: float
    adds_engagements: float


class PlanSkip(BaseModel):
    """A creator who fits the brief and carries no flag but could not be planned, and why."""

    handle: str
    reason: str


class PlanResult(BaseModel):
    """The pinned plan shape (creators, total_cost, expected_engagements, budget) and extras."""

    creators: list[ScoreCard]
    total_cost: float
    expected_engagements: float
    budget: float
    remaining: float
    niche: str = ""
    picks: list[PlanPick] = Field(default_factory=list)
    candidates: int = 0  # creators the plan chose from: fitting, unflagged, with a rate
    skipped: list[PlanSkip] = Field(default_factory=list)


class FlaggedCreators(BaseModel):
    """The roster's flagged creators (for a niche and flag codes, when given), most flags
    first; `total` counts them all, `creators` holds the first few as score cards."""

    creators: list[ScoreCard]
    total: int
    niche: str | None = None
    codes: list[str] = Field(default_factory=list)  # the flags asked about; empty: any
    rules: dict[str, str] = Field(default_factory=dict)  # what raises each of those flags


class Narrowed(BaseModel):
    """The niche and filters a roster answer keeps to, echoed back with it."""

    niche: str | None = None
    platform: OneOrMore | None = None
    country: OneOrMore | None = None
    exclude: list[str] = Field(default_factory=list)
    min_followers: int | None = None
    max_followers: int | None = None


class RosterView(Narrowed):
    """The roster as a whole, or the part matching some filters: how many creators, how
    they split by platform, and the first few in the order asked for (flagged creators are
    counted, but listed only when asked for)."""

    total: int  # every creator on the roster
    matching: int  # those that pass every filter, flagged ones included
    flagged: int  # of the matching ones, how many carry a flag
    flagged_by_code: dict[str, int] = Field(default_factory=dict)  # of those, per flag code
    by_platform: dict[str, int]  # matching creators per platform, most first
    sort_by: RosterSort = "score"
    ascending: bool = False
    creators: list[ScoreCard]
    max_rate: float | None = None


class RateSummary(Narrowed):
    """What comparable creators on the roster charge per post: the unflagged ones with a
    rate on file, within the filters and niche asked about. `enough` is False when there
    are too few of them to call a going rate. Given a `rate` to weigh ("is $300 fair?"),
    how many of them charge less, more and exactly that."""

    comparable: int  # unflagged creators within the filters who have a rate on file
    enough: bool
    median_rate: float | None = None  # USD per post; None when no one is comparable
    min_rate: float | None = None
    max_rate: float | None = None
    median_cost_per_engagement: float | None = None  # USD
    rate: float | None = None  # USD per post, the rate asked about
    charging_less: int | None = None  # None: no rate asked about
    charging_more: int | None = None
    charging_same: int | None = None  # exactly the rate asked about


class PlatformStats(BaseModel):
    """One platform's creators (of those a roster summary covers): how many, and the median
    and mean of their followers and engagement rates (fractions: 0.021 is 2.1%). Followers
    and rates by followers count the creators with followers on file; rates by views, those
    with views on file; the benchmark ratio, those with a like-for-like benchmark (per
    follower on Instagram, per view on TikTok and YouTube), each against their own band."""

    platform: Platform
    creators: int
    with_followers: int
    median_followers: float | None = None  # None: nobody's followers are on file
    mean_followers: float | None = None
    median_engagement_rate: float | None = None  # by followers
    mean_engagement_rate: float | None = None
    with_views: int = 0
    median_engagement_rate_by_views: float | None = None
    mean_engagement_rate_by_views: float | None = None
    benchmark_definition: Literal["follower", "view"] | None = None  # None: no benchmark
    with_benchmark: int = 0
    # Like-for-like engagement over the midpoint of the creator's benchmark band (1.5: half
    # as much again as typical), the median over the creators with a benchmark.
    median_benchmark_ratio: float | None = None


class RosterStats(Narrowed):
    """The roster's own figures (or those of the creators fitting a niche, on a platform):
    how many creators, their followers overall, and per platform the figures above,
    platforms with the most creators first. Flagged creators are counted in."""

    creators: int  # those the summary covers
    total: int  # every creator on the roster
    flagged: int  # of `creators`, how many carry a flag
    median_followers: float | None = None
    mean_followers: float | None = None
    platforms: list[PlatformStats]


class CostTotal(BaseModel):
    """What booking one post from each of some creators costs: the sum of the rates on file
    (a rate of 0 is none on file, so those creators are listed as `unpriced`, not free)."""

    creators: list[ScoreCard]  # in the order asked for
    total_cost: float  # USD, the priced creators' rates per post added up
    expected_engagements: float  # the priced creators' engagements per post added up
    unpriced: list[str] = Field(default_factory=list)  # handles with no rate on file


class BenchmarkBand(BaseModel):
    """One published engagement-rate range (fractions: 0.0084 is 0.84%) for a platform and
    follower band, with what it divides engagements by and where it comes from."""

    platform: str
    label: str  # "Instagram 10-50k", as answers name it
    min_followers: int
    max_followers: int | None  # None: no upper bound
    definition: Literal["follower", "view"]  # engagements per follower, or per view
    low: float
    high: float
    source: str


class EngagementBenchmarks(BaseModel):
    """The benchmark bands scoring compares creators with, for a platform and a follower
    count when given (a count picks the band it falls in, per platform)."""

    bands: list[BenchmarkBand]
    platform: str | None = None
    followers: int | None = None


class TierBand(BaseModel):
    """One follower tier: its name and inclusive follower bounds (None: no upper bound)."""

    name: Tier
    min_followers: int
    max_followers: int | None


class FollowerTiers(BaseModel):
    """The tiers score cards use, the guidance's micro-influencer range and, when asked
    about a follower count, where it falls."""

    tiers: list[TierBand]
    micro_range: tuple[int, int]
    followers: int | None = None
    tier: Tier | None = None
    in_micro_range: bool | None = None


class ScoreComponent(BaseModel):
    """One part of the score: its weight and what it measures, with the thresholds."""

    name: str
    weight: float  # share of the score when a niche is given (the weights sum to 1)
    weight_without_niche: float  # share when no niche is given (niche_fit then counts 0)
    measures: str


class ScoringMethod(BaseModel):
    """How the 0-100 score is made, from the scoring config in use."""

    max_score: int = 100  # scores run from 0 to this
    components: list[ScoreComponent]  # each reads 0 to 1
    flags: dict[str, str]  # flag code -> what raises it
    min_fit: float  # niche fit at or above which a creator fits a brief (rank and plan)
