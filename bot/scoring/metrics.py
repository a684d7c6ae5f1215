"""The pinned metrics, flags and score components, vectorised over a whole roster.

Everything here is pure: arrays in, arrays out. Reasons (text) are only built for
the few creators whose cards are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.scoring.benchmarks import PLATFORM_LABELS
from bot.scoring.models import (
    Component,
    Flag,
    FollowerTiers,
    ScoreComponent,
    ScoringMethod,
    TierBand,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.scoring.benchmarks import BenchmarkTable
    from bot.scoring.config import ScoringConfig, Weights
    from bot.scoring.table import RosterTable

    Floats = NDArray[np.float64]

TIERS = ("nano", "micro", "mid", "macro", "mega")
# Later x Fohr tiers: nano < 10k <= micro < 100k <= mid < 500k <= macro < 1M <= mega.
TIER_EDGES = np.array([10_000, 100_000, 500_000, 1_000_000], dtype=np.float64)
MICRO_RANGE = (1_000, 100_000)  # the guidance documents' definition of a micro-influencer

OVER_SPONSORED = 1
GROWTH_SPIKE = 2
ENGAGEMENT_ANOMALY = 4
FLAG_CODES = {
    OVER_SPONSORED: "over_sponsored",
    GROWTH_SPIKE: "growth_spike",
    ENGAGEMENT_ANOMALY: "engagement_anomaly",
}
FLAG_BITS = {code: bit for bit, code in FLAG_CODES.items()}

NEUTRAL = 0.5  # a component with nothing to judge by neither helps nor hurts


@dataclass(frozen=True)
class Metrics:
    """Per-creator metrics and the niche-independent components (each 0..1)."""

    engagements: NDArray[np.float64]
    engagement_rate: NDArray[np.float64]
    engagement_rate_by_views: NDArray[np.float64]  # NaN without views
    tier: NDArray[np.intp]
    in_micro_range: NDArray[np.bool_]
    cost_per_engagement: NDArray[np.float64]  # NaN without engagements
    cpm: NDArray[np.float64]  # NaN without views
    benchmark: NDArray[np.intp]  # row in the benchmark table, -1 when none is like-for-like
    benchmark_ratio: NDArray[np.float64]  # NaN without a benchmark
    comments_per_like: NDArray[np.float64]  # NaN without likes
    few_comments: NDArray[np.bool_]  # comments per like under the anomaly threshold
    flags: NDArray[np.uint8]
    engagement: NDArray[np.float64]
    authenticity: NDArray[np.float64]
    cost_efficiency: NDArray[np.float64]


def _divide(
    numerator: NDArray[np.float64], denominator: NDArray[np.float64]
) -> NDArray[np.float64]:
    """numerator / denominator, NaN where the denominator is 0 or unknown."""
    out = np.full(numerator.shape, np.nan)
    ok = denominator > 0
    np.divide(numerator, denominator, out=out, where=ok)
    return out


def compute_metrics(
    table: RosterTable, benchmarks: BenchmarkTable, config: ScoringConfig
) -> Metrics:
    """The pinned formulas (DESIGN.md, "Scoring") for every creator at once."""
    # Extreme inputs (views of 1e-300) overflow to inf, which the formulas handle.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _compute_metrics(table, benchmarks, config)


def _compute_metrics(
    table: RosterTable, benchmarks: BenchmarkTable, config: ScoringConfig
) -> Metrics:
    engagements = table.avg_likes + table.avg_comments + table.avg_shares + table.avg_saves
    by_followers = np.nan_to_num(_divide(engagements, table.followers), nan=0.0)
    # Views of 0 measured nothing (no post has engagements without views): like an
    # empty cell, there is no rate per view to hold against a per-view benchmark.
    views_known = table.avg_views > 0
    by_views = _divide(engagements, table.avg_views)
    # The pinned formulas, also for a rate of 0 (no rate on file): the cost component
    # and plan read the rate itself for that.
    cpe = _divide(table.rate_usd, engagements)
    cpm = _divide(table.rate_usd, table.avg_views) * 1000

    benchmark = benchmarks.lookup(table.platform, table.followers, views_known)
    # One extra False at the end, so index -1 (no benchmark) reads "per follower".
    uses_views = np.array([row.definition == "view" for row in benchmarks.rows] + [False])
    # No followers on file (an empty cell reads 0) means no rate per follower was
    # measured, so there is nothing to hold against a per-follower benchmark.
    benchmark = np.where(uses_views[benchmark] | (table.followers > 0), benchmark, -1)
    has_benchmark = benchmark >= 0
    like_for_like = np.where(uses_views[benchmark], by_views, by_followers)
    ratio = np.full(len(table), np.nan)
    ratio[has_benchmark] = like_for_like[has_benchmark] / benchmarks.mid[benchmark[has_benchmark]]

    half = config.engagement.half_at_ratio
    # Written as 1 - half / (ratio + half) so an infinite ratio (tiny views) reads 1.
    engagement = np.where(has_benchmark, 1 - half / (ratio + half), NEUTRAL)
    engagement = np.nan_to_num(engagement, nan=0.0)

    comments_per_like = _divide(table.avg_comments, table.avg_likes)
    # Comments only count as a signal when the file reports them at all (in a roster with
    # comments, 0 on 1,000 likes is the fewest there can be, not a blank), and on enough
    # likes that the threshold expects at least one comment: 0 on 30 likes is no signal.
    threshold = config.flags.anomaly_comments_per_like
    few_comments = (
        bool((table.avg_comments > 0).any())
        & (table.avg_likes * threshold >= 1)
        & (comments_per_like < threshold)
    )

    auth = config.authenticity
    sponsored_excess = (table.sponsored_ratio - auth.sponsored_free_ratio) / (
        1 - auth.sponsored_free_ratio
    )
    growth_excess = (table.follower_growth_30d - auth.growth_free_30d) / max(
        auth.growth_full_penalty_30d - auth.growth_free_30d, 1e-9
    )
    authenticity = (
        1.0
        - auth.sponsored_max_penalty * np.clip(sponsored_excess, 0, 1)
        - auth.growth_max_penalty * np.clip(growth_excess, 0, 1)
        - auth.low_comments_penalty * few_comments
    )
    authenticity = np.clip(authenticity, 0, 1)

    reference = config.cost.reference_cpe_usd
    cost_efficiency = np.where(
        table.rate_usd <= 0,
        NEUTRAL,
        np.where(np.isnan(cpe), 0.0, reference / (reference + np.nan_to_num(cpe, nan=0.0))),
    )

    flag_config = config.flags
    flags = (
        (table.sponsored_ratio > flag_config.over_sponsored_ratio) * OVER_SPONSORED
        + (table.follower_growth_30d >= flag_config.growth_spike_30d) * GROWTH_SPIKE
        + (few_comments & (np.nan_to_num(ratio) >= flag_config.anomaly_benchmark_multiple))
        * ENGAGEMENT_ANOMALY
    ).astype(np.uint8)

    return Metrics(
        engagements=engagements,
        engagement_rate=by_followers,
        engagement_rate_by_views=by_views,
        tier=np.searchsorted(TIER_EDGES, table.followers, side="right"),
        in_micro_range=(table.followers >= MICRO_RANGE[0]) & (table.followers <= MICRO_RANGE[1]),
        cost_per_engagement=cpe,
        cpm=cpm,
        benchmark=benchmark,
        benchmark_ratio=ratio,
        comments_per_like=comments_per_like,
        few_comments=few_comments,
        flags=flags,
        engagement=engagement,
        authenticity=authenticity,
        cost_efficiency=cost_efficiency,
    )


def applied_weights(weights: Weights, with_niche: bool) -> dict[str, float]:
    """Each component's share of the score: its configured weight over the sum of those
    present (niche fit only with a brief), so the shares add up to 1."""
    present = {
        "engagement": weights.engagement,
        "authenticity": weights.authenticity,
        "cost_efficiency": weights.cost_efficiency,
    }
    if with_niche:
        present["niche_fit"] = weights.niche_fit
    total = sum(present.values())
    return {name: weight / total if total > 0 else 0.0 for name, weight in present.items()}


def scores(
    metrics: Metrics, config: ScoringConfig, niche_fit: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """The 0-100 score: 100 x the components weighted by `applied_weights`."""
    weights = applied_weights(config.weights, niche_fit is not None)
    total = (
        weights["engagement"] * metrics.engagement
        + weights["authenticity"] * metrics.authenticity
        + weights["cost_efficiency"] * metrics.cost_efficiency
    )
    if niche_fit is not None:
        total = total + weights["niche_fit"] * niche_fit
    return np.clip(100.0 * total, 0.0, 100.0)


def _rate(value: float) -> str:
    return f"{value:.2%}" if value < 0.01 else f"{value:.1%}"


def _apart(value: float, threshold: float, template: str = "{:.{}%}", places: int = 0) -> str:
    """`value` in `template` with the fewest decimals, from `places`, that keep it from
    reading as the `threshold` it is held against: a sponsored ratio of 0.504 is 50.4%,
    not "50% (over 50%)", and a growth of 0.2499 is 24.99%, not the 25% that flags.
    Nor may it read as 0 when it is not: 5 comments on 50,000 likes are 0.0001 per like,
    not "0.000", which says there are none."""
    for shown in range(places, places + 7):
        text = template.format(value, shown)
        reads_as_zero = value != 0 and text == template.format(0.0, shown)
        if not reads_as_zero and (value == threshold or text != template.format(threshold, shown)):
            break
    return text


def _cpl(value: float, config: ScoringConfig) -> str:
    return _apart(value, config.flags.anomaly_comments_per_like, "{:.{}f}", places=3)


def sub_cent(value: float) -> str:
    """A fraction of a cent with two significant digits ("$0.004"), where "$0.00" would
    read as free; never in exponent form (a freak roster row can make it tiny)."""
    return f"${value:.2g}" if value >= 1e-4 else f"${value:.4f}"


def money(value: float) -> str:
    """Dollars as a reason shows them; a fraction of a cent keeps two significant digits
    ("$0.004 per engagement")."""
    if 0 < value < 0.01:
        return sub_cent(value)
    return f"${value:,.0f}" if value >= 100 or value == int(value) else f"${value:,.2f}"


def dollars(value: float | None) -> str:
    """An amount as `scout score|rank|plan` print it: "-" for none on file, whole dollars
    from $10 up, cents otherwise, so a budget of $99.99 never reads "$100" beside a $100
    creator it cannot afford."""
    if value is None:
        return "-"
    if 0 < value < 0.01:
        return sub_cent(value)
    return f"${value:,.0f}" if value >= 10 and value == round(value) else f"${value:,.2f}"


def flag_rules(config: ScoringConfig) -> dict[str, str]:
    """What raises each flag, with the configured thresholds, in a marketer's words."""
    flags = config.flags
    return {
        "over_sponsored": f"more than {flags.over_sponsored_ratio:.0%} of recent posts sponsored",
        "growth_spike": f"followers up {flags.growth_spike_30d:.0%} or more in 30 days",
        "engagement_anomaly": f"fewer than {flags.anomaly_comments_per_like:g} comments per like "
        f"together with engagement at least {flags.anomaly_benchmark_multiple:g}x the benchmark",
    }


