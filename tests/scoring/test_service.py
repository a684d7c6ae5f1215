"""Scout over the bundled sample: cards, rank, compare, plan, lookups, concurrency."""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_settings
from bot.embeddings import WordLlamaEmbedder
from bot.errors import ScoutError
from bot.scoring.metrics import ENGAGEMENT_ANOMALY, GROWTH_SPIKE, OVER_SPONSORED, TIERS
from bot.scoring.models import Creator, RosterSort
from bot.scoring.service import MIN_RATE_SAMPLE, Scout
from tests.scoring.conftest import creators, make_creator


def test_the_sample_roster_covers_what_the_product_needs(sample_scout: Scout) -> None:
    table = sample_scout.table
    assert len(table) >= 200
    assert len(sample_scout.niches()) >= 15
    assert {table.platform_name(i) for i in range(len(table))} == {
        "instagram",
        "tiktok",
        "youtube",
        "threads",
    }
    assert {TIERS[t] for t in sample_scout.metrics.tier} == set(TIERS)
    flags = sample_scout.metrics.flags
    assert all((flags & bit).any() for bit in (OVER_SPONSORED, GROWTH_SPIKE, ENGAGEMENT_ANOMALY))
    assert all(h.startswith("@") and h == h.lower() for h in sample_scout.handles())


def test_card_lookup_is_case_insensitive_and_at_optional(sample_scout: Scout) -> None:
    card = sample_scout.card("PlantPowered.Lifts")
    assert card.handle == "@plantpowered.lifts"
    # A full-width ＠ (Japanese and Chinese keyboards) said "no creator @＠plantpowered.lifts".
    assert sample_scout.card("＠PlantPowered.Lifts").handle == "@plantpowered.lifts"
    assert [c.name for c in card.breakdown] == ["engagement", "authenticity", "cost_efficiency"]
    with_niche = sample_scout.card("@plantpowered.lifts", niche="vegan fitness")
    assert "niche_fit" in [c.name for c in with_niche.breakdown]
    assert all(c.reason for c in with_niche.breakdown)


@settings(max_examples=100, deadline=None)
@given(creator=creators, niche=st.none() | st.sampled_from(["fitness", "vegan skincare"]))
def test_the_breakdown_adds_up_to_the_score(
    embedder: WordLlamaEmbedder, creator: Creator, niche: str | None
) -> None:
    card = Scout.from_creators([creator], embedder).card(creator.handle, niche)
    assert sum(part.weight for part in card.breakdown) == pytest.approx(1.0)
    weighted = 100 * sum(part.value * part.weight for part in card.breakdown)
    assert weighted == pytest.approx(card.score, abs=0.005 + 1e-9)  # the card rounds to 0.01


def test_unknown_handle_is_one_line_naming_it(sample_scout: Scout) -> None:
    with pytest.raises(ScoutError) as caught:
        sample_scout.card("@nobody")
    assert str(caught.value) == "no creator @nobody on the roster"


def test_a_mistyped_handle_suggests_the_roster_handle_it_most_likely_meant(
    sample_scout: Scout,
) -> None:
    with pytest.raises(ScoutError) as caught:
        sample_scout.card("@greenruner")
    assert str(caught.value) == "no creator @greenruner on the roster (did you mean @greenrunner?)"
    with pytest.raises(ScoutError) as caught:
        sample_scout.compare(["@greenruner", "@nobody", "@tofu.tempo"])
    assert str(caught.value) == (
        "no creators @greenruner, @nobody on the roster"
        " (did you mean @greenrunner for @greenruner?)"
    )


def test_a_card_with_zero_followers_does_not_claim_a_measured_rate(
    embedder: WordLlamaEmbedder,
) -> None:
    card = Scout.from_creators([make_creator(followers=0)], embedder).card("@someone")
    assert card.engagement_rate == 0.0  # the key stays; consumers read it as a number
    assert card.breakdown[0].reason.startswith("followers unknown")
    assert card.why.startswith("followers unknown")
    assert "benchmark" not in card.why


def test_a_cost_per_engagement_under_a_cent_does_not_read_as_free(
    embedder: WordLlamaEmbedder,
) -> None:
    # $20 for 5,000 engagements is $0.004 each; the reason and why said "$0.00".
    cheap = make_creator(rate_usd=20, avg_likes=4_900, avg_comments=100, avg_shares=0, avg_saves=0)
    card = Scout.from_creators([cheap], embedder).card("@someone")
    assert card.cost_per_engagement == pytest.approx(0.004)
    [cost] = [part for part in card.breakdown if part.name == "cost_efficiency"]
    assert cost.reason.startswith("$0.004 per engagement ($20 for 5,000 engagements per post")
    assert card.why.endswith("; $0.004 per engagement")
    assert "$0.00 " not in cost.reason + card.why


