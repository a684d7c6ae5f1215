"""The agent's read-only tools: thin typed wrappers over retrieval, scoring and shortlists.

`ToolBox` runs the tools for one question and records every call, so grounding can
check the answer against exactly what the tools returned. `langchain_tools` exposes
the same calls to a tool-calling model; their docstrings are the model's contract.
Nothing here can write: shortlist changes are user actions (buttons, slash commands).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from bot.errors import ScoutError
from bot.knowledge.models import Passage
from bot.scoring.metrics import follower_tiers
from bot.scoring.models import (
    CostTotal,
    EngagementBenchmarks,
    FlaggedCreators,
    FollowerTiers,
    PlanResult,
    RankOrder,
    RateSummary,
    RosterSort,
    RosterStats,
    RosterView,
    ScoreCard,
    ScoringMethod,
)

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

# Bounds that keep tool outputs (and so model prompts) small.
MAX_PASSAGES = 6
MAX_CREATORS = 10


class Retriever(Protocol):
    """Guidance search (bot.knowledge.retriever)."""

    def search(self, query: str, k: int = 5) -> list[Passage]: ...


class ScoutService(Protocol):
    """Deterministic scoring and planning over the roster (bot.scoring.service.Scout)."""

    def card(self, handle: str, niche: str | None = None) -> ScoreCard: ...

    def compare(self, handles: list[str], niche: str | None = None) -> list[ScoreCard]: ...

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
    ) -> list[ScoreCard]: ...

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
    ) -> RosterView: ...

    def closest(self, niche: str, n: int = 10) -> list[ScoreCard]: ...

    def scoring_method(self) -> ScoringMethod: ...

    def flagged(
        self, niche: str | None = None, codes: Sequence[str] = (), n: int = 10
    ) -> FlaggedCreators: ...

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
    ) -> PlanResult: ...

    def engagement_benchmarks(
        self, platform: str | None = None, followers: int | None = None
    ) -> EngagementBenchmarks: ...

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
    ) -> RateSummary: ...

    def total_cost(self, handles: list[str], niche: str | None = None) -> CostTotal: ...

    def stats(
        self,
        niche: str | None = None,
        *,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> RosterStats: ...

    def handles(self) -> list[str]: ...

    def niches(self) -> list[str]: ...


class ShortlistEntry(Protocol):
    """A creator on a shortlist as the store reads it back."""

    handle: str
    added_by: str
    added_at: datetime
    last_score: float | None


class ShortlistReader(Protocol):
    """The read half of bot.store.shortlists.ShortlistStore; the agent gets nothing more."""

    def entries(self, team_id: str, campaign: str) -> Sequence[ShortlistEntry]: ...

    def campaigns(self, team_id: str) -> list[str]: ...


class Shortlisted(BaseModel):
    """A creator on a shortlist, as the tools report it."""

    handle: str
    added_by: str
    added_at: datetime
    last_score: float | None = None


class ShortlistView(BaseModel):
    """What `read_shortlist` returns: one campaign's creators, and every campaign's name."""

    campaign: str | None
    creators: list[Shortlisted]
    campaigns: list[str]


@dataclass
class ToolCall:
    """One tool run: its name, arguments and output (or the error it raised)."""

    name: str
    args: dict[str, Any]
    output: Any = None
    error: str | None = None


@dataclass
class ToolBox:
    """The tools for one question, bound to a workspace; records every call it runs."""

    retriever: Retriever
    scout: ScoutService
    shortlists: ShortlistReader
    team_id: str
    calls: list[ToolCall] = field(default_factory=list)

    def _run(self, name: str, args: dict[str, Any], fn: Callable[[], Any]) -> Any:
        call = ToolCall(name=name, args=args)
        self.calls.append(call)
        try:
            call.output = fn()
        except ScoutError as exc:
            call.error = str(exc)
            raise
        return call.output

    def search_guidance(self, query: str, k: int = 4) -> list[Passage]:
        k = max(1, min(k, MAX_PASSAGES))
        return self._run(
            "search_guidance", {"query": query, "k": k}, lambda: self.retriever.search(query, k)
        )

    def find_creators(
        self,
        niche: str,
        n: int = 5,
        order_by: RankOrder = "score",
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> list[ScoreCard]:
        n = max(1, min(n, MAX_CREATORS))
        return self._run(
            "find_creators",
            {
                "niche": niche,
                "n": n,
                "order_by": order_by,
                "min_followers": min_followers,
                "max_followers": max_followers,
                "platform": platform,
                "country": country,
                "exclude": list(exclude),
            },
            lambda: self.scout.rank(
                niche,
                n=n,
                order=order_by,
                min_followers=min_followers,
                max_followers=max_followers,
                platform=platform,
                country=country,
                exclude=exclude,
            ),
        )

    def closest_creators(self, niche: str, n: int = 5) -> list[ScoreCard]:
        n = max(1, min(n, MAX_CREATORS))
        return self._run(
            "closest_creators",
            {"niche": niche, "n": n},
            lambda: self.scout.closest(niche, n),
        )

    def browse_roster(
        self,
        niche: str | None = None,
        sort_by: RosterSort = "score",
        ascending: bool = False,
        n: int = 5,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        max_rate: float | None = None,
    ) -> RosterView:
        n = max(1, min(n, MAX_CREATORS))
        args = {
            "niche": niche,
            "sort_by": sort_by,
            "ascending": ascending,
            "n": n,
            "min_followers": min_followers,
            "max_followers": max_followers,
            "platform": platform,
            "country": country,
            "exclude": list(exclude),
            "max_rate": max_rate,
        }
        return self._run(
            "browse_roster",
            args,
            lambda: self.scout.browse(
                niche,
                sort_by=sort_by,
                ascending=ascending,
                n=n,
                min_followers=min_followers,
                max_followers=max_followers,
                platform=platform,
                country=country,
                exclude=exclude,
                max_rate=max_rate,
            ),
        )

    def find_flagged_creators(
        self, niche: str | None = None, codes: Sequence[str] = (), n: int = MAX_CREATORS
    ) -> FlaggedCreators:
        n = max(1, min(n, MAX_CREATORS))
        return self._run(
            "find_flagged_creators",
            {"niche": niche, "codes": list(codes), "n": n},
            lambda: self.scout.flagged(niche, codes, n=n),
        )

    def score_creator(self, handle: str, niche: str | None = None) -> ScoreCard:
        return self._run(
            "score_creator",
            {"handle": handle, "niche": niche},
            lambda: self.scout.card(handle, niche=niche),
        )

    def compare_creators(self, handles: list[str], niche: str | None = None) -> list[ScoreCard]:
        return self._run(
            "compare_creators",
            {"handles": handles, "niche": niche},
            lambda: self.scout.compare(handles, niche=niche),
        )

    def plan_campaign(
        self,
        niche: str,
        budget: float,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> PlanResult:
        return self._run(
            "plan_campaign",
            {
                "niche": niche,
                "budget": budget,
                "min_followers": min_followers,
                "max_followers": max_followers,
                "platform": platform,
                "country": country,
                "exclude": list(exclude),
            },
            lambda: self.scout.plan(
                niche,
                budget,
                min_followers=min_followers,
                max_followers=max_followers,
                platform=platform,
                country=country,
                exclude=exclude,
            ),
        )

    def read_shortlist(self, campaign: str | None = None) -> ShortlistView:
        def read() -> ShortlistView:
            campaigns = self.shortlists.campaigns(self.team_id)
            if campaign is None:
                return ShortlistView(campaign=None, creators=[], campaigns=campaigns)
            # Imported here: the store pulls in SQLAlchemy, which most questions never need.
            from bot.store.shortlists import normalise_campaign

            name = normalise_campaign(campaign)
            creators = [
                Shortlisted.model_validate(entry, from_attributes=True)
                for entry in self.shortlists.entries(self.team_id, name)
            ]
            return ShortlistView(campaign=name, creators=creators, campaigns=campaigns)

        return self._run("read_shortlist", {"campaign": campaign}, read)

    def follower_tiers(self, followers: int | None = None) -> FollowerTiers:
        return self._run(
            "follower_tiers", {"followers": followers}, lambda: follower_tiers(followers)
        )

    def scoring_method(self) -> ScoringMethod:
        return self._run("scoring_method", {}, self.scout.scoring_method)

    def engagement_benchmarks(
        self, platform: str | None = None, followers: int | None = None
    ) -> EngagementBenchmarks:
        return self._run(
            "engagement_benchmarks",
            {"platform": platform, "followers": followers},
            lambda: self.scout.engagement_benchmarks(platform, followers),
        )

    def typical_rates(
        self,
        niche: str | None = None,
        platform: str | Sequence[str] | None = None,
        min_followers: int | None = None,
        max_followers: int | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        rate: float | None = None,
    ) -> RateSummary:
        return self._run(
            "typical_rates",
            {
                "niche": niche,
                "platform": platform,
                "min_followers": min_followers,
                "max_followers": max_followers,
                "country": country,
                "exclude": list(exclude),
                "rate": rate,
            },
            lambda: self.scout.rates(
                niche,
                platform=platform,
                min_followers=min_followers,
                max_followers=max_followers,
                country=country,
                exclude=exclude,
                rate=rate,
            ),
        )

    def total_cost(self, handles: list[str], niche: str | None = None) -> CostTotal:
        return self._run(
            "total_cost",
            {"handles": handles, "niche": niche},
            lambda: self.scout.total_cost(handles, niche),
        )

    def roster_stats(
        self,
        niche: str | None = None,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | Sequence[str] | None = None,
        country: str | Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> RosterStats:
        filters = {
            "min_followers": min_followers,
            "max_followers": max_followers,
            "platform": platform,
            "country": country,
            "exclude": list(exclude),
        }
        return self._run(
            "roster_stats",
            {"niche": niche, **filters},
            lambda: self.scout.stats(
                niche,
                min_followers=min_followers,
                max_followers=max_followers,
                platform=platform,
                country=country,
                exclude=exclude,
            ),
        )

    def outputs(self) -> list[Any]:
        """Every successful output so far, in call order."""
        return [c.output for c in self.calls if c.error is None and c.output is not None]

    def cards(self) -> list[ScoreCard]:
        """Score cards the tools returned, deduplicated by handle, in the order first seen."""
        seen: dict[str, ScoreCard] = {}
        for output in self.outputs():
            if isinstance(output, PlanResult | FlaggedCreators | RosterView | CostTotal):
                found: list[Any] = output.creators
            elif isinstance(output, list):
                found = output
            else:
                found = [output]
            for item in found:
                if isinstance(item, ScoreCard) and item.handle not in seen:
                    seen[item.handle] = item
        return list(seen.values())

    def passages(self) -> list[Passage]:
        """Guidance passages the tools returned, deduplicated, in the order first seen."""
        seen: dict[str, Passage] = {}
        for output in self.outputs():
            if isinstance(output, list):
                for item in output:
                    if isinstance(item, Passage):
                        seen.setdefault(item.chunk_id, item)
        return list(seen.values())


def to_json(value: Any) -> str:
    """Tool output as compact JSON (what the model reads)."""
    if isinstance(value, BaseModel):
        data: Any = value.model_dump(mode="json")
    elif isinstance(value, list):
        data = [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    else:
        data = value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _guarded(fn: Callable[[], Any]) -> str:
    # A user-facing failure (unknown handle, missing index) goes back to the model as
    # text it can act on, rather than ending the run.
    try:
        return to_json(fn())
    except ScoutError as exc:
        return json.dumps({"error": str(exc)})


def langchain_tools(box: ToolBox) -> list[BaseTool]:
    """The tool box as LangChain tools for a tool-calling model. All are read-only."""
    from langchain_core.tools import tool

    @tool(parse_docstring=True)
    def search_guidance(query: str, k: int = 4) -> str:
        """Search the micro-influencer marketing guidance for passages about a strategy topic.

        Use it for any claim about why or how to work with creators; quote the passage
        text word for word, in double quotes.

        Args:
            query: What to look for, e.g. "why micro-influencers have higher engagement".
            k: How many passages to return (1 to 6).
        """
        return _guarded(lambda: box.search_guidance(query, k))

    @tool(parse_docstring=True)
    def find_creators(
        niche: str,
        n: int = 5,
        order_by: RankOrder = "score",
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | list[str] | None = None,
        country: str | list[str] | None = None,
        exclude: list[str] | None = None,
    ) -> str:
        """Rank the roster's creators for a niche, best first, as score cards.

        Flagged creators are left out. Each card has the handle, tier, followers,
        engagement_rate (a fraction: 0.058 means 5.8%), cost_per_engagement, rate_usd
        (per post; 0 means no rate on file, not free), score (0-100) and a breakdown of
        components with one-line reasons.

        Args:
            niche: The campaign's niche or brief, e.g. "vegan fitness".
            n: How many creators to return (1 to 10).
            order_by: "score" (best first) or "rate" (cheapest rate_usd first, for "who is
                cheapest"; equal rates by score; creators with no rate on file come last).
            min_followers: Only creators with at least this many followers.
            max_followers: Only creators with at most this many followers.
            platform: Only creators on this platform: instagram, tiktok, youtube or threads;
                a list for any of several, e.g. ["instagram", "tiktok"] for "Instagram or
                TikTok".
            country: Only creators whose audience is mostly in this country, as an ISO
                code, e.g. "GB" for the UK, "US"; a list for any of several, e.g. ["GB",
                "US"] for "the UK or the US".
            exclude: Optional creators to leave out: platforms ("tiktok"), audience
                countries as ISO codes ("US") or niche tags ("fitness"), for "not on
                TikTok", "not fitness".
        """
        return _guarded(
            lambda: box.find_creators(
                niche,
                n,
                order_by,
                min_followers,
                max_followers,
                platform,
                country,
                exclude or (),
            )
        )

    @tool(parse_docstring=True)
    def closest_creators(niche: str, n: int = 5) -> str:
        """When find_creators finds no one for a niche that combines several interests
        ("eco fitness"): the unflagged creators who fit part of it, best fit first, as
        score cards. Empty when someone fits the whole niche (use find_creators then).

        Say plainly that none fits the whole niche; each card's niche_fit reason says
        which part it matches.

        Args:
            niche: The campaign's niche or brief, e.g. "eco fitness".
            n: How many creators to return (1 to 10).
        """
        return _guarded(lambda: box.closest_creators(niche, n))

    @tool(parse_docstring=True)
    def browse_roster(
        niche: str | None = None,
        sort_by: RosterSort = "score",
        ascending: bool = False,
        n: int = 5,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | list[str] | None = None,
        country: str | list[str] | None = None,
        exclude: list[str] | None = None,
        max_rate: float | None = None,
    ) -> str:
        """Count and list the roster's creators across all niches, or those that pass
        the filters given, ordered by a metric.

        Use it for questions about the roster as a whole: "how many creators do we have?",
        "which creator has the highest engagement rate?", "who has the most followers?",
        "who's on TikTok?", "creators under $300 a post", "who grew the fastest?", "who has
        the most views?". Returns `total` (the whole roster), `matching` (creators passing
        the filters, flagged ones included), `flagged` (how many of those carry a flag),
        `flagged_by_code` (those per flag code), `by_platform` (matching creators per
        platform) and `creators` (the first n score cards in order; flagged creators are
        left out of it: say so, e.g. that fast growers flagged growth_spike are left out).
        Without a niche, scores leave niche fit out.

        Args:
            niche: Optional niche; only creators who fit it.
            sort_by: "score", "engagement_rate", "followers", "rate" (rate per post),
                "cost_per_engagement" (value for money: with ascending, lowest first),
                "follower_growth_30d" (who grew fastest in 30 days) or "avg_views"
                (average views per post; creators with views unknown come last).
            ascending: Lowest first ("cheapest", "fewest followers") instead of highest.
            n: How many creators to list (1 to 10).
            min_followers: Only creators with at least this many followers.
            max_followers: Only creators with at most this many followers.
            platform: Only creators on this platform: instagram, tiktok, youtube or threads;
                a list for any of several, e.g. ["instagram", "tiktok"] for "Instagram or
                TikTok".
            country: Only creators whose audience is mostly in this country, as an ISO
                code, e.g. "GB" for the UK, "US"; a list for any of several, e.g. ["GB",
                "US"] for "the UK or the US".
            exclude: Optional creators to leave out: platforms ("tiktok"), audience
                countries as ISO codes ("US") or niche tags ("fitness"), for "not on
                TikTok", "not fitness".
            max_rate: Only creators whose rate per post (USD) is on file and at most this.
        """
        return _guarded(
            lambda: box.browse_roster(
                niche,
                sort_by,
                ascending,
                n,
                min_followers,
                max_followers,
                platform,
                country,
                exclude or (),
                max_rate,
            )
        )

    @tool(parse_docstring=True)
    def find_flagged_creators(
        niche: str | None = None, codes: list[str] | None = None, n: int = MAX_CREATORS
    ) -> str:
        """List the roster's creators that carry flags (warning signs), most flags first,
        then least authentic.

        Use it for questions about suspicious, fake or bought followers, red flags,
        over-sponsored creators or who to avoid. Returns `total` (how many are flagged),
        `creators` (score cards; each flag has its code and reason) and `rules` (what
        raises each flag).

        Args:
            niche: Optional niche; only creators who fit it.
            codes: Optional flag codes to look for: over_sponsored, growth_spike (sudden
                follower growth, possibly bought followers), engagement_anomaly (few comments
                per like with very high engagement, possibly bought likes). Omit for any flag.
            n: How many creators to return (1 to 10).
        """
        return _guarded(lambda: box.find_flagged_creators(niche, codes or (), n))

    @tool(parse_docstring=True)
    def score_creator(handle: str, niche: str | None = None) -> str:
        """Score one creator from the roster and explain the score.

        Args:
            handle: The creator's handle, starting with @, e.g. "@greenlifts".
            niche: Optional niche to judge fit against.
        """
        return _guarded(lambda: box.score_creator(handle, niche))

    @tool(parse_docstring=True)
    def compare_creators(handles: list[str], niche: str | None = None) -> str:
        """Compare two or more creators side by side, best first.

        Args:
            handles: The handles to compare, each starting with @.
            niche: Optional niche to judge fit against.
        """
        return _guarded(lambda: box.compare_creators(handles, niche))

    @tool(parse_docstring=True)
    def plan_campaign(
        niche: str,
        budget: float,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | list[str] | None = None,
        country: str | list[str] | None = None,
        exclude: list[str] | None = None,
    ) -> str:
        """Choose the set of unflagged creators for a niche that maximises expected
        engagements per post with total rate within the budget (exact optimisation).

        Args:
            niche: The campaign's niche, e.g. "vegan fitness".
            budget: The total budget in US dollars, e.g. 5000.
            min_followers: Only creators with at least this many followers.
            max_followers: Only creators with at most this many followers.
            platform: Only creators on this platform: instagram, tiktok, youtube or threads;
                a list for any of several, e.g. ["instagram", "tiktok"] for "Instagram or
                TikTok".
            country: Only creators whose audience is mostly in this country, as an ISO
                code, e.g. "GB" for the UK, "US"; a list for any of several, e.g. ["GB",
                "US"] for "the UK or the US".
            exclude: Optional creators to leave out: platforms ("tiktok"), audience
                countries as ISO codes ("US") or niche tags ("fitness"), for "not on
                TikTok", "not fitness".
        """
        return _guarded(
            lambda: box.plan_campaign(
                niche, budget, min_followers, max_followers, platform, country, exclude or ()
            )
        )

    @tool(parse_docstring=True)
    def read_shortlist(campaign: str | None = None) -> str:
        """Read a campaign's shortlist (read-only), or list the campaigns that have one.

        Questions can never change a shortlist: people do that with the Add button or
        the /scout shortlist command.

        Args:
            campaign: The campaign name; omit it to list the campaigns.
        """
        return _guarded(lambda: box.read_shortlist(campaign))

    @tool(parse_docstring=True)
    def follower_tiers(followers: int | None = None) -> str:
        """The creator tiers by follower count (nano, micro, mid, macro, mega) that score
        cards use, and the guidance's micro-influencer range.

        Use it for questions like "what's the difference between nano and micro?" or
        "what tier is 120k followers?".

        Args:
            followers: Optional follower count to place in a tier.
        """
        return _guarded(lambda: box.follower_tiers(followers))

    @tool(parse_docstring=True)
    def scoring_method() -> str:
        """How the 0-100 creator score is made: each component with its weight (with and
        without a niche in the question) and what it measures, the flag rules, and the niche
        fit needed to count as fitting a brief.

        Use it for "how is the score calculated?" or "what does the score mean?".
        """
        return _guarded(box.scoring_method)

    @tool(parse_docstring=True)
    def engagement_benchmarks(platform: str | None = None, followers: int | None = None) -> str:
        """The published engagement-rate benchmarks the scores compare creators with, by
        platform and follower band (low and high are fractions: 0.0084 means 0.84%; each
        band says whether it is per follower or per view, and its source).

        Use it for "what's a good engagement rate for a 20k Instagram account?" or "what's
        the average engagement rate on TikTok?".

        Args:
            platform: Optional platform: instagram, tiktok, youtube or threads.
            followers: Optional follower count; only the band it falls in, per platform.
        """
        return _guarded(lambda: box.engagement_benchmarks(platform, followers))

    @tool(parse_docstring=True)
    def typical_rates(
        niche: str | None = None,
        platform: str | list[str] | None = None,
        min_followers: int | None = None,
        max_followers: int | None = None,
        country: str | list[str] | None = None,
        exclude: list[str] | None = None,
        rate: float | None = None,
    ) -> str:
        """What comparable creators on the roster charge per post: how many unflagged
        creators with a rate on file are within the limits, the median, lowest and highest
        rate_usd, and the median cost per engagement (all in USD). `enough` is false when
        too few are comparable to call a going rate: say so. Given a rate, also how many of
        them charge less (charging_less) and how many more (charging_more).

        Use it for "what should we pay a 10k creator?", "what's a fair rate for a 50k
        Instagram creator?" or "is $300 too much for a 20k creator?". For a creator of
        about N followers, ask for N/2 to 3N/2.

        Args:
            niche: Optional niche the creators should fit, e.g. "skincare".
            platform: Optional platform (instagram, tiktok, youtube or threads), or a list
                of them (any will do).
            min_followers: Only creators with at least this many followers.
            max_followers: Only creators with at most this many followers.
            country: Only creators whose audience is mostly in this country (ISO code, e.g.
                "GB"), or a list of them (any will do).
            exclude: Optional platforms, audience countries (ISO codes) or niche tags to
                leave out, for "not on TikTok", "not fitness".
            rate: Optional rate per post in USD to weigh against theirs ("is $300 fair?").
        """
        return _guarded(
            lambda: box.typical_rates(
                niche, platform, min_followers, max_followers, country, exclude or (), rate
            )
        )

    @tool(parse_docstring=True)
    def total_cost(handles: list[str], niche: str | None = None) -> str:
        """What one post from each of these creators costs in total: their score cards,
        total_cost (the rates per post added up, USD), expected_engagements, and the handles
        with no rate on file (left out of the total, not free).

        Use it for "how much would all of them cost?" after a list of creators.

        Args:
            handles: The creators' handles, e.g. ["@greenrunner", "@tofu.tempo"].
            niche: Optional niche to score them for, as the list they came from was.
        """
        return _guarded(lambda: box.total_cost(handles, niche))

    @tool(parse_docstring=True)
    def roster_stats(
        niche: str | None = None,
        min_followers: int | None = None,
        max_followers: int | None = None,
        platform: str | list[str] | None = None,
        country: str | list[str] | None = None,
        exclude: list[str] | None = None,
    ) -> str:
        """The roster's own figures: how many creators (flagged ones included), the median
        and mean followers, and per platform the median and mean engagement rate by
        followers (fractions: 0.021 means 2.1%), by views where views are known, and
        median_benchmark_ratio (each creator's like-for-like rate over their published
        band's midpoint: per follower on Instagram, per view on TikTok and YouTube).

        Use it for "what's the average engagement rate on our roster?" or "average
        followers of our creators?"; engagement_benchmarks is for published norms. Say
        whether a figure is a median or a mean, and per follower or per view.

        Args:
            niche: Optional niche; only creators who fit it.
            min_followers: Only creators with at least this many followers.
            max_followers: Only creators with at most this many followers.
            platform: Optional platform (instagram, tiktok, youtube or threads), or a list
                of them (any will do).
            country: Only creators whose audience is mostly in this country (ISO code, e.g.
                "GB"), or a list of them (any will do).
            exclude: Optional platforms, audience countries (ISO codes) or niche tags to
                leave out, for "not on TikTok", "not fitness".
        """
        return _guarded(
            lambda: box.roster_stats(
                niche, min_followers, max_followers, platform, country, exclude or ()
            )
        )

    return [
        search_guidance,
        find_creators,
        closest_creators,
        browse_roster,
        find_flagged_creators,
        score_creator,
        compare_creators,
        plan_campaign,
        read_shortlist,
        follower_tiers,
        engagement_benchmarks,
        scoring_method,
        typical_rates,
        total_cost,
        roster_stats,
    ]