def flag_counts(flags: NDArray[np.uint8]) -> NDArray[np.intp]:
    """How many flags each creator carries."""
    counts = np.zeros(flags.shape, dtype=np.intp)
    for bit in FLAG_CODES:
        counts += (flags & bit) > 0
    return counts


def flag_list(metrics: Metrics, table: RosterTable, i: int, config: ScoringConfig) -> list[Flag]:
    bits = int(metrics.flags[i])
    flags: list[Flag] = []
    if bits & OVER_SPONSORED:
        flags.append(
            Flag(
                code="over_sponsored",
                reason=f"{_apart(table.sponsored_ratio[i], config.flags.over_sponsored_ratio)} "
                "of recent posts are sponsored "
                f"(over {config.flags.over_sponsored_ratio:.0%}); audiences tune out ads",
            )
        )
    if bits & GROWTH_SPIKE:
        flags.append(
            Flag(
                code="growth_spike",
                reason="followers grew "
                f"{_apart(table.follower_growth_30d[i], config.flags.growth_spike_30d)} in 30 days "
                f"(at least {config.flags.growth_spike_30d:.0%}); check for bought followers",
            )
        )
    if bits & ENGAGEMENT_ANOMALY:
        flags.append(
            Flag(
                code="engagement_anomaly",
                reason=f"{_cpl(metrics.comments_per_like[i], config)} comments per like with "
                "engagement "
                f"{metrics.benchmark_ratio[i]:.1f}x the benchmark; likes may be bought",
            )
        )
    return flags