def test_compare_names_every_unknown_handle(sample_scout: Scout) -> None:
    with pytest.raises(ScoutError) as caught:
        sample_scout.compare(["@nobody1", "@greenrunner", "@nobody2", "Nobody1"])
    assert str(caught.value) == "no creators @nobody1, @nobody2 on the roster"


def test_rank_keeps_flagged_creators_out_unless_asked(sample_scout: Scout) -> None:
    ranked = sample_scout.rank("vegan fitness", n=10)
    assert all(not card.flags for card in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)
    handles = [c.handle for c in ranked]
    assert "@plantpowered.lifts" in handles[:5]  # no "vegan" tag: found through its bio
    with_flagged = sample_scout.rank("vegan fitness", n=10, include_flagged=True)
    assert any(card.flags for card in with_flagged)


def test_a_brief_nobody_fits_whole_offers_those_who_fit_part(embedder: WordLlamaEmbedder) -> None:
    # "eco fitness" when nobody covers both: rank is empty, and closest lists who fits a
    # part, best fit first, flagged creators and strangers to the brief left out.
    roster = [
        make_creator(handle="@fit", bio="Home workouts."),
        make_creator(handle="@eco", niches=["eco"], bio="Zero waste tips."),
        make_creator(handle="@fit.flagged", sponsored_ratio=0.9),
        make_creator(handle="@gamer", niches=["gaming"], bio="Speedruns."),
    ]
    scout = Scout.from_creators(roster, embedder)
    assert scout.rank("eco fitness") == []
    closest = [c.handle for c in scout.closest("eco fitness")]
    assert set(closest) == {"@fit", "@eco"}
    cards = [scout.card(h, niche="eco fitness") for h in closest]
    fits = [next(p.value for p in c.breakdown if p.name == "niche_fit") for c in cards]
    assert fits == sorted(fits, reverse=True) and all(0.4 <= f < 0.7 for f in fits)
    assert scout.closest("fitness") == []  # someone fits it whole: rank has them
    with pytest.raises(ScoutError, match="n must be at least 1"):
        scout.closest("eco fitness", n=0)


def test_the_scoring_method_states_the_weights_the_cards_use(sample_scout: Scout) -> None:
    method = sample_scout.scoring_method()
    with_niche = {p.name: p.weight for p in method.components}
    without = {p.name: p.weight_without_niche for p in method.components if p.weight_without_niche}
    assert sum(with_niche.values()) == pytest.approx(1, abs=1e-3)
    assert sum(without.values()) == pytest.approx(1, abs=1e-3)
    card = sample_scout.card("@greenrunner", niche="vegan fitness")
    assert {p.name: p.weight for p in card.breakdown} == pytest.approx(with_niche, abs=5e-3)
    card = sample_scout.card("@greenrunner")
    assert {p.name: p.weight for p in card.breakdown} == pytest.approx(without, abs=5e-3)
    assert set(method.flags) == {"over_sponsored", "growth_spike", "engagement_anomaly"}
    assert method.min_fit == sample_scout.config.niche.min_fit


def test_rank_by_rate_is_cheapest_first_with_no_rate_last(embedder: WordLlamaEmbedder) -> None:
    roster = [
        make_creator(handle="@pricey", rate_usd=900),
        make_creator(handle="@cheap.weak", rate_usd=100, avg_likes=200),
        make_creator(handle="@cheap.strong", rate_usd=100),
        make_creator(handle="@unpriced", rate_usd=0),
        make_creator(handle="@cheapest.flagged", rate_usd=20, sponsored_ratio=0.9),
        make_creator(handle="@elsewhere", rate_usd=10, niches=["gaming"], bio="Speedruns."),
    ]
    scout = Scout.from_creators(roster, embedder)
    by_rate = scout.rank("fitness", n=10, order="rate")
    # Equal rates: higher score first. No rate on file is unknown, not free: last.
    assert [c.handle for c in by_rate] == ["@cheap.strong", "@cheap.weak", "@pricey", "@unpriced"]
    assert by_rate[0].score > by_rate[1].score
    assert [c.handle for c in scout.rank("fitness", n=2, order="rate")] == [
        "@cheap.strong",
        "@cheap.weak",
    ]
    with_flagged = scout.rank("fitness", n=10, include_flagged=True, order="rate")
    assert with_flagged[0].handle == "@cheapest.flagged"
    # The default order is still the score.
    by_score = scout.rank("fitness", n=10)
    assert [c.score for c in by_score] == sorted((c.score for c in by_score), reverse=True)


