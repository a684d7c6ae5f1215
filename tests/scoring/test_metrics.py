"""The pinned formulas against hand-computed values, the flags, and score properties."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.scoring.benchmarks import load_benchmarks
from bot.scoring.config import load_scoring_config
from bot.scoring.metrics import (
    Metrics,
    applied_weights,
    components,
    compute_metrics,
    flag_counts,
    flag_list,
    flag_rules,
    follower_tiers,
    scores,
    tier_name,
)
from bot.scoring.models import Component, Creator
from bot.scoring.table import RosterTable
from tests.scoring.conftest import creators, make_creator

CONFIG = load_scoring_config()
BENCHMARKS = load_benchmarks()


def metrics_for(*creators: Creator) -> tuple[RosterTable, Metrics]:
    table = RosterTable.from_creators(creators)
    return table, compute_metrics(table, BENCHMARKS, CONFIG)


def test_pinned_formulas_match_hand_computed_values() -> None:
    # 1,000 + 50 + 20 + 30 = 1,100 engagements on 20,000 followers and 10,000 views.
    _, m = metrics_for(make_creator())
    assert m.engagements[0] == 1_100
    assert m.engagement_rate[0] == pytest.approx(0.055)
    assert m.engagement_rate_by_views[0] == pytest.approx(0.11)
    assert m.cost_per_engagement[0] == pytest.approx(0.4)  # $440 / 1,100
    assert m.cpm[0] == pytest.approx(44.0)  # $440 / 10,000 views * 1,000
    assert m.in_micro_range[0]
    assert tier_name(m, 0) == "micro"

    # Instagram 10-50k: Modash 0.84-1.11% per follower, midpoint 0.975%.
    ratio = 0.055 / 0.00975
    assert m.benchmark_ratio[0] == pytest.approx(ratio)
    engagement = ratio / (ratio + 1.0)
    cost = 0.5 / (0.5 + 0.4)
    assert m.engagement[0] == pytest.approx(engagement)
    assert m.authenticity[0] == pytest.approx(1.0)  # 10% sponsored, +2%, 0.05 comments/like
    assert m.cost_efficiency[0] == pytest.approx(cost)
    expected = 100 * (0.40 * engagement + 0.20 * 1.0 + 0.15 * cost) / 0.75
    assert scores(m, CONFIG, None)[0] == pytest.approx(expected)
    with_fit = 100 * (0.40 * engagement + 0.20 + 0.15 * cost + 0.25 * 0.6) / 1.0
    assert scores(m, CONFIG, np.array([0.6]))[0] == pytest.approx(with_fit)


def test_views_unknown_means_null_cpm_and_no_view_rate() -> None:
    _, m = metrics_for(make_creator(avg_views=None))
    assert math.isnan(m.cpm[0])
    assert math.isnan(m.engagement_rate_by_views[0])
    assert m.engagement_rate[0] == pytest.approx(0.055)


def test_no_rate_on_file_keeps_the_pinned_costs_and_a_neutral_cost_component() -> None:
    table, m = metrics_for(make_creator(rate_usd=0))  # an empty rate cell reads 0
    assert m.cost_per_engagement[0] == 0.0  # rate_usd / engagements_per_post, as pinned
    assert m.cpm[0] == 0.0
    assert m.cost_efficiency[0] == 0.5
    assert _components(table, m, 0)[2].reason == "no rate on file: neutral"


@pytest.mark.parametrize(
    ("followers", "tier", "micro"),
    [
        (999, "nano", False),
        (1_000, "nano", True),
        (9_999, "nano", True),
        (10_000, "micro", True),
        (100_000, "mid", True),
        (100_001, "mid", False),
        (499_999, "mid", False),
        (500_000, "macro", False),
        (999_999, "macro", False),
        (1_000_000, "mega", False),
    ],
)
def test_tiers_and_micro_range_boundaries(followers: int, tier: str, micro: bool) -> None:
    _, m = metrics_for(make_creator(followers=followers))
    assert tier_name(m, 0) == tier
    assert bool(m.in_micro_range[0]) is micro


@given(st.integers(min_value=0, max_value=10**9))
def test_follower_tiers_place_a_count_as_score_cards_do(followers: int) -> None:
    table = follower_tiers(followers)
    _, m = metrics_for(make_creator(followers=followers))
    assert table.tier == tier_name(m, 0)
    assert table.in_micro_range is bool(m.in_micro_range[0])
    band = next(b for b in table.tiers if b.name == table.tier)
    assert band.min_followers <= followers
    assert band.max_followers is None or followers <= band.max_followers


def test_follower_tiers_cover_every_count_once() -> None:
    bands = follower_tiers().tiers
    assert bands[0].min_followers == 0 and bands[-1].max_followers is None
    for band, following in itertools.pairwise(bands):
        assert band.max_followers == following.min_followers - 1


def test_tiktok_is_compared_per_view_and_needs_views() -> None:
    # TikTok 10-50k: 8.38-9.37% per view; 900 engagements on 10,000 views is 9%.
    with_views = make_creator(
        handle="@a", platform="tiktok", avg_likes=900, avg_comments=0, avg_shares=0, avg_saves=0
    )
    without = make_creator(handle="@b", platform="tiktok", avg_views=None)
    table, m = metrics_for(with_views, without)
    assert m.benchmark_ratio[0] == pytest.approx(0.09 / ((0.0838 + 0.0937) / 2))
    assert m.engagement[1] == 0.5  # no like-for-like benchmark: neutral
    reasons = {c.name: c.reason for c in _components(table, m, 1)}
    assert "no views on file" in reasons["engagement"]


@pytest.mark.parametrize("platform", ["tiktok", "youtube"])
def test_zero_views_measure_nothing_like_no_views(platform: str) -> None:
    # A 0 in the views column once made "ER by views nan% is nanx the benchmark" score 0.
    table, m = metrics_for(make_creator(platform=platform, avg_views=0))
    assert m.benchmark[0] == -1
    assert m.engagement[0] == 0.5
    assert math.isnan(m.engagement_rate_by_views[0]) and math.isnan(m.cpm[0])
    reason = _components(table, m, 0)[0].reason
    assert "0 views on file, so no like-for-like" in reason


# Counts as exports write them (whole numbers, views 0 or empty included); fractions of a
# like (1e-309) may overflow a ratio, as they may.
exported = st.builds(
    make_creator,
    platform=st.sampled_from(["instagram", "tiktok", "youtube", "threads"]),
    followers=st.integers(0, 5_000_000),
    avg_likes=st.integers(0, 10**6),
    avg_comments=st.integers(0, 10**5),
    avg_shares=st.integers(0, 10**5),
    avg_saves=st.integers(0, 10**5),
    avg_views=st.none() | st.just(0) | st.integers(1, 10**7),
    sponsored_ratio=st.floats(0, 1),
    rate_usd=st.integers(0, 10**5),
    follower_growth_30d=st.floats(-1, 5),
)


@settings(max_examples=200, deadline=None)
@given(creator=exported)
def test_no_reason_shows_nan_or_inf(creator: Creator) -> None:
    table, m = metrics_for(creator)
    weights = applied_weights(CONFIG.weights, with_niche=False)
    texts = [c.reason for c in components(m, table, BENCHMARKS, CONFIG, 0, weights)]
    texts += [f.reason for f in flag_list(m, table, 0, CONFIG)]
    # Python writes NaN and infinity as "nan" and "inf" ("nan%", "nanx the benchmark").
    assert not [text for text in texts if re.search(r"(?<![a-z])(nan|inf)(?![a-wyz])", text)]


def test_threads_has_no_benchmark_and_scores_neutral() -> None:
    table, m = metrics_for(make_creator(platform="threads"))
    assert m.benchmark[0] == -1
    assert m.engagement[0] == 0.5
    assert "no published Threads benchmark" in _components(table, m, 0)[0].reason


def test_engagement_reason_reads_like_a_marketer_would_say_it() -> None:
    table, m = metrics_for(make_creator(avg_likes=1_060))  # 1,160 / 20,000 = 5.8%
    reason = _components(table, m, 0)[0].reason
    assert reason.startswith("ER 5.8% is 5.9x the Instagram 10-50k benchmark")
    assert "per follower" in reason and "Modash" in reason


@pytest.mark.parametrize("platform", ["instagram", "threads"])
def test_zero_followers_means_no_engagement_rate_was_measured(platform: str) -> None:
    table, m = metrics_for(make_creator(followers=0, platform=platform))  # an empty cell
    assert m.benchmark[0] == -1
    assert m.engagement[0] == 0.5  # unknown, like a missing benchmark: neutral
    assert _components(table, m, 0)[0].reason == (
        "followers unknown (0 on file), so no engagement rate to judge: neutral"
    )


def test_zero_followers_still_compares_per_view_where_views_are_known() -> None:
    table, m = metrics_for(make_creator(followers=0, platform="tiktok"))
    assert m.benchmark[0] >= 0
    assert _components(table, m, 0)[0].reason.startswith("ER by views 11.0% is")


def _components(table: RosterTable, m: Metrics, i: int) -> list[Component]:
    return components(m, table, BENCHMARKS, CONFIG, i, applied_weights(CONFIG.weights, False))


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"sponsored_ratio": 0.5}, []),
        ({"sponsored_ratio": 0.51}, ["over_sponsored"]),
        ({"follower_growth_30d": 0.2499}, []),
        ({"follower_growth_30d": 0.25}, ["growth_spike"]),
        # A high engagement rate alone is never a flag: 14x the benchmark, healthy comments.
        ({"avg_likes": 2_500, "avg_comments": 150}, []),
        # Few comments per like alone is not a flag either.
        ({"avg_likes": 150, "avg_comments": 1, "avg_shares": 0, "avg_saves": 0}, []),
        # Both signals together are: 0.004 comments per like at 12x the benchmark.
        (
            {"avg_likes": 2_300, "avg_comments": 9, "avg_shares": 0, "avg_saves": 0},
            ["engagement_anomaly"],
        ),
    ],
)
def test_flags(fields: dict[str, float], codes: list[str]) -> None:
    table, m = metrics_for(make_creator(**fields))
    flags = flag_list(m, table, 0, CONFIG)
    assert [flag.code for flag in flags] == codes
    assert all(flag.reason for flag in flags)


def test_no_comments_on_many_likes_is_a_signal_when_the_roster_reports_comments() -> None:
    like_farm = {"handle": "@farm", "avg_likes": 2_300, "avg_comments": 0, "avg_shares": 0}
    table, m = metrics_for(make_creator(), make_creator(**like_farm, avg_saves=0))
    farm = table.handles.index("@farm")
    assert [f.code for f in flag_list(m, table, farm, CONFIG)] == ["engagement_anomaly"]
    assert "only 0.000 comments per like" in _components(table, m, farm)[1].reason
    # A roster without comments at all: 0 is a blank, not a measurement.
    no_comments = {"avg_comments": 0, "avg_shares": 0, "avg_saves": 0}
    table, m = metrics_for(make_creator(**no_comments), make_creator(**like_farm, avg_saves=0))
    assert flag_list(m, table, farm, CONFIG) == []
    assert m.authenticity[farm] == 1.0


def test_no_comments_on_a_few_likes_is_no_signal() -> None:
    # 0.01 comments per like expects less than one comment on 30 likes.
    small = make_creator(handle="@small", followers=1_000, avg_likes=30, avg_comments=0)
    table, m = metrics_for(make_creator(), small)
    assert not m.few_comments[table.handles.index("@small")]
    assert m.authenticity[table.handles.index("@small")] == 1.0


def _percent_after(prefix: str, text: str) -> float:
    found = re.search(re.escape(prefix) + r"([\d.]+)%", text)
    assert found, text
    return float(found.group(1))


@settings(max_examples=60, deadline=None)
@given(ratio=st.floats(0.50000001, 1), growth=st.floats(0.25, 3))
def test_a_flagged_ratio_never_reads_as_its_threshold(ratio: float, growth: float) -> None:
    # 0.504 sponsored once read "50% of recent posts are sponsored (over 50%)".
    table, m = metrics_for(make_creator(sponsored_ratio=ratio, follower_growth_30d=growth))
    sponsored, spike = flag_list(m, table, 0, CONFIG)
    assert _percent_after("", sponsored.reason) > 50
    assert _percent_after("grew ", spike.reason) >= 25
    authenticity = _components(table, m, 0)[1].reason
    assert _percent_after("", authenticity) > 50
    assert _percent_after("followers +", authenticity) >= 25


@settings(max_examples=60, deadline=None)
@given(growth=st.floats(0.11, 0.24999999))
def test_growth_below_the_spike_never_reads_as_the_spike(growth: float) -> None:
    # 0.2499 (no flag) once read "followers +25% in 30 days", the growth that flags.
    table, m = metrics_for(make_creator(follower_growth_30d=growth))
    assert flag_list(m, table, 0, CONFIG) == []
    assert _percent_after("followers +", _components(table, m, 0)[1].reason) < 25


def test_comments_per_like_just_under_the_anomaly_bound_read_under_it() -> None:
    # 0.0099 comments per like once read "0.010", the bound it is under.
    table, m = metrics_for(make_creator(avg_likes=10_000, avg_comments=99))
    assert "only 0.0099 comments per like" in _components(table, m, 0)[1].reason
    table, m = metrics_for(make_creator(avg_likes=10_000, avg_comments=40))
    assert "only 0.004 comments per like" in _components(table, m, 0)[1].reason


def test_a_few_comments_on_many_likes_never_read_as_none() -> None:
    # 5 comments on 50,000 likes read "0.000 comments per like", as if there were none.
    table, m = metrics_for(make_creator(followers=1_000, avg_likes=50_000, avg_comments=5))
    assert "only 0.0001 comments per like" in _components(table, m, 0)[1].reason
    [flag] = flag_list(m, table, 0, CONFIG)
    assert flag.code == "engagement_anomaly"
    assert flag.reason.startswith("0.0001 comments per like with engagement")


@settings(max_examples=100, deadline=None)
@given(comments=st.integers(1, 50), likes=st.integers(10_000, 10**7))
def test_comments_per_like_shown_is_never_zero_when_there_are_comments(
    comments: int, likes: int
) -> None:
    table, m = metrics_for(make_creator(avg_likes=likes, avg_comments=comments))
    shown = re.search(r"only ([\d.]+) comments per like", _components(table, m, 0)[1].reason)
    assert shown is not None and float(shown.group(1)) > 0


def test_flag_rules_name_each_code_with_its_configured_threshold() -> None:
    rules = flag_rules(CONFIG)
    assert rules == {
        "over_sponsored": "more than 50% of recent posts sponsored",
        "growth_spike": "followers up 25% or more in 30 days",
        "engagement_anomaly": "fewer than 0.01 comments per like together with engagement "
        "at least 3x the benchmark",
    }
    # The rule and a flag's reason quote the same threshold.
    table, m = metrics_for(make_creator(follower_growth_30d=0.4))
    [flag] = flag_list(m, table, 0, CONFIG)
    assert "(at least 25%)" in flag.reason and "25% or more" in rules[flag.code]


def test_flag_counts() -> None:
    _, m = metrics_for(
        make_creator(handle="@clean"),
        make_creator(handle="@ads", sponsored_ratio=0.8),
        make_creator(handle="@ads.and.growth", sponsored_ratio=0.8, follower_growth_30d=0.3),
    )
    # The table is sorted by handle: @ads, @ads.and.growth, @clean.
    assert flag_counts(m.flags).tolist() == [1, 2, 0]


def test_reach_alone_earns_nothing() -> None:
    small = make_creator(handle="@small")
    # Ten times the followers and ten times every engagement: same rate, same cost per
    # engagement once the rate scales too; the score must not rise with reach.
    big = make_creator(
        handle="@big",
        followers=200_000,
        avg_likes=10_000,
        avg_comments=500,
        avg_shares=200,
        avg_saves=300,
        avg_views=100_000,
        rate_usd=4_400,
    )
    _, m = metrics_for(small, big)
    small_score, big_score = scores(m, CONFIG, None)[[1, 0]]
    assert big_score <= small_score + 1e-9


@settings(max_examples=300, deadline=None)
@given(creator=creators, fit=st.none() | st.floats(0, 1))
def test_score_is_always_between_0_and_100(creator: Creator, fit: float | None) -> None:
    _, m = metrics_for(creator)
    score = scores(m, CONFIG, None if fit is None else np.array([fit]))[0]
    assert 0 <= score <= 100


@settings(max_examples=300, deadline=None)
@given(creator=creators, factor=st.floats(1, 50), fit=st.none() | st.floats(0, 1))
def test_score_never_falls_when_engagement_rate_rises(
    creator: Creator, factor: float, fit: float | None
) -> None:
    # Every engagement type scales together, so comments per like (and all else) is equal.
    boosted = creator.model_copy(
        update={
            "handle": "@boosted",
            "avg_likes": creator.avg_likes * factor,
            "avg_comments": creator.avg_comments * factor,
            "avg_shares": creator.avg_shares * factor,
            "avg_saves": creator.avg_saves * factor,
        }
    )
    table, m = metrics_for(creator, boosted)
    # The one exception, by design (see the test below): more likes at the same comments
    # per like can make a low-comments signal measurable that was noise before.
    assume(m.few_comments[0] == m.few_comments[1])
    niche = None if fit is None else np.array([fit, fit])
    result = dict(zip(table.handles, scores(m, CONFIG, niche), strict=True))
    assert result["@boosted"] >= result[creator.handle] - 1e-9


def test_more_likes_at_the_same_comments_per_like_can_make_few_comments_a_signal() -> None:
    # 0.5 comments on 80 likes is too few likes to expect a comment at the 0.01 threshold;
    # the same ratio on 800 likes (5 comments where 8 are expected) is a signal.
    quiet = make_creator(followers=0, avg_likes=80, avg_comments=0.5, avg_shares=0, avg_saves=0)
    loud = quiet.model_copy(update={"handle": "@loud", "avg_likes": 800, "avg_comments": 5})
    table, m = metrics_for(quiet, loud)
    assert dict(zip(table.handles, m.few_comments.tolist(), strict=True)) == {
        "@loud": True,
        "@someone": False,
    }