def components(
    metrics: Metrics,
    table: RosterTable,
    benchmarks: BenchmarkTable,
    config: ScoringConfig,
    i: int,
    weights: dict[str, float],
) -> list[Component]:
    """The niche-independent components of creator `i`, each with the weight the score
    applies (from `applied_weights`) and a one-line reason."""
    platform = table.platform_name(i)
    label = PLATFORM_LABELS.get(platform, platform.title())
    row = int(metrics.benchmark[i])
    if row >= 0:
        bench = benchmarks.rows[row]
        if bench.definition == "view":
            shown = f"ER by views {_rate(float(metrics.engagement_rate_by_views[i]))}"
        else:
            shown = f"ER {_rate(float(metrics.engagement_rate[i]))}"
        engagement_reason = (
            f"{shown} is {metrics.benchmark_ratio[i]:.1f}x the {bench.label} benchmark "
            f"({bench.range_text})"
        )
    elif table.followers[i] <= 0:
        engagement_reason = "followers unknown (0 on file), so no engagement rate to judge: neutral"
    elif benchmarks.definition(platform) == "view":
        views = "no views" if np.isnan(table.avg_views[i]) else "0 views"
        engagement_reason = (
            f"ER {_rate(float(metrics.engagement_rate[i]))} by followers; {views} on file, so "
            f"no like-for-like {label} benchmark (those are per view): neutral"
        )
    else:
        engagement_reason = (
            f"ER {_rate(float(metrics.engagement_rate[i]))}; no published {label} benchmark "
            "to compare with: neutral"
        )

    concerns = []
    auth = config.authenticity
    if table.sponsored_ratio[i] > auth.sponsored_free_ratio:
        excess = (table.sponsored_ratio[i] - auth.sponsored_free_ratio) / (
            1 - auth.sponsored_free_ratio
        )
        deduction = auth.sponsored_max_penalty * min(excess, 1.0)
        sponsored = _apart(table.sponsored_ratio[i], config.flags.over_sponsored_ratio)
        concerns.append(f"{sponsored} of posts sponsored (-{deduction:.2f})")
    if table.follower_growth_30d[i] > auth.growth_free_30d:
        excess = (table.follower_growth_30d[i] - auth.growth_free_30d) / max(
            auth.growth_full_penalty_30d - auth.growth_free_30d, 1e-9
        )
        deduction = auth.growth_max_penalty * min(excess, 1.0)
        concerns.append(
            f"followers +{_apart(table.follower_growth_30d[i], config.flags.growth_spike_30d)} "
            f"in 30 days (-{deduction:.2f})"
        )
    cpl = metrics.comments_per_like[i]
    if metrics.few_comments[i]:
        concerns.append(
            f"only {_cpl(cpl, config)} comments per like (-{auth.low_comments_penalty:.2f})"
        )
    if concerns:
        authenticity_reason = "; ".join(concerns)
    else:
        comments = f", {cpl:.2f} comments per like" if not np.isnan(cpl) else ""
        authenticity_reason = (
            f"{table.sponsored_ratio[i]:.0%} sponsored, "
            f"{table.follower_growth_30d[i]:+.0%} followers in 30 days{comments}: "
            "no warning signs"
        )

    cpe = metrics.cost_per_engagement[i]
    if table.rate_usd[i] <= 0:
        cost_reason = "no rate on file: neutral"
    elif np.isnan(cpe):
        cost_reason = f"{money(float(table.rate_usd[i]))} per post buys no recorded engagement"
    else:
        cost_reason = (
            f"{money(float(cpe))} per engagement ({money(float(table.rate_usd[i]))} for "
            f"{metrics.engagements[i]:,.0f} engagements per post; "
            f"{money(config.cost.reference_cpe_usd)} scores 0.5)"
        )
    return [
        Component(
            name="engagement",
            value=float(metrics.engagement[i]),
            weight=weights["engagement"],
            reason=engagement_reason,
        ),
        Component(
            name="authenticity",
            value=float(metrics.authenticity[i]),
            weight=weights["authenticity"],
            reason=authenticity_reason,
        ),
        Component(
            name="cost_efficiency",
            value=float(metrics.cost_efficiency[i]),
            weight=weights["cost_efficiency"],
            reason=cost_reason,
        ),
    ]