def test_browse_counts_the_whole_roster_and_orders_it_by_the_number_asked(
    embedder: WordLlamaEmbedder,
) -> None:
    roster = [
        make_creator(handle="@big", followers=90_000, rate_usd=900),
        make_creator(handle="@engaged", followers=5_000, rate_usd=120),
        make_creator(handle="@gamer", platform="tiktok", niches=["gaming"], bio="Speedruns."),
        make_creator(handle="@unpriced", followers=30_000, rate_usd=0),
        make_creator(handle="@ads", followers=200_000, sponsored_ratio=0.9, rate_usd=50),
    ]
    scout = Scout.from_creators(roster, embedder)
    everyone = scout.browse()
    assert (everyone.total, everyone.matching, everyone.flagged) == (5, 5, 1)
    assert everyone.by_platform == {"instagram": 4, "tiktok": 1}
    # Flagged creators are counted, never listed unless asked for.
    assert "@ads" not in [c.handle for c in everyone.creators]
    assert scout.browse(sort_by="followers").creators[0].handle == "@big"
    assert scout.browse(sort_by="followers", include_flagged=True).creators[0].handle == "@ads"
    assert scout.browse(sort_by="followers", ascending=True).creators[0].handle == "@engaged"
    by_rate = scout.browse(sort_by="rate", ascending=True)
    # No rate on file is unknown, not free: last.
    assert by_rate.creators[0].handle == "@engaged"
    assert by_rate.creators[-1].handle == "@unpriced"
    by_value = scout.browse(sort_by="cost_per_engagement", ascending=True).creators
    costs = [c.cost_per_engagement or 0.0 for c in by_value if c.rate_usd > 0]
    assert costs == sorted(costs) and by_value[-1].handle == "@unpriced"
    rates = [c.engagement_rate for c in scout.browse(sort_by="engagement_rate").creators]
    assert rates == sorted(rates, reverse=True)
    capped = scout.browse(max_rate=440)
    assert {c.handle for c in capped.creators} == {"@engaged", "@gamer"}
    on_tiktok = scout.browse(platform="tiktok")
    assert (on_tiktok.matching, [c.handle for c in on_tiktok.creators]) == (1, ["@gamer"])
    assert scout.browse("gaming").matching == 1
    with pytest.raises(ScoutError, match="rate cap"):
        scout.browse(max_rate=-1)


@settings(max_examples=60, deadline=None)
@given(
    roster=st.lists(creators, min_size=1, max_size=12),
    sort_by=st.sampled_from(["follower_growth_30d", "avg_views"]),
    ascending=st.booleans(),
)
def test_browse_by_growth_or_views_lists_unflagged_creators_in_order_unknown_views_last(
    embedder: WordLlamaEmbedder, roster: list[Creator], sort_by: RosterSort, ascending: bool
) -> None:
    unique = [c.model_copy(update={"handle": f"@c{i}"}) for i, c in enumerate(roster)]
    scout = Scout.from_creators(unique, embedder)
    view = scout.browse(sort_by=sort_by, ascending=ascending, n=len(unique))
    assert all(not card.flags for card in view.creators)
    assert len(view.creators) == view.matching - view.flagged
    known = [getattr(card, sort_by) for card in view.creators]
    if sort_by == "avg_views":  # views unknown come last either way
        unknown = [value is None for value in known]
        assert unknown == sorted(unknown)
        known = [value for value in known if value is not None]
    assert known == sorted(known, reverse=not ascending)
    # Each flag code counts the matching creators that carry it, and none is left uncounted.
    spiked = sum(c.follower_growth_30d >= scout.config.flags.growth_spike_30d for c in unique)
    assert view.flagged_by_code.get("growth_spike", 0) == spiked
    assert all(0 < count <= view.flagged for count in view.flagged_by_code.values())
    assert sum(view.flagged_by_code.values()) >= view.flagged


def test_cards_carry_follower_growth_and_average_views(embedder: WordLlamaEmbedder) -> None:
    scout = Scout.from_creators(
        [
            make_creator(handle="@seen", avg_views=12_345, follower_growth_30d=0.12),
            make_creator(handle="@unseen", avg_views=None, follower_growth_30d=-0.03),
        ],
        embedder,
    )
    seen, unseen = scout.card("@seen"), scout.card("@unseen")
    assert (seen.avg_views, seen.follower_growth_30d) == (12_345, 0.12)
    assert (unseen.avg_views, unseen.follower_growth_30d) == (None, -0.03)


