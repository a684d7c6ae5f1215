"""`Scout`: score cards, rankings, comparisons and budget plans over one loaded roster.

Everything heavy (metrics for every creator, embeddings of every tag and bio) is
computed once when the roster loads; queries only combine cached arrays.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ScoutError
from bot.scoring.benchmarks import PLATFORMS, load_benchmarks
from bot.scoring.config import load_scoring_config
from bot.scoring.metrics import (
    FLAG_BITS,
    applied_weights,
    components,
    compute_metrics,
    flag_counts,
    flag_list,
    flag_rules,
    money,
    scores,
    scoring_method,
    tier_name,
)
from bot.scoring.models import (
    BenchmarkBand,
    Component,
    CostTotal,
    EngagementBenchmarks,
    FlaggedCreators,
    PlanPick,
    PlanResult,
    PlanSkip,
    PlatformStats,
    RankOrder,
    RateSummary,
    RosterSort,
    RosterStats,
    RosterView,
    ScoreCard,
    ScoringMethod,
    one_or_more,
)
from bot.scoring.niche import NicheFit, NicheIndex
from bot.scoring.plan import as_decimal, best_subset, exact_total
from bot.scoring.roster import closest_handle, load_roster_in_use, normalise_handle
from bot.scoring.table import RosterTable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from bot.config import Settings
    from bot.embeddings import Embedder
    from bot.scoring.benchmarks import BenchmarkTable
    from bot.scoring.config import ScoringConfig
    from bot.scoring.models import Creator

_FIT_CACHE_SIZE = 64
# A creator "closest" to a brief nobody fits matches at least this much of it: one of
# its two niche words, say, where fitting takes min_fit (0.7 by default).
CLOSEST_MIN_FIT = 0.4
# Below this many comparable creators, a median rate says little about a going rate.
MIN_RATE_SAMPLE = 5


def _narrowed(
    niche: str | None,
    min_followers: int | None,
    max_followers: int | None,
    platform: str | Sequence[str] | None,
    country: str | Sequence[str] | None,
    exclude: Sequence[str],
) -> dict[str, Any]:
    """The niche and filters an answer kept to, as its model (Narrowed) echoes them."""
    return {
        "niche": niche,
        "platform": platform if isinstance(platform, str | None) else list(platform),
        "country": country if isinstance(country, str | None) else list(country),
        "exclude": list(exclude),
        "min_followers": min_followers,
        "max_followers": max_followers,
    }


def _none_if_nan(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _median(values: NDArray[np.float64]) -> float | None:
    return float(np.median(values)) if len(values) else None


def _mean(values: NDArray[np.float64]) -> float | None:
    return float(np.mean(values)) if len(values) else None


class Scout:
    """The scoring engine over one roster; safe to share between threads."""

    def __init__(
        self,
        table: RosterTable,
        embedder: Embedder,
        config: ScoringConfig,
        benchmarks: BenchmarkTable,
    ) -> None:
        self.table = table
        self.config = config
        self.benchmarks = benchmarks
        self.metrics = compute_metrics(table, benchmarks, config)
        self.base_scores = scores(self.metrics, config, None)
        self.niche_index = NicheIndex(table.niches, table.bios, embedder, config.niche)
        self._index = {handle: i for i, handle in enumerate(table.handles)}
        self._fits: OrderedDict[str, NicheFit] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_creators(
        cls,
        creators: Sequence[Creator],
        embedder: Embedder,
        config: ScoringConfig | None = None,
        benchmarks: BenchmarkTable | None = None,
    ) -> Scout:
        return cls(
            RosterTable.from_creators(creators),
            embedder,
            config or load_scoring_config(),
            benchmarks or load_benchmarks(),
        )

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> Scout:
        """Load the roster in use (SCOUT_ROSTER, else the imported one, else the sample)."""
        config = load_scoring_config(settings.scout_scoring_config)
        return cls.from_creators(load_roster_in_use(settings), embedder, config)

    # -- lookups -------------------------------------------------------------------

    def handles(self) -> list[str]:
        """Every handle on the roster, sorted."""
        return list(self.table.handles)

    def niches(self) -> list[str]:
        """Every niche tag on the roster, sorted."""
        return sorted({tag for tags in self.table.niches for tag in tags})

    def _positions(self, handles: Sequence[str]) -> list[int]:
        """Roster positions of the handles, each once; every unknown handle named at once."""
        keys = list(dict.fromkeys(normalise_handle(handle) for handle in handles))
        if "@" in keys:
            raise ScoutError("a handle is empty: give one like @greenrunner")
        unknown = [key for key in keys if key not in self._index]
        if len(unknown) == 1:
            guess = self.closest_handle(unknown[0])
            hint = f" (did you mean {guess}?)" if guess else ""
            raise ScoutError(f"no creator {unknown[0]} on the roster{hint}")
        if unknown:
            guesses = [
                f"{guess} for {key}" for key in unknown if (guess := self.closest_handle(key))
            ]
            hint = f" (did you mean {' and '.join(guesses)}?)" if guesses else ""
            raise ScoutError(f"no creators {', '.join(unknown)} on the roster{hint}")
        return [self._index[key] for key in keys]

    def closest_handle(self, handle: str) -> str | None:
        """The roster handle a mistyped one most likely meant, or None when none is close."""
        return closest_handle(handle, self._index)

    def _fit(self, niche: str) -> NicheFit:
        brief = " ".join(niche.split())
        if not brief:
            raise ScoutError("the niche is empty: describe it, e.g. --niche 'vegan fitness'")
        key = brief.lower()
        with self._lock:
            cached = self._fits.get(key)
            if cached is not None:
                self._fits.move_to_end(key)
                return cached
        fit = self.niche_index.fit(brief)
        with self._lock:
            self._fits[key] = fit
            while len(self._fits) > _FIT_CACHE_SIZE:
                self._fits.popitem(last=False)
        return fit

    # -- cards -----------------------------------------------------------------

    def _card(self, i: int, fit: NicheFit | None, score: float) -> ScoreCard:
        table, metrics = self.table, self.metrics
        weights = applied_weights(self.config.weights, with_niche=fit is not None)
        breakdown = components(metrics, table, self.benchmarks, self.config, i, weights)
        if fit is not None:
            breakdown.insert(
                2,
                Component(
                    name="niche_fit",
                    value=float(fit.value[i]),
                    weight=weights["niche_fit"],
                    reason=self.niche_index.explain(fit, i),
                ),
            )
        flags = flag_list(metrics, table, i, self.config)
        return ScoreCard(
            handle=table.handles[i],
            name=table.names[i],
            platform=table.platform_name(i),
            niches=table.niches[i],
            followers=int(table.followers[i]),
            tier=tier_name(metrics, i),
            in_micro_range=bool(metrics.in_micro_range[i]),
            engagements_per_post=float(metrics.engagements[i]),
            engagement_rate=float(metrics.engagement_rate[i]),
            engagement_rate_by_views=_none_if_nan(metrics.engagement_rate_by_views[i]),
            cost_per_engagement=_none_if_nan(metrics.cost_per_engagement[i]),
            cpm=_none_if_nan(metrics.cpm[i]),
            rate_usd=float(table.rate_usd[i]),
            flags=flags,
            score=round(float(score), 2),
            breakdown=breakdown,
            why=self._why(i, fit, [flag.code for flag in flags]),
            audience_top_country=str(table.countries[i]),
            follower_growth_30d=float(table.follower_growth_30d[i]),
            avg_views=_none_if_nan(table.avg_views[i]),
        )

    def _why(self, i: int, fit: NicheFit | None, flags: list[str]) -> str:
        parts = [f"flagged {', '.join(flags)}"] if flags else []
        row = int(self.metrics.benchmark[i])
        if row >= 0:
            ratio = float(self.metrics.benchmark_ratio[i])
            parts.append(f"ER {ratio:.1f}x the {self.benchmarks.rows[row].label} benchmark")
        elif self.table.followers[i] <= 0:
            parts.append("followers unknown")
        else:
            parts.append(f"ER {self.metrics.engagement_rate[i]:.1%} (no like-for-like benchmark)")
        if fit is not None:
            parts.append(self.niche_index.summary(fit, i))
        cpe = self.metrics.cost_per_engagement[i]
        if self.table.rate_usd[i] <= 0:
            parts.append("no rate on file")
        elif not np.isnan(cpe):
            parts.append(f"{money(float(cpe))} per engagement")
        return "; ".join(parts)

    def _scores(self, fit: NicheFit | None) -> NDArray[np.float64]:
        if fit is None:
            return self.base_scores
        return scores(self.metrics, self.config, fit.value)

    def card(self, handle: str, niche: str | None = None) -> ScoreCard:
        """One creator's score card; with a niche, niche fit is part of the score."""
        [i] = self._positions([handle])
        fit = self._fit(niche) if niche else None
        return self._card(i, fit, float(self._scores(fit)[i]))

    def compare(self, handles: list[str], niche: str | None = None) -> list[ScoreCard]:
        """Score cards for the given creators, best first (ties by handle)."""
        positions = self._positions(handles)
        fit = self._fit(niche) if niche else None
        all_scores = self._scores(fit)
        positions.sort(key=lambda i: (-round(float(all_scores[i]), 2), i))
        return [self._card(i, fit, float(all_scores[i])) for i in positions]

    def _fitting(
        self,
        fit: NicheFit | None,
        include_flagged: bool,
        min_followers: int | None,
        max_followers: int | None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> NDArray[np.bool_]:
        """Which creators fit the brief (any creator without one), within the follower
        bounds (inclusive), on `platform` and with most of their audience in `country` (an
        ISO code such as "GB") when those are given (several: any of them), none that an
        `exclude` term names (see `_excluded`); flagged ones only if asked."""
        platforms = one_or_more(platform)
        for name in platforms:
            if name not in PLATFORMS:
                raise ScoutError(f"unknown platform {name!r}: use {', '.join(PLATFORMS)}")
        for bound in (min_followers, max_followers):
            if bound is not None and bound < 0:
                raise ScoutError(f"a follower bound must be 0 or more, got {bound}")
        if (
            min_followers is not None
            and max_followers is not None
            and min_followers > max_followers
        ):
            # An empty range would read as "nobody fits", which is not what went wrong.
            raise ScoutError(
                f"at least {min_followers:,} and at most {max_followers:,} followers "
                "(min_followers above max_followers) leaves no one: widen or swap the bounds"
            )
        if fit is None:
            fitting = np.ones(len(self.table), dtype=np.bool_)
        else:
            fitting = fit.value >= self.config.niche.min_fit
        if not include_flagged:
            fitting &= self.metrics.flags == 0
        if min_followers is not None:
            fitting &= self.table.followers >= min_followers
        if max_followers is not None:
            fitting &= self.table.followers <= max_followers
        if platforms:
            fitting &= np.isin(self.table.platform, [PLATFORMS.index(p) for p in platforms])
        countries = [code.strip().upper() for code in one_or_more(country)]
        if countries:
            fitting &= np.isin(self.table.countries, countries)
        for term in exclude:
            fitting &= ~self._excluded(term)
        return fitting

    def _excluded(self, term: str) -> NDArray[np.bool_]:
        """Creators an exclusion names: a platform ("tiktok"), an audience country as an
        upper-case ISO code ("US"), else a niche tag ("fitness")."""
        key = term.strip()
        if key.lower() in PLATFORMS:
            return self.table.platform == PLATFORMS.index(key.lower())
        if len(key) == 2 and key.isalpha() and key.isupper():
            return self.table.countries == key
        tag = key.lower()
        return np.array(
            [any(t.lower() == tag for t in tags) for tags in self.table.niches], dtype=np.bool_
        )

    def ranked(
        self,
        niche: str,
        include_flagged: bool = False,
        *,
        order: RankOrder = "score",
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> NDArray[np.intp]:
        """Positions of creators that fit `niche`, best score first, or with `order="rate"`
        lowest rate per post first (equal rates by score) and those with no rate on file
        (rate 0: cost unknown, not free) last. Flagged ones only if asked."""
        fit = self._fit(niche)
        positions = np.flatnonzero(
            self._fitting(
                fit, include_flagged, min_followers, max_followers, platform, country, exclude
            )
        )
        # Round like the cards do, so the order matches what people read; the
        # roster is sorted by handle, so stable sorts break ties by handle.
        rounded = np.round(self._scores(fit)[positions], 2)
        if order == "rate":
            rates = self.table.rate_usd[positions]
            # lexsort's last key sorts first: unrated last, then rate, then score.
            return positions[np.lexsort((positions, -rounded, rates, rates <= 0))]
        return positions[np.argsort(-rounded, kind="stable")]

    def rank(
        self,
        niche: str,
        n: int = 10,
        include_flagged: bool = False,
        *,
        order: RankOrder = "score",
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> list[ScoreCard]:
        """The first `n` creators for a niche in `order` (see `ranked`), flagged creators
        left out unless asked for."""
        if n < 1:
            raise ScoutError(f"n must be at least 1, got {n}")
        fit = self._fit(niche)
        all_scores = self._scores(fit)
        top = self.ranked(
            niche,
            include_flagged,
            order=order,
            min_followers=min_followers,
            max_followers=max_followers,
            platform=platform,
            country=country,
            exclude=exclude,
        )[:n]
        return [self._card(int(i), fit, float(all_scores[i])) for i in top]

    def closest(self, niche: str, n: int = 10) -> list[ScoreCard]:
        """For a brief no creator fits as a whole ("eco fitness" when nobody covers both):
        the unflagged creators who fit part of it (at least CLOSEST_MIN_FIT), best fit
        first, then best score. Empty when someone fits."""
        if n < 1:
            raise ScoutError(f"n must be at least 1, got {n}")
        fit = self._fit(niche)
        if bool((fit.value >= self.config.niche.min_fit).any()):
            return []
        scores = self._scores(fit)
        fits = np.round(fit.value, 2)
        positions = np.flatnonzero((fits >= CLOSEST_MIN_FIT) & (self.metrics.flags == 0))
        rounded = np.round(scores[positions], 2)
        order = positions[np.lexsort((positions, -rounded, -fits[positions]))][:n]
        return [self._card(int(i), fit, float(scores[i])) for i in order]

    def browse(
        self,
        niche: str | None = None,
        *,
        sort_by: RosterSort = "score",
        ascending: bool = False,
        n: int = 10,
        include_flagged: bool = False,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        max_rate: float | None = None,
    ) -> RosterView:
        """The roster, or the creators that pass the filters given: how many, how they split
        by platform, and the first `n` by `sort_by`, highest first (lowest with `ascending`).

        Creators whose value is unknown (no rate on file, no followers) come last either
        way. `max_rate` keeps creators whose rate per post is known and at most that. Flagged
        creators are counted, and listed only with `include_flagged`.
        """
        if n < 1:
            raise ScoutError(f"n must be at least 1, got {n}")
        if max_rate is not None and not (np.isfinite(max_rate) and max_rate >= 0):
            raise ScoutError(f"a rate cap must be an amount in USD of 0 or more, got {max_rate}")
        fit = self._fit(niche) if niche else None
        matching = self._fitting(
            fit, True, min_followers, max_followers, platform, country, exclude
        )
        if max_rate is not None:
            matching &= (self.table.rate_usd > 0) & (self.table.rate_usd <= max_rate)
        flagged = matching & (self.metrics.flags != 0)
        listed = np.flatnonzero(matching if include_flagged else matching & ~flagged)
        all_scores = self._scores(fit)
        rounded = np.round(all_scores[listed], 2)
        values = {
            "score": rounded,
            "engagement_rate": self.metrics.engagement_rate[listed],
            "followers": self.table.followers[listed],
            "rate": self.table.rate_usd[listed],
            "cost_per_engagement": np.nan_to_num(self.metrics.cost_per_engagement[listed]),
            "follower_growth_30d": self.table.follower_growth_30d[listed],
            "avg_views": np.nan_to_num(self.table.avg_views[listed]),
        }[sort_by]
        if sort_by in ("rate", "cost_per_engagement"):  # no rate on file: cost unknown
            unknown = (self.table.rate_usd[listed] <= 0) | np.isnan(
                self.metrics.cost_per_engagement[listed]
            )
        elif sort_by == "engagement_rate":
            unknown = self.table.followers[listed] <= 0
        elif sort_by == "avg_views":
            unknown = np.isnan(self.table.avg_views[listed])
        else:
            unknown = np.zeros(len(listed), dtype=np.bool_)
        # lexsort's last key sorts first: known values, then the value, then the score.
        order = np.lexsort((listed, -rounded, values if ascending else -values, unknown))
        platforms = np.bincount(self.table.platform[matching], minlength=len(PLATFORMS))
        by_platform = sorted(
            ((PLATFORMS[code], int(count)) for code, count in enumerate(platforms) if count),
            key=lambda item: -item[1],
        )
        return RosterView(
            total=len(self.table),
            matching=int(matching.sum()),
            flagged=int(flagged.sum()),
            flagged_by_code={
                code: count
                for code, bit in FLAG_BITS.items()
                if (count := int(((self.metrics.flags[matching] & bit) > 0).sum()))
            },
            by_platform=dict(by_platform),
            sort_by=sort_by,
            ascending=ascending,
            creators=[self._card(int(i), fit, float(all_scores[i])) for i in listed[order][:n]],
            **_narrowed(niche, min_followers, max_followers, platform, country, exclude),
            max_rate=max_rate,
        )

    def rates(
        self,
        niche: str | None = None,
        *,
        platform: str | Sequence[str] | None = None,
        min_followers: int | None = None,
        max_followers: int | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        rate: float | None = None,
    ) -> RateSummary:
        """What the unflagged creators with a rate on file charge per post, within the
        filters given (as in `browse`) and fitting `niche` when given: how many, the median
        and range of their rates, and their median cost per engagement. With `rate` (USD per
        post, "is $300 fair?"), also how many of them charge less and how many more."""
        if rate is not None and not (np.isfinite(rate) and rate >= 0):
            raise ScoutError(f"a rate must be an amount in USD of 0 or more, got {rate}")
        fit = self._fit(niche) if niche else None
        comparable = self._fitting(
            fit, False, min_followers, max_followers, platform, country, exclude
        )
        comparable &= self.table.rate_usd > 0
        rates = self.table.rate_usd[comparable]
        per_engagement = self.metrics.cost_per_engagement[comparable]
        per_engagement = per_engagement[~np.isnan(per_engagement)]
        return RateSummary(
            comparable=len(rates),
            enough=len(rates) >= MIN_RATE_SAMPLE,
            median_rate=float(np.median(rates)) if len(rates) else None,
            min_rate=float(rates.min()) if len(rates) else None,
            max_rate=float(rates.max()) if len(rates) else None,
            median_cost_per_engagement=(
                float(np.median(per_engagement)) if len(per_engagement) else None
            ),
            **_narrowed(niche, min_followers, max_followers, platform, country, exclude),
            rate=rate,
            charging_less=None if rate is None else int((rates < rate).sum()),
            charging_more=None if rate is None else int((rates > rate).sum()),
            charging_same=None if rate is None else int((rates == rate).sum()),
        )

    def stats(
        self,
        niche: str | None = None,
        *,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> RosterStats:
        """The roster's own figures, or those of the creators fitting `niche` and the
        filters given (as in `browse`), flagged ones included: how many, and the median and
        mean of their followers and engagement rates, overall for followers and per platform
        (see PlatformStats). An unknown follower or view count is left out, not read as 0."""
        fit = self._fit(niche) if niche else None
        covered = self._fitting(fit, True, min_followers, max_followers, platform, country, exclude)
        followers = self.table.followers.astype(np.float64)
        known = covered & (followers > 0)
        per_platform = []
        counts = np.bincount(self.table.platform[covered], minlength=len(PLATFORMS))
        for code in np.argsort(-counts, kind="stable"):
            on = covered & (self.table.platform == code)
            if not on.any():
                continue
            name = PLATFORMS[int(code)]
            measured = on & (followers > 0)
            viewed = on & ~np.isnan(self.metrics.engagement_rate_by_views)
            benchmarked = on & (self.metrics.benchmark >= 0)
            per_platform.append(
                PlatformStats(
                    platform=name,
                    creators=int(on.sum()),
                    with_followers=int(measured.sum()),
                    median_followers=_median(followers[measured]),
                    mean_followers=_mean(followers[measured]),
                    median_engagement_rate=_median(self.metrics.engagement_rate[measured]),
                    mean_engagement_rate=_mean(self.metrics.engagement_rate[measured]),
                    with_views=int(viewed.sum()),
                    median_engagement_rate_by_views=_median(
                        self.metrics.engagement_rate_by_views[viewed]
                    ),
                    mean_engagement_rate_by_views=_mean(
                        self.metrics.engagement_rate_by_views[viewed]
                    ),
                    benchmark_definition=self.benchmarks.definition(name),
                    with_benchmark=int(benchmarked.sum()),
                    median_benchmark_ratio=_median(self.metrics.benchmark_ratio[benchmarked]),
                )
            )
        return RosterStats(
            creators=int(covered.sum()),
            total=len(self.table),
            flagged=int((covered & (self.metrics.flags != 0)).sum()),
            median_followers=_median(followers[known]),
            mean_followers=_mean(followers[known]),
            platforms=per_platform,
            **_narrowed(niche, min_followers, max_followers, platform, country, exclude),
        )

    def total_cost(self, handles: list[str], niche: str | None = None) -> CostTotal:
        """One post from each of the creators: their score cards (for `niche`, if given) in
        the order given, and their rates per post and engagements added up over those with a
        rate on file."""
        positions = self._positions(handles)
        fit = self._fit(niche) if niche else None
        all_scores = self._scores(fit)
        cards = [self._card(i, fit, float(all_scores[i])) for i in positions]
        priced = [i for i in positions if self.table.rate_usd[i] > 0]
        return CostTotal(
            creators=cards,
            total_cost=float(exact_total(self.table.rate_usd[priced].tolist())),
            expected_engagements=float(self.metrics.engagements[priced].sum()),
            unpriced=[card.handle for card in cards if card.rate_usd <= 0],
        )

    def scoring_method(self) -> ScoringMethod:
        """The score's components, their weights and thresholds, and the flag rules."""
        return scoring_method(self.config)

    def engagement_benchmarks(
        self, platform: str | None = None, followers: int | None = None
    ) -> EngagementBenchmarks:
        """The benchmark bands the score compares creators with: one platform's or all, and
        with a follower count only the band it falls in (below the smallest band: that
        band, as scoring does)."""
        if platform is not None and platform not in PLATFORMS:
            raise ScoutError(f"unknown platform {platform!r}: use {', '.join(PLATFORMS)}")
        if followers is not None and followers < 0:
            raise ScoutError(f"a follower count must be 0 or more, got {followers}")
        rows = [row for row in self.benchmarks.rows if platform is None or row.platform == platform]
        if followers is not None:
            picked = []
            for name in dict.fromkeys(row.platform for row in rows):
                bands = sorted(
                    (r for r in rows if r.platform == name), key=lambda r: r.min_followers
                )
                within = [r for r in bands if r.min_followers <= followers]
                picked.append(within[-1] if within else bands[0])
            rows = picked
        return EngagementBenchmarks(
            bands=[
                BenchmarkBand(
                    platform=row.platform,
                    label=row.label,
                    min_followers=int(row.min_followers),
                    max_followers=None if np.isinf(row.max_followers) else int(row.max_followers),
                    definition=row.definition,
                    low=row.low,
                    high=row.high,
                    source=row.source,
                )
                for row in rows
            ],
            platform=platform,
            followers=followers,
        )

    def flagged(
        self, niche: str | None = None, codes: Sequence[str] = (), n: int = 10
    ) -> FlaggedCreators:
        """Creators that carry any of the flag `codes` (any flag when none are given) and,
        with a niche, fit it: most flags first, then least authentic, then by handle."""
        if n < 1:
            raise ScoutError(f"n must be at least 1, got {n}")
        unknown = [code for code in codes if code not in FLAG_BITS]
        if unknown:
            raise ScoutError(f"unknown flag code {', '.join(unknown)}: use {', '.join(FLAG_BITS)}")
        wanted = list(dict.fromkeys(codes))
        bits = sum(FLAG_BITS[code] for code in wanted) or sum(FLAG_BITS.values())
        candidates = (self.metrics.flags & bits) > 0
        fit = self._fit(niche) if niche else None
        if fit is not None:
            candidates &= fit.value >= self.config.niche.min_fit
        positions = np.flatnonzero(candidates)
        authenticity = self.metrics.authenticity[positions]
        most_flags = -flag_counts(self.metrics.flags[positions])
        chosen = positions[np.lexsort((positions, authenticity, most_flags))][:n]
        all_scores = self._scores(fit)
        rules = flag_rules(self.config)
        return FlaggedCreators(
            creators=[self._card(int(i), fit, float(all_scores[i])) for i in chosen],
            total=len(positions),
            niche=niche,
            codes=wanted,
            rules={code: rules[code] for code in wanted or FLAG_BITS},
        )

    def plan(
        self,
        niche: str,
        budget: float,
        *,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> PlanResult:
        """The unflagged, niche-fitting creators (within the follower bounds, inclusive, and
        on `platform` and audience `country` when given) that maximise engagements within
        `budget`.

        Creators without a rate on file (rate 0) are left out, and listed as skipped:
        their cost is unknown, not zero.
        """
        if not np.isfinite(budget) or budget < 0:
            raise ScoutError(f"the budget must be an amount in USD of 0 or more, got {budget}")
        fit = self._fit(niche)
        fitting = self._fitting(
            fit, False, min_followers, max_followers, platform, country, exclude
        )
        has_rate = self.table.rate_usd > 0
        positions = np.flatnonzero(fitting & has_rate)
        chosen = positions[
            best_subset(self.table.rate_usd[positions], self.metrics.engagements[positions], budget)
        ]
        chosen = chosen[np.argsort(-self.metrics.engagements[chosen], kind="stable")]
        all_scores = self._scores(fit)
        cards = [self._card(int(i), fit, float(all_scores[i])) for i in chosen]
        total_cost = exact_total(self.table.rate_usd[chosen].tolist())
        return PlanResult(
            niche=niche,
            creators=cards,
            picks=[
                PlanPick(
                    handle=card.handle,
                    cost=card.rate_usd,
                    adds_engagements=card.engagements_per_post,
                )
                for card in cards
            ],
            total_cost=float(total_cost),
            expected_engagements=float(self.metrics.engagements[chosen].sum()),
            budget=budget,
            remaining=float(as_decimal(budget) - total_cost),
            candidates=len(positions),
            skipped=[
                PlanSkip(handle=self.table.handles[i], reason="no rate on file")
                for i in np.flatnonzero(fitting & ~has_rate)
            ],
        )