def tier_name(metrics: Metrics, i: int) -> str:
    return TIERS[int(metrics.tier[i])]


def follower_tiers(followers: int | None = None) -> FollowerTiers:
    """The follower tiers and the guidance's micro range; with `followers`, their tier."""
    lows = [0, *(int(edge) for edge in TIER_EDGES)]
    highs: list[int | None] = [low - 1 for low in lows[1:]]
    bands = [
        TierBand(name=name, min_followers=low, max_followers=high)
        for name, low, high in zip(TIERS, lows, [*highs, None], strict=True)
    ]
    if followers is None:
        return FollowerTiers(tiers=bands, micro_range=MICRO_RANGE)
    return FollowerTiers(
        tiers=bands,
        micro_range=MICRO_RANGE,
        followers=followers,
        tier=TIERS[int(np.searchsorted(TIER_EDGES, followers, side="right"))],
        in_micro_range=MICRO_RANGE[0] <= followers <= MICRO_RANGE[1],
    )


def scoring_method(config: ScoringConfig) -> ScoringMethod:
    """How the score is made under `config`, in a marketer's words."""
    weights = config.weights
    a, cost, niche = config.authenticity, config.cost, config.niche
    measures = {
        "engagement": "engagement rate against the published benchmark for the creator's "
        f"platform and follower band; {config.engagement.half_at_ratio:g}x the benchmark "
        "reads 0.5, and it keeps rising above that",
        "authenticity": f"starts at 1 and loses points for more than {a.sponsored_free_ratio:.0%} "
        f"sponsored posts, follower growth above {a.growth_free_30d:.0%} in 30 days, and "
        "few comments per like",
        "niche_fit": "how well the creator's niche tags and bio match the brief (exact tags, "
        f"synonyms such as plant-based for vegan, and close meaning); {niche.min_fit:.2f} or "
        "more counts as fitting it",
        "cost_efficiency": f"cost per engagement (rate per post over engagements per post); "
        f"{money(cost.reference_cpe_usd)} per engagement reads 0.5, cheaper reads higher",
    }
    raw = {
        "engagement": weights.engagement,
        "authenticity": weights.authenticity,
        "niche_fit": weights.niche_fit,
        "cost_efficiency": weights.cost_efficiency,
    }
    total = sum(raw.values())
    without_niche = total - weights.niche_fit
    components = [
        ScoreComponent(
            name=name,
            weight=round(weight / total, 4) if total else 0.0,
            weight_without_niche=(
                0.0
                if name == "niche_fit" or not without_niche
                else round(weight / without_niche, 4)
            ),
            measures=measures[name],
        )
        for name, weight in raw.items()
    ]
    return ScoringMethod(components=components, flags=flag_rules(config), min_fit=niche.min_fit)