@settings(max_examples=30, deadline=None)
@given(
    platforms=st.lists(
        st.sampled_from(["instagram", "tiktok", "youtube", "threads"]), min_size=1, unique=True
    ),
    countries=st.lists(st.sampled_from(["US", "GB", "CA", "AU", "DE"]), min_size=1, unique=True),
)
def test_several_platforms_or_countries_keep_creators_on_any_of_them(
    sample_scout: Scout, platforms: list[str], countries: list[str]
) -> None:
    either = sample_scout.browse(platform=platforms, include_flagged=True, n=10)
    assert either.matching == sum(sample_scout.browse(platform=p).matching for p in platforms)
    assert either.creators and all(c.platform in platforms for c in either.creators)
    places = sample_scout.browse(country=countries, include_flagged=True, n=10)
    assert places.matching == sum(sample_scout.browse(country=c).matching for c in countries)
    assert all(c.audience_top_country in countries for c in places.creators)
    ranked = sample_scout.rank("fitness", n=100, platform=platforms, country=countries)
    everyone = sample_scout.rank("fitness", n=100)
    assert [c.handle for c in ranked] == [
        c.handle
        for c in everyone
        if c.platform in platforms and c.audience_top_country in countries
    ]
    plan = sample_scout.plan("fitness", 2000, platform=platforms, country=countries)
    assert all(c.platform in platforms for c in plan.creators)
    # A single value still works, and an unknown one in a list is named.
    assert (
        sample_scout.browse(platform=platforms[0]).matching
        == sample_scout.browse(platform=platforms[:1]).matching
    )
    with pytest.raises(ScoutError, match="unknown platform 'myspace'"):
        sample_scout.browse(platform=[*platforms, "myspace"])


def test_rank_plan_and_browse_keep_to_the_audience_country(sample_scout: Scout) -> None:
    uk = sample_scout.rank("fitness", n=100, country="gb")
    assert uk and all(c.audience_top_country == "GB" for c in uk)
    everyone = sample_scout.rank("fitness", n=100)
    assert {c.handle for c in uk} == {c.handle for c in everyone if c.audience_top_country == "GB"}
    plan = sample_scout.plan("fitness", 1000, country="GB")
    assert plan.creators and all(c.audience_top_country == "GB" for c in plan.creators)
    view = sample_scout.browse(country="GB", n=100, include_flagged=True)
    assert view.matching == len(view.creators)
    assert all(c.audience_top_country == "GB" for c in view.creators)


def test_engagement_benchmarks_pick_the_band_a_follower_count_falls_in(
    sample_scout: Scout,
) -> None:
    [instagram] = sample_scout.engagement_benchmarks("instagram", 20_000).bands
    assert (instagram.label, instagram.low, instagram.high) == ("Instagram 10-50k", 0.0084, 0.0111)
    assert instagram.definition == "follower"
    per_platform = sample_scout.engagement_benchmarks(followers=500).bands
    # Below the smallest band: that band, as scoring compares such creators.
    assert [b.label for b in per_platform] == ["Instagram 1-5k", "TikTok 1-5k", "YouTube 1-5k"]
    assert sample_scout.engagement_benchmarks("threads").bands == []
    assert len(sample_scout.engagement_benchmarks("tiktok").bands) == 7
    with pytest.raises(ScoutError, match="unknown platform"):
        sample_scout.engagement_benchmarks("myspace")


def test_exclusions_leave_out_a_platform_a_country_or_a_niche_tag(sample_scout: Scout) -> None:
    not_tiktok = sample_scout.rank("fitness", n=100, exclude=["tiktok"])
    assert not_tiktok and all(c.platform != "tiktok" for c in not_tiktok)
    not_us = sample_scout.plan("fitness", 2000, exclude=["US"])
    assert not_us.creators and all(c.audience_top_country != "US" for c in not_us.creators)
    wellness = sample_scout.rank("wellness", n=100, exclude=["fitness"])
    assert wellness and all("fitness" not in c.niches for c in wellness)
    everyone = sample_scout.browse()
    without = sample_scout.browse(exclude=["instagram"])
    assert without.matching == everyone.matching - everyone.by_platform["instagram"]


def test_rank_and_plan_keep_to_follower_bounds(sample_scout: Scout) -> None:
    everyone = sample_scout.rank("fitness", n=100)
    small = sample_scout.rank("fitness", n=100, max_followers=49_999)
    mid = sample_scout.rank("fitness", n=100, min_followers=10_000, max_followers=50_000)
    assert small and all(c.followers <= 49_999 for c in small)
    assert mid and all(10_000 <= c.followers <= 50_000 for c in mid)
    assert [c.handle for c in small] == [c.handle for c in everyone if c.followers <= 49_999]
    cheap_small = sample_scout.rank("fitness", n=100, order="rate", max_followers=49_999)
    assert {c.handle for c in cheap_small} == {c.handle for c in small}
    plan = sample_scout.plan("fitness", 5_000, max_followers=49_999)
    assert plan.creators and all(c.followers <= 49_999 for c in plan.creators)
    with pytest.raises(ScoutError, match="follower bound must be 0 or more"):
        sample_scout.rank("fitness", min_followers=-1)
    # Bounds that exclude everyone are a mistake to name, not an empty result.
    with pytest.raises(ScoutError, match="at least 50,000 and at most 1,000 followers"):
        sample_scout.rank("fitness", min_followers=50_000, max_followers=1_000)
    with pytest.raises(ScoutError, match="min_followers above max_followers"):
        sample_scout.plan("fitness", 5_000, min_followers=50_000, max_followers=1_000)
    exact = everyone[0].followers  # equal bounds are inclusive
    assert everyone[0] in sample_scout.rank(
        "fitness", n=100, min_followers=exact, max_followers=exact
    )


def test_flagged_lists_every_flagged_creator_most_flags_first(sample_scout: Scout) -> None:
    report = sample_scout.flagged(n=100)
    flagged = [h for i, h in enumerate(sample_scout.table.handles) if sample_scout.metrics.flags[i]]
    assert report.total == len(flagged) == len(report.creators)
    assert {c.handle for c in report.creators} == set(flagged)
    assert all(card.flags for card in report.creators)
    # Most flags first, then the least authentic.
    keys = [
        (-len(c.flags), next(p.value for p in c.breakdown if p.name == "authenticity"))
        for c in report.creators
    ]
    assert keys == sorted(keys)
    assert report.creators[0].handle == "@nora.lensnotes"  # over-sponsored and a growth spike
    assert set(report.rules) == {"over_sponsored", "growth_spike", "engagement_anomaly"}
    first_ten = sample_scout.flagged()
    assert first_ten.total == report.total
    assert first_ten.creators == report.creators[:10]


def test_flagged_by_code_and_niche(sample_scout: Scout) -> None:
    bought = sample_scout.flagged(codes=["growth_spike", "engagement_anomaly"], n=100)
    codes = [{f.code for f in c.flags} for c in bought.creators]
    assert codes and all(c & {"growth_spike", "engagement_anomaly"} for c in codes)
    assert "@likefarm.vegan" in {c.handle for c in bought.creators}
    assert list(bought.rules) == ["growth_spike", "engagement_anomaly"]
    fitness = sample_scout.flagged("fitness", n=100)
    assert {c.handle for c in fitness.creators} == {
        "@fitfam.boost",
        "@gus.mindfulmornings",
        "@likefarm.vegan",
    }
    assert all(any(p.name == "niche_fit" for p in c.breakdown) for c in fitness.creators)
    none = sample_scout.flagged("skincare", codes=["growth_spike"])
    assert (none.total, none.creators) == (0, [])
    with pytest.raises(ScoutError, match="unknown flag code fake_followers: use over_sponsored"):
        sample_scout.flagged(codes=["fake_followers"])


def test_compare_is_best_first(sample_scout: Scout) -> None:
    cards = sample_scout.compare(["@glowdeals.daily", "@greenrunner", "@tofu.tempo"])
    assert [c.score for c in cards] == sorted((c.score for c in cards), reverse=True)
    assert {c.handle for c in cards} == {"@glowdeals.daily", "@greenrunner", "@tofu.tempo"}


def test_plan_stays_within_budget_and_uses_only_fitting_unflagged_creators(
    sample_scout: Scout,
) -> None:
    result = sample_scout.plan("vegan fitness", 3_000)
    assert result.total_cost <= 3_000
    assert result.remaining == pytest.approx(3_000 - result.total_cost)
    assert result.expected_engagements == pytest.approx(
        sum(c.engagements_per_post for c in result.creators)
    )
    assert all(not card.flags for card in result.creators)
    assert [p.handle for p in result.picks] == [c.handle for c in result.creators]
    fit = sample_scout.niche_index.fit("vegan fitness")
    positions = [sample_scout.table.handles.index(c.handle) for c in result.creators]
    assert all(fit.value[i] >= sample_scout.config.niche.min_fit for i in positions)
    assert set(result.model_dump()) >= {"creators", "total_cost", "expected_engagements", "budget"}


def test_plan_totals_rates_in_fractions_of_a_cent_exactly(embedder: WordLlamaEmbedder) -> None:
    roster = [make_creator(handle=f"@third{n}", rate_usd=33.334) for n in range(3)]
    scout = Scout.from_creators([*roster, make_creator(handle="@tiny", rate_usd=0.004)], embedder)
    result = scout.plan("fitness", 100)
    # All three thirds would come to $100.002: two of them and the $0.004 creator fit.
    assert sorted(c.handle for c in result.creators)[-1] == "@tiny"
    assert len(result.creators) == 3
    assert result.total_cost == 66.672
    assert result.remaining == 33.328


def test_plan_lists_fitting_creators_it_left_out_for_having_no_rate(
    embedder: WordLlamaEmbedder,
) -> None:
    roster = [
        make_creator(handle="@priced"),
        make_creator(handle="@unpriced", rate_usd=0),
        make_creator(handle="@unpriced.flagged", rate_usd=0, sponsored_ratio=0.9),
        make_creator(handle="@unpriced.elsewhere", rate_usd=0, niches=["gaming"], bio=""),
    ]
    scout = Scout.from_creators(roster, embedder)
    result = scout.plan("fitness", 1_000_000)
    assert [c.handle for c in result.creators] == ["@priced"]
    assert [s.model_dump() for s in result.skipped] == [
        {"handle": "@unpriced", "reason": "no rate on file"}
    ]
    card = scout.card("@unpriced")
    assert (card.cost_per_engagement, card.cpm) == (0.0, 0.0)  # the pinned formulas
    assert "no rate on file" in card.why


@pytest.mark.parametrize("budget", [-5, float("inf"), float("nan")])
def test_plan_rejects_a_budget_that_is_not_an_amount_of_0_or_more(
    sample_scout: Scout, budget: float
) -> None:
    with pytest.raises(ScoutError, match="budget must be an amount in USD of 0 or more"):
        sample_scout.plan("vegan fitness", budget)


def test_concurrent_reads_agree(sample_scout: Scout) -> None:
    briefs = ["vegan fitness", "skincare", "budget travel", "houseplants", "gaming"] * 8

    def top(brief: str) -> list[str]:
        return [c.handle for c in sample_scout.rank(brief, n=5)]

    expected = {brief: top(brief) for brief in set(briefs)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(top, briefs))
    assert results == [expected[brief] for brief in briefs]


def test_scoring_config_comes_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedder: WordLlamaEmbedder
) -> None:
    from bot.scoring.config import BUNDLED_CONFIG

    text = BUNDLED_CONFIG.read_text().replace("engagement = 0.40", "engagement = 0.0")
    custom = tmp_path / "scoring.toml"
    custom.write_text(text)
    monkeypatch.setenv("SCOUT_SCORING_CONFIG", str(custom))
    scout = Scout.from_settings(load_settings(), embedder)
    card = scout.card("@greenrunner")
    assert card.breakdown[0].weight == 0.0


def test_a_roster_of_one_works(embedder: WordLlamaEmbedder) -> None:
    scout = Scout.from_creators([make_creator(niches=[], bio="")], embedder)
    assert scout.rank("vegan") == []
    assert scout.plan("vegan", 1000).creators == []
    assert scout.card("@someone").score > 0


@settings(max_examples=40, deadline=None)
@given(
    budget=st.floats(0, 20_000, allow_nan=False),
    brief=st.sampled_from(["vegan fitness", "skincare", "budget travel", "books", "gaming"]),
)
def test_plans_never_exceed_the_budget(sample_scout: Scout, budget: float, brief: str) -> None:
    result = sample_scout.plan(brief, budget)
    assert result.total_cost <= budget + 1e-9
    assert len({c.handle for c in result.creators}) == len(result.creators)
    # What is left over cannot buy any eligible creator that would add engagements.
    chosen = {c.handle for c in result.creators}
    fit = sample_scout.niche_index.fit(brief)
    table, metrics = sample_scout.table, sample_scout.metrics
    for i, handle in enumerate(table.handles):
        eligible = (
            fit.value[i] >= sample_scout.config.niche.min_fit
            and metrics.flags[i] == 0
            and table.rate_usd[i] > 0
            and metrics.engagements[i] > 0
        )
        if eligible and handle not in chosen:
            assert table.rate_usd[i] > result.remaining + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    rates=st.lists(st.sampled_from([0, 50, 120.5, 300, 999, 2_500]), min_size=1, max_size=9),
    over_sponsored=st.lists(st.booleans(), min_size=9, max_size=9),
)
def test_rates_summarise_the_unflagged_creators_with_a_rate_on_file(
    embedder: WordLlamaEmbedder, rates: list[float], over_sponsored: list[bool]
) -> None:
    roster = [
        make_creator(
            handle=f"@c{i}",
            followers=10_000 + i,
            rate_usd=rate,
            sponsored_ratio=0.9 if over_sponsored[i] else 0.1,
        )
        for i, rate in enumerate(rates)
    ]
    comparable = [r for r, flagged in zip(rates, over_sponsored, strict=False) if r and not flagged]
    summary = Scout.from_creators(roster, embedder).rates()
    assert summary.comparable == len(comparable)
    assert summary.enough == (len(comparable) >= MIN_RATE_SAMPLE)
    if not comparable:
        assert summary.median_rate is None and summary.median_cost_per_engagement is None
        return
    assert summary.median_rate == pytest.approx(statistics.median(comparable))
    assert (summary.min_rate, summary.max_rate) == (min(comparable), max(comparable))
    engagements = 1_000 + 50 + 20 + 30  # make_creator's likes, comments, shares and saves
    assert summary.median_cost_per_engagement == pytest.approx(
        statistics.median(comparable) / engagements
    )


def test_rates_keep_to_the_size_platform_and_niche_asked_about(sample_scout: Scout) -> None:
    summary = sample_scout.rates(platform="instagram", min_followers=25_000, max_followers=75_000)
    comparable = [
        c
        for c in sample_scout.browse(platform="instagram", n=1_000, max_rate=1e9).creators
        if 25_000 <= c.followers <= 75_000
    ]
    assert summary.comparable == len(comparable) >= MIN_RATE_SAMPLE
    assert summary.median_rate == statistics.median(c.rate_usd for c in comparable)
    assert (summary.platform, summary.min_followers, summary.max_followers) == (
        "instagram",
        25_000,
        75_000,
    )
    fitness = sample_scout.rates("fitness", platform="youtube", max_followers=15_000)
    fits = sample_scout.rank("fitness", n=100, platform="youtube", max_followers=15_000)
    assert fitness.comparable == sum(c.rate_usd > 0 for c in fits) < MIN_RATE_SAMPLE
    assert not fitness.enough
    with pytest.raises(ScoutError, match="unknown platform"):
        sample_scout.rates(platform="myspace")


def test_rates_keep_to_the_audience_country_and_exclusions_asked_about(
    sample_scout: Scout,
) -> None:
    summary = sample_scout.rates(max_followers=50_000, country="GB", exclude=["tiktok"])
    comparable = sample_scout.browse(
        n=1_000, max_rate=1e9, max_followers=50_000, country="GB", exclude=["tiktok"]
    ).creators
    everyone = sample_scout.rates(max_followers=50_000)
    assert 0 < summary.comparable == len(comparable) < everyone.comparable
    assert summary.median_rate == statistics.median(c.rate_usd for c in comparable)
    assert (summary.country, summary.exclude) == ("GB", ["tiktok"])
    either = sample_scout.rates(country=["GB", "US"])
    assert either.comparable > sample_scout.rates(country="GB").comparable
    assert either.country == ["GB", "US"]


@settings(max_examples=60, deadline=None)
@given(
    rates=st.lists(st.sampled_from([0, 50, 120.5, 300, 999, 2_500]), min_size=1, max_size=9),
    asked=st.sampled_from([0, 50, 120.5, 200, 300, 2_500, 10_000]),
    raise_by=st.floats(min_value=0, max_value=5_000),
)
def test_a_rate_asked_about_counts_the_comparable_creators_charging_less_and_more(
    embedder: WordLlamaEmbedder, rates: list[float], asked: float, raise_by: float
) -> None:
    roster = [make_creator(handle=f"@c{i}", rate_usd=rate) for i, rate in enumerate(rates)]
    scout = Scout.from_creators(roster, embedder)
    comparable = [rate for rate in rates if rate]  # no rate on file: not comparable
    summary = scout.rates(rate=asked)
    assert summary.rate == asked
    assert summary.charging_less == sum(rate < asked for rate in comparable)
    assert summary.charging_more == sum(rate > asked for rate in comparable)
    assert summary.charging_same == sum(rate == asked for rate in comparable)
    # A higher rate has at least as many creators charging less, and no more charging more.
    higher = scout.rates(rate=asked + raise_by)
    assert higher.charging_less is not None and higher.charging_more is not None
    assert higher.charging_less >= summary.charging_less
    assert higher.charging_more <= summary.charging_more
    unasked = scout.rates()
    assert (unasked.rate, unasked.charging_less, unasked.charging_more) == (None, None, None)


@pytest.mark.parametrize("rate", [-1, float("nan"), float("inf")])
def test_a_rate_asked_about_must_be_an_amount(sample_scout: Scout, rate: float) -> None:
    with pytest.raises(ScoutError, match="a rate must be an amount in USD"):
        sample_scout.rates(rate=rate)


@settings(max_examples=40, deadline=None)
@given(rates=st.lists(st.sampled_from([0, 0.1, 0.2, 50, 999.99, 2_500]), min_size=1, max_size=6))
def test_total_cost_adds_up_the_rates_on_file_in_the_order_asked(
    embedder: WordLlamaEmbedder, rates: list[float]
) -> None:
    roster = [make_creator(handle=f"@c{i}", rate_usd=rate) for i, rate in enumerate(rates)]
    handles = [f"@c{i}" for i in reversed(range(len(rates)))]
    total = Scout.from_creators(roster, embedder).total_cost(handles)
    assert [c.handle for c in total.creators] == handles
    assert total.total_cost == float(sum((Decimal(str(r)) for r in rates), Decimal(0)))
    assert total.unpriced == [h for h in handles if rates[int(h[2:])] == 0]
    priced = sum(1 for r in rates if r)
    assert total.expected_engagements == pytest.approx(priced * (1_000 + 50 + 20 + 30))


def test_total_cost_scores_for_the_niche_and_names_unknown_handles(sample_scout: Scout) -> None:
    handles = ["@tofu.tempo", "@greenrunner"]
    total = sample_scout.total_cost(handles, niche="vegan fitness")
    compared = {c.handle: c for c in sample_scout.compare(handles, niche="vegan fitness")}
    assert total.creators == [compared[h] for h in handles]
    with pytest.raises(ScoutError, match=r"no creator @nobody\.here"):
        sample_scout.total_cost(["@greenrunner", "@nobody.here"])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


@settings(max_examples=40, deadline=None)
@given(roster=st.lists(creators, min_size=1, max_size=12))
def test_roster_stats_are_the_median_and_mean_of_the_cards(
    embedder: WordLlamaEmbedder, roster: list[Creator]
) -> None:
    unique = [c.model_copy(update={"handle": f"@c{i}"}) for i, c in enumerate(roster)]
    scout = Scout.from_creators(unique, embedder)
    stats = scout.stats()
    cards = scout.browse(n=len(unique), include_flagged=True).creators
    assert (stats.creators, stats.total) == (len(unique), len(unique))
    assert stats.flagged == sum(bool(c.flags) for c in cards)
    measured = [c for c in cards if c.followers > 0]
    assert stats.median_followers == pytest.approx(_median([c.followers for c in measured]))
    assert stats.mean_followers == pytest.approx(_mean([c.followers for c in measured]))
    assert sum(row.creators for row in stats.platforms) == len(unique)
    assert [row.creators for row in stats.platforms] == sorted(
        (row.creators for row in stats.platforms), reverse=True
    )
    for row in stats.platforms:
        on = [c for c in cards if c.platform == row.platform]
        rates = [c.engagement_rate for c in on if c.followers > 0]
        by_views = [
            c.engagement_rate_by_views for c in on if c.engagement_rate_by_views is not None
        ]
        assert (row.creators, row.with_followers, row.with_views) == (
            len(on),
            len(rates),
            len(by_views),
        )
        assert row.median_followers == pytest.approx(
            _median([c.followers for c in on if c.followers > 0])
        )
        assert row.median_engagement_rate == pytest.approx(_median(rates))
        assert row.mean_engagement_rate == pytest.approx(_mean(rates))
        assert row.median_engagement_rate_by_views == pytest.approx(_median(by_views))
        assert row.mean_engagement_rate_by_views == pytest.approx(_mean(by_views))


def test_roster_stats_keep_to_the_niche_and_platform_and_hold_rates_to_the_benchmarks(
    sample_scout: Scout,
) -> None:
    stats = sample_scout.stats("vegan", platform="tiktok")
    fits = sample_scout.browse("vegan", platform="tiktok", n=100, include_flagged=True)
    assert stats.creators == fits.matching == len(fits.creators) > 0
    assert (stats.niche, stats.platform, stats.total) == ("vegan", "tiktok", 240)
    [tiktok] = stats.platforms
    assert tiktok.benchmark_definition == "view"
    positions = [sample_scout.handles().index(c.handle) for c in fits.creators]
    ratios = [float(sample_scout.metrics.benchmark_ratio[i]) for i in positions]
    assert tiktok.with_benchmark == len(ratios)
    assert tiktok.median_benchmark_ratio == pytest.approx(statistics.median(ratios))
    threads = next(row for row in sample_scout.stats().platforms if row.platform == "threads")
    assert (threads.benchmark_definition, threads.median_benchmark_ratio) == (None, None)
    with pytest.raises(ScoutError, match="unknown platform"):
        sample_scout.stats(platform="myspace")


def test_roster_stats_keep_to_the_follower_limit_country_and_exclusions(
    sample_scout: Scout,
) -> None:
    stats = sample_scout.stats(max_followers=50_000, country="GB", exclude=["tiktok"])
    within = sample_scout.browse(
        n=1, include_flagged=True, max_followers=50_000, country="GB", exclude=["tiktok"]
    )
    assert 0 < stats.creators == within.matching < sample_scout.stats().creators
    assert {row.platform for row in stats.platforms} <= {"instagram", "youtube", "threads"}
    assert (stats.max_followers, stats.country, stats.exclude) == (50_000, "GB", ["tiktok"])
