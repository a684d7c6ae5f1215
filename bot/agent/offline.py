"""The offline planner: route a question to the tools and compose the answer from their outputs.

Deterministic and model-free. Every number it writes is read off a tool output and every
quote is a sentence taken from a retrieved guidance passage; `answer.py` verifies both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from bot.agent.models import Citation
from bot.agent.routing import Context, Intent, Limits, Route, context_from, route
from bot.agent.tools import MAX_CREATORS, ToolBox
from bot.errors import NotReadyError, ScoutError
from bot.knowledge.analysis import index_tokens, tokens
from bot.knowledge.models import Passage
from bot.scoring.metrics import FLAG_CODES, sub_cent
from bot.scoring.models import (
    BenchmarkBand,
    EngagementBenchmarks,
    FlaggedCreators,
    PlanResult,
    PlatformStats,
    RateSummary,
    RosterView,
    ScoreCard,
    one_or_more,
)
from bot.scoring.roster import closest_handle

EXAMPLES = """\
You can ask me things like:
- "who should we partner with for vegan fitness?"
- "score @handle" or "compare @one and @two for skincare"
- "plan vegan fitness with a $BUDGET budget" (or "BUDGET dollars", "budget of BUDGET")
- "who is the cheapest skincare creator?" or "any flagged fitness creators?"
- "how many creators do we have?" or "who has the highest engagement rate?"
- "what's on the spring launch shortlist?"
- "why micro-influencers?" or "how should we pick creators?"
In a thread, follow up with "and with a budget of $BUDGET?" or "what about @handle instead?"."""

SHORTLIST_HOW = (
    "Shortlists change only when someone acts: the **Add to shortlist** button on an answer, "
    "or `/scout shortlist add|remove CAMPAIGN @handle`."
)
FOREIGN_BUDGET_NOTE = (
    "I plan budgets in US dollars and don't convert currencies: give me the budget in USD "
    '(e.g. "$BUDGET") and I\'ll pick the best set within it.'
)
INGEST_NOTE = "Guidance quotes are unavailable until the index is built: run `scout ingest`."

# Retrieval queries that find the guidance behind each kind of answer.
_GUIDANCE_QUERY = {
    Intent.RECOMMEND: "why smaller niche micro-influencers win: higher engagement, authenticity "
    "and trust with a loyal community",
    Intent.PLAN: "cost-effective affordable budget: working with several micro-influencers "
    "gives better return on investment",
    Intent.SCORE: "engagement rate and authenticity matter more than follower count",
    Intent.COMPARE: "engagement rate and authenticity matter more than follower count",
}
# What the guidance says about what micro-creators cost.
_PRICING_QUERY = "micro-influencers lower collaboration fees cost-efficient fraction of the cost"
# What the guidance says about each kind of warning sign: ads, or numbers that may be bought.
_PROMOTIONAL_QUERY = "audiences grow skeptical of overly promotional posts"
_FAKE_NUMBERS_QUERY = "real influence grows from trust, not numbers"


def _flag_query(codes: Sequence[str]) -> str:
    """The guidance search for why flags matter: ads for any flag or `over_sponsored`,
    else numbers that may be bought."""
    promotional = not codes or "over_sponsored" in codes
    return _PROMOTIONAL_QUERY if promotional else _FAKE_NUMBERS_QUERY


# "help", "/scout help", "what can you do?": a plain request for help, not a question we
# failed to place.
_HELP_REQUEST = re.compile(
    r"^\W*(?:scout\s+)?(?:help|usage|commands|what can (?:you|i) (?:do|ask)"
    r"|what do you do)\W*$"
)
# "thanks!", "thank you, great": the end of a thread, not a question we failed to place.
_THANKS = re.compile(
    r"^\W*(?:(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|got it|ok(?:ay)?)"
    r"(?: (?:so much|a lot|again))?\W*)+$"
)
# "hi", "good morning", "hey there!": a greeting, answered as one.
_GREETING = re.compile(
    r"^\W*(?:hi|hey|hello|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|team|scout|all|everyone|folks))?\W*$"
)
_WHICH_NICHES = re.compile(r"\b(?:which|what)\s+(?:niches|categories|verticals)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Below this a sentence shares too little with the question to be worth quoting as well.
MIN_QUOTE_SCORE = 2.0
MAX_LEFT_OUT_NAMED = 5  # a plan answer names this many creators it could not plan
_FIRST_PERSON = re.compile(r"\b(I|I’ve|I've|I’m|I'm|my|me)\b")
_ASIDE = re.compile(r"(So,|Whether|Here’s|Here's|Let’s|Let's|Think|In this|But who)\b")
_ADVICE = re.compile(
    r"(Look|Focus|Embrace|Choose|Build|Partner|Work with|Prioriti[sz]e|Check|Avoid|Start|Treat)\b"
)


# What the guidance says makes micro-creators worth it (as search terms, see `_terms`).
_VALUE_TERMS = frozenset(
    tokens(
        "engagement trust authentic niche loyal convert cost affordable community relatable "
        "genuine quality focus interaction audience results"
    )
)


@dataclass
class Draft:
    """An answer before grounding; `footer` is fixed usage text with no tool data in it."""

    answer: str
    citations: list[Citation] = field(default_factory=list)
    creators: list[ScoreCard] = field(default_factory=list)
    footer: str = ""
    note: str | None = None


# -- formatting -------------------------------------------------------------------------
def followers(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1_000:
        return f"{count / 1_000:.1f}k"
    return str(count)


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


def usd(amount: float) -> str:
    if 0 < amount < 0.01:
        return sub_cent(amount)
    return f"${amount:,.2f}" if amount < 100 else f"${amount:,.0f}"


PLATFORM_NAMES = {
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "threads": "Threads",
}


# How answers name the audience countries questions can ask for (routing.COUNTRIES).
COUNTRY_NAMES = {
    "GB": "the UK", "US": "the US", "CA": "Canada", "AU": "Australia", "NZ": "New Zealand",
    "IE": "Ireland", "FR": "France", "DE": "Germany", "ES": "Spain", "IT": "Italy",
    "NL": "the Netherlands", "BR": "Brazil", "MX": "Mexico", "IN": "India", "JP": "Japan",
}  # fmt: skip


def either(names: Sequence[str]) -> str:
    """ "TikTok", "Instagram or TikTok", "the UK, the US or Canada" ("" for none)."""
    return "".join(names) if len(names) < 2 else ", ".join(names[:-1]) + " or " + names[-1]


def platform_names(routed: Route) -> str:
    """The platforms a question asks for, as words: "Instagram or TikTok" ("" for none)."""
    return either([PLATFORM_NAMES.get(p, p) for p in one_or_more(routed.platform)])


def excluded_names(routed: Route) -> str:
    """What a question rules out, as words: "TikTok and fitness" ("" for nothing)."""
    names = [PLATFORM_NAMES.get(term, COUNTRY_NAMES.get(term, term)) for term in routed.exclude]
    return names[0] if len(names) < 2 else ", ".join(names[:-1]) + " and " + names[-1]


def excluding(routed: Route) -> str:
    """ ", excluding TikTok and fitness" for a question that rules creators out, else ""."""
    return f", excluding {excluded_names(routed)}" if routed.exclude else ""


def audience_in(routed: Route) -> str:
    """ " with audiences mostly in the UK" for a question about a country, else ""."""
    if routed.country is None:
        return ""
    places = either([COUNTRY_NAMES.get(code, code) for code in one_or_more(routed.country)])
    return f" with audiences mostly in {places}"


def growth(card: ScoreCard) -> str:
    """ "+12.0% followers in 30 days" """
    return f"{card.follower_growth_30d:+.1%} followers in 30 days"


def views(card: ScoreCard) -> str:
    """ "52.3k views a post", or that views are unknown."""
    if card.avg_views is None:
        return "views unknown"
    return f"{followers(round(card.avg_views))} views a post"


def handles_list(cards: Sequence[ScoreCard]) -> str:
    names = [c.handle for c in cards]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def left_out(plan: PlanResult) -> str:
    """A sentence naming the fitting creators the plan could not consider (no rate on
    file), so nobody wonders why a strong fit is missing; empty when there are none."""
    if not plan.skipped:
        return ""
    shown = [f"{s.handle} ({s.reason})" for s in plan.skipped[:MAX_LEFT_OUT_NAMED]]
    more = len(plan.skipped) - len(shown)
    named = ", ".join(shown) + (f" and {more} more" if more else "")
    return f" Left out, though they fit: {named}."


def follower_limit(routed: Route) -> str:
    """The platform asked for and a note that the question's follower limit applies, or "".
    The limit's figures are the user's, not a tool's, so the answer does not repeat them."""
    bounded = routed.min_followers is not None or routed.max_followers is not None
    on = f" on {platform_names(routed)}" if routed.platform else ""
    limit = f" (in the {routed.tier} tier)" if routed.tier else ""
    limit = limit or (" (within your follower limit)" if bounded else "")
    return on + audience_in(routed) + limit + excluding(routed)


def _bounds(routed: Route) -> Limits:
    """What narrows the tools' lists and plans besides the niche."""
    return {
        "min_followers": routed.min_followers,
        "max_followers": routed.max_followers,
        "platform": routed.platform,
        "country": routed.country,
        "exclude": routed.exclude,
    }


def band_range(band: BenchmarkBand) -> str:
    """ "0.84% to 1.11% per follower" """
    return f"{band.low * 100:.2f}% to {band.high * 100:.2f}% per {band.definition}"


def weighed_rate(rates: RateSummary) -> str | None:
    """Where the rate asked about falls among what comparable creators charge ("**$300 a
    post is more than most comparable creators on your roster charge:** 38 of the 46 charge
    less, 5 charge more."), or None when no rate was asked about."""
    if rates.rate is None or rates.charging_less is None or rates.charging_more is None:
        return None
    asked = f"{usd(rates.rate)} a post"
    less, more = rates.charging_less, rates.charging_more
    if rates.comparable == 1:
        than = "more than" if less else "less than" if more else "exactly what"
        return f"**{asked} is {than} the one comparable creator on your roster charges.**"
    if rates.comparable in (less, more):
        than = "more" if less else "less"
        return (
            f"**{asked} is {than} than any of the {rates.comparable:,} comparable creators on "
            "your roster charges.**"
        )
    if less > rates.comparable / 2:
        verdict = "more than most comparable creators on your roster charge"
    elif more > rates.comparable / 2:
        verdict = "less than most comparable creators on your roster charge"
    else:
        verdict = "about the middle of what comparable creators on your roster charge"
    same = rates.charging_same or 0
    same_text = f", {same:,} {'charges' if same == 1 else 'charge'} exactly that" if same else ""
    return (
        f"**{asked} is {verdict}:** {less:,} of the {rates.comparable:,} charge less, "
        f"{more:,} charge more{same_text}."
    )


def roster_filters(routed: Route) -> tuple[str, str]:
    """What narrows a roster question, as (what the creators do, which creators): ("fit
    fitness on TikTok", "TikTok creators who fit fitness"); ("", "creators") for none."""
    platform = platform_names(routed)
    limits = [audience_in(routed)] if routed.country else []
    if routed.exclude:
        limits.append(excluding(routed))
    if routed.min_followers is not None or routed.max_followers is not None:
        limits.append(
            f" in the {routed.tier} tier" if routed.tier else " within your follower limit"
        )
    if routed.max_rate is not None:
        limits.append(f" at {usd(routed.max_rate)} a post or less")
    if routed.niche:
        does = f"fit {routed.niche}" + (f" on {platform}" if platform else "")
        which = f"{platform} creators".lstrip() + f" who fit {routed.niche}"
    elif platform:
        does, which = f"are on {platform}", f"{platform} creators"
    elif routed.country:
        # "have audiences mostly in the UK", "creators with audiences mostly in the UK"
        does = "have" + audience_in(routed).removeprefix(" with")
        return does + "".join(limits[1:]), "creators" + "".join(limits)
    elif routed.exclude:  # "remain once you exclude Instagram"
        rest = [limit for limit in limits if limit != excluding(routed)]
        does = "remain" + "".join(rest) + f" once you exclude {excluded_names(routed)}"
        return does, "creators" + "".join(limits)
    elif limits:
        does, which = "are", "creators"
    else:
        return "", "creators"
    return does + "".join(limits), which + "".join(limits)


def _count_of(count: int, noun: str = "creator") -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _singular(does: str) -> str:
    """ "fit skincare" -> "fits skincare", "are on TikTok" -> "is on TikTok"."""
    verb, _, rest = does.partition(" ")
    verb = {"are": "is", "fit": "fits", "have": "has", "remain": "remains"}.get(verb, verb)
    return f"{verb} {rest}".rstrip()


def roster_lead(view: RosterView, routed: Route) -> str:
    """The first line of a roster answer: the count, or who comes first by the number asked."""
    does, which = roster_filters(routed)
    platforms = [
        f"{count:,} on {PLATFORM_NAMES.get(name, name)}" for name, count in view.by_platform.items()
    ]
    if routed.counting or not view.creators:
        if does:
            does = _singular(does) if view.matching == 1 else does
            lead = f"**{view.matching:,} of your {_count_of(view.total)} {does}**"
        else:
            lead = f"**You have {_count_of(view.total)} on the roster**"
        if len(platforms) > 1:
            lead += ": " + ", ".join(platforms[:-1]) + " and " + platforms[-1] + "."
        else:
            lead += "."
        if view.flagged:
            verb, be = ("carries", "is") if view.flagged == 1 else ("carry", "are")
            lead += (
                f" {view.flagged:,} of them {verb} a flag and {be} left out of "
                "recommendations and plans."
            )
        return lead
    first = view.creators[0]
    where = f"among your {which}" if does else "on the roster"
    match view.sort_by:
        case "engagement_rate":
            most = "lowest" if view.ascending else "highest"
            value = percent(first.engagement_rate)
            return f"**{first.handle} has the {most} engagement rate {where}, {value}.**"
        case "followers":
            most = "fewest" if view.ascending else "most"
            size = followers(first.followers)
            return f"**{first.handle} has the {most} followers {where}, {size}.**"
        case "score" if routed.niche or routed.max_rate is not None:
            # "our top skincare creator under $1,000 a post"
            verb = "scores lowest" if view.ascending else "scores best"
            return (
                f"**{first.handle} {verb} {where}**, {first.score:.0f}/100 "
                f"({_count_of(view.matching)} in all)."
            )
        case "cost_per_engagement" if first.cost_per_engagement is not None:
            most = "least" if view.ascending else "most"
            cost = usd(first.cost_per_engagement)
            return (
                f"**{first.handle} costs the {most} per engagement {where}, {cost}** "
                f"({usd(first.rate_usd)} a post for about {first.engagements_per_post:,.0f} "
                "engagements)."
            )
        case "follower_growth_30d":
            most = "the least" if view.ascending else "the fastest"
            # A faster grower may carry growth_spike: the lead must not claim the whole roster.
            aside = ", flagged creators aside" if view.flagged else ""
            return f"**{first.handle} grew {most} {where}{aside}: {growth(first)}.**"
        case "avg_views" if first.avg_views is not None:
            most = "fewest" if view.ascending else "most"
            return f"**{first.handle} gets the {most} views {where}: {views(first)} on average.**"
        case "rate":
            priced = [c for c in view.creators if c.rate_usd > 0]
            if not priced:
                return f"**No creator {where} has a rate on file.**"
            tied = [c for c in priced if c.rate_usd == priced[0].rate_usd]
            price = usd(priced[0].rate_usd)
            most = "least" if view.ascending else "most"
            if len(tied) > 1:
                lead = f"**{handles_list(tied)} charge the {most} {where}, {price} a post each.**"
                if len(tied) == len(view.creators):
                    lead += " More creators may charge the same."
            elif view.ascending:
                lead = f"**{first.handle} is the cheapest {where}, at {price} a post.**"
            else:
                lead = f"**{first.handle} charges the most {where}, {price} a post.**"
            return lead + f" {_count_of(view.matching)} in all."
    if does:
        return f"**{view.matching:,} of your {_count_of(view.total)} {does}.**"
    return f"**You have {_count_of(view.total)} on the roster.**"


def small_percent(fraction: float) -> str:
    """ "2.1%", or "0.19%" below 1% (YouTube's rates run that low)."""
    return f"{fraction * 100:.2f}%" if fraction < 0.01 else percent(fraction)


def _engagement_line(row: PlatformStats, mean: bool) -> str:
    """One platform's engagement as a bullet: per follower; per view where views are known;
    then the median creator against their band's benchmark, like for like."""
    name = PLATFORM_NAMES[row.platform]
    line = f"- **{name}** ({_count_of(row.creators)}): "
    if row.median_engagement_rate is None or row.mean_engagement_rate is None:
        line += "no follower counts on file"
    else:
        line += f"median {small_percent(row.median_engagement_rate)} per follower"
        if mean:
            line += f", mean {small_percent(row.mean_engagement_rate)}"
    by_views, mean_by_views = row.median_engagement_rate_by_views, row.mean_engagement_rate_by_views
    if row.benchmark_definition == "view" and by_views is not None and mean_by_views is not None:
        known = (
            "" if row.with_views == row.creators else f" ({row.with_views:,} with views on file)"
        )
        line += f"; per view{known}, median {small_percent(by_views)}"
        if mean:
            line += f", mean {small_percent(mean_by_views)}"
    line += "."
    if row.median_benchmark_ratio is not None:
        line += (
            f" At the median, creators run at {row.median_benchmark_ratio:.1f}x the midpoint "
            f"of their own band's per-{row.benchmark_definition} benchmark."
        )
    else:
        line += f" There is no published like-for-like benchmark for {name} to hold it against."
    return line


def why(card: ScoreCard) -> str:
    """The one-line reason behind a card: Scout's summary, else its strongest component."""
    if card.why:
        return card.why[:1].upper() + card.why[1:].rstrip(".") + "."
    if not card.breakdown:
        return ""
    reason = max(card.breakdown, key=lambda c: c.value * c.weight).reason.rstrip(".")
    return reason[:1].upper() + reason[1:] + "."


def warning_signs(card: ScoreCard) -> str:
    """Whether a creator carries any flag: the codes (their reasons are in the creator's
    line), or that none of the flags Scout checks applies."""
    if card.flags:
        codes = " and ".join(f"`{flag.code}`" for flag in card.flags)
        return f"Flagged: {codes}, so left out of my recommendations and plans."
    checked = ", ".join(f"`{code}`" for code in FLAG_CODES.values())
    return f"No warning signs: none of the flags I check ({checked}) applies."


def creator_line(card: ScoreCard, *, rate: bool = False, figure: str = "") -> str:
    """A creator as one Markdown bullet; with `rate`, their rate per post leads, else the
    `figure` given ("+12.0% followers in 30 days")."""
    cost = (
        f", {usd(card.cost_per_engagement)} per engagement"
        if card.cost_per_engagement is not None and not card.why
        else ""
    )
    platform = PLATFORM_NAMES.get(card.platform, card.platform)
    price = f" {usd(card.rate_usd)} a post" if rate else f" {figure}" if figure else ""
    if card.followers:
        line = (
            f"- **{card.handle}**{price} ({card.tier}, {followers(card.followers)} followers on "
            f"{platform}, score {card.score:.0f}/100, "
            f"{percent(card.engagement_rate)} engagement rate{cost}): {why(card)}"
        )
    else:
        # No followers on file: the card's 0.0 rate was never measured, so it is not shown.
        line = (
            f"- **{card.handle}**{price} ({card.tier}, followers unknown, on {platform}, "
            f"score {card.score:.0f}/100{cost}): {why(card)}"
        )
    for flag in card.flags:
        line += f" Caution ({flag.code}): {flag.reason.rstrip('.')}."
    return line


# -- quotes -------------------------------------------------------------------------------
def _terms(text: str) -> set[str]:
    """What search matches on: stemmed content words plus thesaurus concepts, so
    "engaged" meets "engagement" and "risks" meets "challenges"."""
    return set(index_tokens(text))


def _sentences(passage: Passage) -> list[str]:
    found = []
    for line in passage.text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "|", "---")):
            continue
        line = re.sub(r"^(?:[-*•]|\d+\.)\s+", "", line)
        for sentence in _SENTENCE.split(line):
            sentence = sentence.strip()
            if 50 <= len(sentence) <= 320 and not sentence.endswith(("?", ":")):
                found.append(sentence)
    return found


def _sentence_score(
    sentence: str, wanted: set[str], heading: set[str], rank: int, advice: bool
) -> float:
    terms = _terms(sentence)
    # Query words count double, or once when only the sentence's heading has them ("Burnout:
    # ..." under "Challenges They Face"); words for what makes creators worth it break ties;
    # a "how" question prefers advice ("Look for engagement, ..."); anecdotes and asides
    # ("So, next time...") quote badly; higher-ranked passages win the rest. On the
    # retrieval eval's 270 questions, the share whose first quote is one of the writers'
    # answers went from 0.44 (crude six-letter stems, tie-breaking words weighing 1) to 0.53.
    score = (
        2.0 * len(wanted & terms)
        + len(wanted & (heading - terms))
        + 0.5 * len(_VALUE_TERMS & terms)
        - 0.5 * rank
    )
    if advice and _ADVICE.match(sentence):
        score += 2.0
    if _FIRST_PERSON.search(sentence) or _ASIDE.match(sentence):
        score -= 2.0
    return score


def pick_quotes(passages: Sequence[Passage], query: str, limit: int) -> list[Citation]:
    """The best sentences of the top passages for `query`, copied verbatim.

    At most two per passage; beyond the best one, only sentences that say something on
    the question.
    """
    wanted = _terms(query)
    advice = bool(re.search(r"\bhow\b", query.lower()))
    scored = [
        (_sentence_score(sentence, wanted, heading, rank, advice), rank, i, passage, sentence)
        for rank, passage in enumerate(passages)
        for heading in [_terms(passage.heading)]
        for i, sentence in enumerate(_sentences(passage))
    ]
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    picked: list[Citation] = []
    per_passage: dict[str, int] = {}
    for score, _, _, passage, sentence in scored:
        if len(picked) == limit or (picked and score < MIN_QUOTE_SCORE):
            break
        if per_passage.get(passage.chunk_id, 0) < 2:
            per_passage[passage.chunk_id] = per_passage.get(passage.chunk_id, 0) + 1
            picked.append(Citation(source=passage.source, title=passage.title, quote=sentence))
    return picked


def quote_block(citations: Sequence[Citation]) -> str:
    return "\n".join(f"> “{c.quote}” (_{c.title}_)" for c in citations)


# -- the planner --------------------------------------------------------------------------
class OfflinePlanner:
    """Answers from the tools alone: recognise the question, run the tools, write it up."""

    def __init__(
        self,
        known_handles: Sequence[str],
        known_niches: Sequence[str],
        dictionary: Collection[str] = frozenset(),
    ) -> None:
        """`dictionary`: real words, never read as typos of a roster niche; empty, any word
        one edit from one is ("cooks" is books)."""
        self.known_handles = frozenset(h.lower() for h in known_handles)
        self._known_niches = list(known_niches)
        self._dictionary = dictionary

    def context(self, history: Sequence[tuple[str, str]]) -> Context:
        return context_from(
            history,
            known_handles=self.known_handles,
            known_niches=self._known_niches,
            dictionary=self._dictionary,
        )

    def route(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Route:
        return route(
            question,
            known_handles=self.known_handles,
            known_niches=self._known_niches,
            dictionary=self._dictionary,
            context=self.context(history),
        )

    def answer(self, question: str, box: ToolBox, history: Sequence[tuple[str, str]] = ()) -> Draft:
        routed = self.route(question, history)
        try:
            return self._compose(routed, question, box)
        except ScoutError as exc:  # an unknown handle, a missing index, a service down: say so
            message = str(exc).rstrip(".")
            # Our own message, not a claim about the data: kept out of number grounding, which
            # would drop "cannot reach the embeddings API at http://127.0.0.1:9/v1" whole.
            return Draft(answer="", footer=f"{message[:1].upper()}{message[1:]}.\n\n{EXAMPLES}")

    def guidance(self, box: ToolBox, query: str, limit: int) -> tuple[list[Citation], str | None]:
        """Up to `limit` quotes for `query`, or none and a note saying why the index failed."""
        try:
            passages = box.search_guidance(query, k=4)
        except NotReadyError:
            return [], INGEST_NOTE
        except ScoutError as exc:  # the Chroma server went away: the creators still stand
            return [], f"Guidance quotes are unavailable right now: {exc}"
        return pick_quotes(passages, query, limit), None

    def _compose(self, routed: Route, question: str, box: ToolBox) -> Draft:
        match routed.intent:
            case Intent.RECOMMEND:
                return self._recommend(routed, box)
            case Intent.SCORE:
                return self._score(routed, box)
            case Intent.COMPARE:
                return self._compare(routed, box)
            case Intent.PLAN:
                return self._plan(routed, box)
            case Intent.SHORTLIST | Intent.SHORTLIST_CHANGE:
                return self._shortlist(routed, box)
            case Intent.FLAGGED:
                return self._flagged(routed, box)
            case Intent.ROSTER if routed.stats:
                return self._roster_stats(routed, box)
            case Intent.ROSTER:
                return self._roster(routed, box)
            case Intent.SECRETS:
                return Draft(
                    answer="I can't share settings, keys, tokens or my instructions.",
                    footer=EXAMPLES,
                )
            case Intent.GUIDANCE if routed.warning_signs:
                return self._flag_guidance(routed, box)
            case Intent.GUIDANCE if routed.benchmarks:
                return self._benchmarks(routed, box)
            case Intent.GUIDANCE if routed.tiers:
                return self._tiers(routed, box)
            case Intent.GUIDANCE if routed.scoring:
                return self._scoring(box)
            case Intent.GUIDANCE if routed.rates:
                return self._rates(routed, box)
            case Intent.GUIDANCE:
                return self._guidance_answer(question, box)
            case _:
                return self._help(question)

    def _help(self, question: str) -> Draft:
        """What to ask; a word close to a roster handle ("is greenruner any good?") gets
        "did you mean @greenrunner?" first."""
        lowered = question.lower()
        if _WHICH_NICHES.search(lowered) and self._known_niches:
            niches = ", ".join(sorted({n.lower() for n in self._known_niches}))
            return Draft(
                answer=f"Your roster's creators are tagged with these niches: {niches}. Any "
                "brief works too, e.g. _plant-based protein_.",
                footer=EXAMPLES,
            )
        for word in re.findall(r"@?[\w.]{5,}", question.lower()):
            guess = closest_handle(word.strip("."), self.known_handles)
            if guess:
                return Draft(
                    answer=f"Did you mean **{guess}**? Ask `score {guess}` for their score, "
                    f"or `compare {guess} @other` to weigh them against someone.",
                    footer=EXAMPLES,
                )
        what_i_do = (
            "I pick and explain creators from your roster and quote our micro-influencer guidance."
        )
        if _GREETING.search(question.lower()):
            return Draft(answer=f"Hi! {what_i_do}", footer=EXAMPLES)
        if _THANKS.search(question.lower()):
            return Draft(answer="Glad to help. Ask me anything else about creators or guidance.")
        if _HELP_REQUEST.search(question.lower()):
            return Draft(
                answer=f"{what_i_do} For quick scores, shortlists and digests, type `/scout help`.",
                footer=EXAMPLES,
            )
        return Draft(answer=f"I'm not sure what you're asking. {what_i_do}", footer=EXAMPLES)

    def _recommend(self, routed: Route, box: ToolBox) -> Draft:
        draft = self._recommend_niche(routed, box)
        if routed.foreign_budget:
            draft.answer = f"{FOREIGN_BUDGET_NOTE}\n\n{draft.answer}"
        return draft

    def _recommend_niche(self, routed: Route, box: ToolBox) -> Draft:
        if routed.niche is None:
            ask = (
                "Which niche should I find the cheapest creators for?"
                if routed.order == "rate"
                else "Which niche is the campaign for? Tell me and I'll rank the roster for it."
            )
            return Draft(answer=ask, footer=EXAMPLES)
        if routed.order == "rate":
            return self._cheapest(routed, routed.niche, box)
        cards = box.find_creators(routed.niche, n=routed.count, **_bounds(routed))
        scope = routed.niche + follower_limit(routed)
        if not cards:
            guess = self._niche_guess(routed.niche)
            if guess:
                # "sknicare" finds no one: rank for "skincare", and say so.
                draft = self._recommend_niche(routed.model_copy(update={"niche": guess}), box)
                draft.answer = f"I read _{routed.niche}_ as **{guess}**.\n\n{draft.answer}"
                return draft
            if not any(_bounds(routed).values()):
                # Nobody covers the whole brief ("eco fitness"): who covers part of it.
                closest = box.closest_creators(routed.niche, n=routed.count)
                if closest:
                    return self._closest(routed.niche, closest)
            return Draft(answer=f"No creator in the roster fits **{scope}** yet.")
        top = cards[:3]
        quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.RECOMMEND], limit=2)
        lead = (
            f"**For {scope}, start with {handles_list(top)}.** "
            f"They are the best {'fit' if len(top) == 1 else 'fits'} in your roster, scored "
            "on engagement against their "
            "platform's benchmark, authenticity, niche fit and cost, not on reach."
        )
        parts = [lead]
        if quotes:
            parts.append("Why smaller, engaged niche creators win, from the guidance:\n")
            parts[-1] += quote_block(quotes)
        parts.append("**Top picks**\n" + "\n".join(creator_line(c) for c in cards))
        parts.extend(self._completeness(routed, cards, scope))
        parts.append(
            "**Next:** tell me your budget and I'll pick the best set within it (or run "
            f"`/scout plan {routed.niche} $BUDGET`), then add the ones you like with "
            "**Add to shortlist** or `/scout shortlist add CAMPAIGN @handle`."
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, creators=cards, note=note)

    @staticmethod
    def _closest(niche: str, cards: Sequence[ScoreCard]) -> Draft:
        """No creator fits all of `niche`: those who fit part of it, and how to go on."""
        lead = (
            f"**No creator in the roster fits all of {niche}.** The closest fit part of it "
            "(each line says which part), best fit first:"
        )
        return Draft(
            answer="\n\n".join(
                [
                    lead,
                    "\n".join(creator_line(c) for c in cards),
                    "**Next:** rank one part on its own (`/scout rank NICHE`), or pair two "
                    "creators who each cover a part.",
                ]
            ),
            creators=list(cards),
        )

    def _niche_guess(self, niche: str) -> str | None:
        """The niche with mistyped roster niches corrected ("sknicare" -> "skincare"), or
        None when no word of it is a near miss."""
        known = [n.lower() for n in self._known_niches]
        words = niche.split()
        fixed = [
            w if w in known else next(iter(difflib.get_close_matches(w, known, 1, 0.8)), w)
            for w in words
        ]
        return " ".join(fixed) if fixed != words else None

    @staticmethod
    def _completeness(routed: Route, cards: Sequence[ScoreCard], scope: str) -> list[str]:
        """Whether a list is everyone who fits, or was cut at the most one answer lists."""
        if len(cards) < min(routed.count, MAX_CREATORS):
            return [f"That is every unflagged creator on your roster who fits {scope}."]
        if routed.count > MAX_CREATORS:
            # The tool lists at most MAX_CREATORS: a full list says nothing about the rest.
            return ["That is as many as I list in one answer."]
        return []

    def _cheapest(self, routed: Route, niche: str, box: ToolBox) -> Draft:
        """The fits in order of rate per post; a rate of 0 is no rate on file, not free."""
        cards = box.find_creators(niche, n=routed.count, order_by="rate", **_bounds(routed))
        scope = niche + follower_limit(routed)
        if not cards:
            return Draft(answer=f"No unflagged creator in the roster fits **{scope}** yet.")
        priced = [c for c in cards if c.rate_usd > 0]
        unpriced = [c for c in cards if c.rate_usd <= 0]
        if not priced:
            return Draft(
                answer=f"None of the creators who fit **{scope}** has a rate on file, so I "
                f"can't tell who is cheapest: {handles_list(unpriced)}. Add their rates to the "
                f"roster, or ask who is best for {niche} to rank them by score.",
                creators=unpriced,
            )
        cheapest = priced[0]
        tied = [c for c in priced if c.rate_usd == cheapest.rate_usd]
        if len(tied) == 1:
            lead = (
                f"**For {scope}, the cheapest fit is {cheapest.handle}, at "
                f"{usd(cheapest.rate_usd)} a post** (score {cheapest.score:.0f}/100)."
            )
        else:
            lead = (
                f"**For {scope}, the cheapest fits are {handles_list(tied)}, at "
                f"{usd(cheapest.rate_usd)} a post each.**"
            )
            # Everyone listed ties and the list is full: the next ones may tie too.
            if len(tied) == len(cards) >= min(routed.count, MAX_CREATORS):
                lead += " More creators may charge the same."
        lead += (
            " Listed by rate per post, cheapest first (equal rates: higher score first), "
            "each with its score; flagged creators are left out."
        )
        parts = [lead, "\n".join(creator_line(c, rate=True) for c in priced)]
        if unpriced:
            parts.append(f"No rate on file, so not ranked on price: {handles_list(unpriced)}.")
        parts.extend(self._completeness(routed, cards, scope))
        quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.PLAN], limit=1)
        if quotes:
            parts.append("Why a budget goes further with micro-creators:\n" + quote_block(quotes))
        parts.append(
            "**Next:** to weigh price against results, compare cost per engagement (in each "
            "line), or give me a budget and I'll pick the set with the most engagements "
            f"within it (`/scout plan {niche} $BUDGET`)."
        )
        return Draft(
            answer="\n\n".join(parts), citations=quotes, creators=priced + unpriced, note=note
        )

    def _flag_guidance(self, routed: Route, box: ToolBox) -> Draft:
        """What a warning sign is: the flags Scout raises and their thresholds, then why
        they matter from the guidance (its own words on fake numbers are few, so the
        question's words alone quote poorly: "red flag" finds "red carpet events")."""
        report: FlaggedCreators = box.find_flagged_creators(None, routed.flags, n=1)
        rules = "\n".join(f"- `{code}`: {rule}." for code, rule in report.rules.items())
        signs = "signs" if len(report.rules) > 1 else "sign"
        parts = [
            f"**The warning {signs} I flag:**\n" + rules,
            "A high engagement rate alone is never a flag: the best micro-creators run at "
            "several times their benchmark. Flagged creators are left out of my "
            "recommendations and plans.",
        ]
        quotes, note = self.guidance(box, _flag_query(report.codes), limit=1)
        if quotes:
            parts.append("Why it matters, from the guidance:\n" + quote_block(quotes))
        parts.append(
            "**Next:** ask _any flagged creators?_ (or _any flagged <your niche> creators?_) "
            "to see who carries one, with the reason."
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, note=note)

    def _tiers(self, routed: Route, box: ToolBox) -> Draft:
        """The follower tiers the score cards use, where a count the question gives falls,
        and the guidance's own definition of a micro-influencer."""
        table = box.follower_tiers(routed.followers)
        rows = [
            f"- **{band.name}**: {band.min_followers:,} to {band.max_followers:,} followers"
            if band.max_followers is not None
            else f"- **{band.name}**: {band.min_followers:,} followers or more"
            for band in table.tiers
        ]
        parts = ["**Creator tiers by followers** (as on every score card):\n" + "\n".join(rows)]
        if table.followers is not None:
            where = "inside" if table.in_micro_range else "outside"
            parts.append(
                f"{table.followers:,} followers is **{table.tier}**, {where} the guidance's "
                "micro-influencer range."
            )
        low, high = table.micro_range
        parts.append(
            f"The guidance counts {low:,} to {high:,} followers as a micro-influencer; score "
            "cards mark it as `in_micro_range`."
        )
        quotes, note = self.guidance(box, "micro-influencers typically have between followers", 1)
        if quotes:
            parts[-1] += "\n" + quote_block(quotes)
        parts.append(
            "**Next:** ask _who should we partner with for <your niche>?_, with a follower "
            "limit to keep the list within a tier."
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, note=note)

    def _scoring(self, box: ToolBox) -> Draft:
        """How the score is made: its parts, weights and thresholds, and the flags."""
        method = box.scoring_method()
        rows = [
            f"- **{part.name.replace('_', ' ')}** ({part.weight:.0%} of the score"
            + (
                f", {part.weight_without_niche:.0%} when no niche is asked"
                if part.weight_without_niche
                else ", counted only when a niche is asked"
            )
            + f"): {part.measures}."
            for part in method.components
        ]
        parts = [
            f"**Each creator's score (0 to {method.max_score}) is a weighted sum of these "
            "parts, each read from 0 to 1:**\n" + "\n".join(rows),
            "Follower count has no weight of its own: reach is not rewarded for its own sake.",
        ]
        quotes, note = self.guidance(box, "micro-influencers higher engagement rates trust", 1)
        if quotes:
            parts[-1] += " From the guidance:\n" + quote_block(quotes)
        flags = "\n".join(f"- `{code}`: {rule}." for code, rule in method.flags.items())
        parts.append(
            "**Flags are separate from the score:** a flagged creator is left out of rankings "
            "and plans unless you ask for them.\n" + flags
        )
        parts.append(
            "**Next:** `/scout score @handle` shows one creator's parts, each with its value, "
            "weight and a one-line reason."
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, note=note)

    def _rates(self, routed: Route, box: ToolBox) -> Draft:
        """What to pay a creator: what comparable creators on the roster charge per post
        (unflagged, with a rate on file, of about the size, platform, audience country and
        niche asked about, none of those ruled out), said plainly when they are too few, and
        where a rate asked about falls among theirs; then what the guidance says about cost."""
        rates = box.typical_rates(
            routed.niche,
            routed.platform,
            routed.min_followers,
            routed.max_followers,
            routed.country,
            routed.exclude,
            routed.asked_rate,
        )
        one = rates.comparable <= 1  # "no creator", "only 1 creator"
        platform = platform_names(routed)
        which = " ".join(filter(None, ["unflagged", platform, "creator" if one else "creators"]))
        if routed.niche:
            which += f" who {'fits' if one else 'fit'} {routed.niche}"
        if rates.min_followers is not None and rates.max_followers is not None:
            which += f" with {rates.min_followers:,} to {rates.max_followers:,} followers"
        elif rates.max_followers is not None:
            which += f" with up to {rates.max_followers:,} followers"
        elif rates.min_followers is not None:
            which += f" with {rates.min_followers:,} followers or more"
        audience = audience_in(routed)  # "... followers and audiences mostly in the UK"
        which += audience.replace(" with", " and", 1) if " with " in which else audience
        which += excluding(routed) + ("," if routed.exclude else "")
        if rates.median_rate is None or rates.min_rate is None or rates.max_rate is None:
            parts = [
                f"**No {which} on your roster has a rate on file**, so the roster can't say "
                "what such a creator charges."
            ]
        else:
            per_engagement = rates.median_cost_per_engagement
            if one:
                lead = (
                    f"**Only 1 {which} on your roster has a rate on file: "
                    f"{usd(rates.median_rate)} a post**"
                )
                if per_engagement is not None:
                    lead += f", {usd(per_engagement)} per engagement"
            else:
                lead = (
                    f"**{rates.comparable:,} {which} on your roster have a rate on file: the "
                    f"median is {usd(rates.median_rate)} a post** ({usd(rates.min_rate)} to "
                    f"{usd(rates.max_rate)})"
                )
                if per_engagement is not None:
                    lead += f", and the median cost per engagement {usd(per_engagement)}"
            parts = [lead + "."]
            if not rates.enough:
                parts[0] += (
                    " **That is too few comparable creators to call a going rate**: treat it "
                    "as a rough guide, or widen the size, platform or niche."
                )
            parts.append(
                "These are the rates on your roster, not market prices; what a post is worth "
                "shows in its cost per engagement, not in the rate alone."
            )
            weighed = weighed_rate(rates)
            if weighed:
                parts.insert(0, weighed)
        quotes, note = self.guidance(box, _PRICING_QUERY, limit=2)
        if quotes:
            parts.append("What the guidance says about cost:\n" + quote_block(quotes))
        parts.append(
            "**Next:** ask _who is the cheapest <niche> creator?_ or _best value for money?_, "
            "or give me a budget and I'll pick the set with the most engagements within it."
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, note=note)

    def _benchmarks(self, routed: Route, box: ToolBox) -> Draft:
        """What engagement rate to expect: the published bands Scout scores against, for the
        platform and follower count asked about (without a count, the micro-influencer
        bands), then why engagement matters from the guidance."""
        asked = routed.platform if isinstance(routed.platform, str) else None  # one, as routed
        table: EngagementBenchmarks = box.engagement_benchmarks(asked, routed.followers)
        platform = platform_names(routed)
        bands = table.bands
        if table.followers is None:
            # The guidance's micro-influencers: up to 100k followers.
            bands = [b for b in bands if b.max_followers is not None and b.max_followers <= 100_000]
        if not bands:
            return Draft(
                answer=f"I have no published engagement-rate benchmark for {platform}, so I "
                f"can't say what is typical there; {platform} creators' lines show their rate "
                "without a benchmark.",
                footer=EXAMPLES,
            )
        parts = []
        if table.followers is not None and len(bands) == 1:
            band = bands[0]
            parts.append(
                f"**For {band.label} accounts, a typical engagement rate is "
                f"{band_range(band)}** ({band.source.split(' (')[0]}). I score each "
                "creator against their own band, so above it is better than typical."
            )
        else:
            size = f"{table.followers:,} followers" if table.followers is not None else ""
            scope = " and ".join(filter(None, [platform, size])) or "micro-influencers"
            by_platform: dict[str, list[BenchmarkBand]] = {}
            for band in bands:
                by_platform.setdefault(band.platform, []).append(band)
            lines = [
                f"- **{PLATFORM_NAMES.get(name, name)}** ({rows[0].source.split(' (')[0]}): "
                + "; ".join(f"{b.label.split(' ', 1)[1]} {band_range(b)}" for b in rows)
                for name, rows in by_platform.items()
            ]
            parts.append(
                f"**Typical engagement rates for {scope}**, by follower band (I score "
                "each creator against their own band):\n" + "\n".join(lines)
            )
        if not routed.platform:
            parts.append(
                "Instagram's figures are engagements per follower, TikTok's and YouTube's per "
                "view, so compare a creator with their own platform's band."
            )
        quotes, note = self.guidance(box, "micro-influencers higher engagement rates", limit=1)
        if quotes:
            parts.append("Why engagement matters more than reach:\n" + quote_block(quotes))
        parts.append(
            "**Next:** ask _score @handle_ to see a creator's rate against their band, or "
            "_which creator has the highest engagement rate?_"
        )
        return Draft(answer="\n\n".join(parts), citations=quotes, note=note)

    def _flagged(self, routed: Route, box: ToolBox) -> Draft:
        """The creators that carry the flags asked about, with each flag's reason."""
        report: FlaggedCreators = box.find_flagged_creators(routed.niche, routed.flags)
        kinds = f" for {' or '.join(f'`{code}`' for code in report.codes)}" if report.codes else ""
        rules = "What raises " + ("each flag" if len(report.rules) > 1 else "it") + ": "
        rules += "; ".join(f"`{code}`: {rule}" for code, rule in report.rules.items()) + "."
        one = report.total == 1
        if report.niche:
            where = f"who {'fit' if report.total > 1 else 'fits'} {report.niche}"
        else:
            where = "on the roster"
        if report.total == 0:
            flagged = f"is flagged{kinds}" if kinds else "carries a flag"
            return Draft(answer=f"**No creator {where} {flagged}.**\n\n{rules}")
        lead = (
            f"**{report.total} {'creator' if one else 'creators'} {where} "
            f"{'is' if one else 'are'} flagged{kinds}.**"
        )
        order = "most flags first, then the least authentic (lowest authenticity score)"
        cut = report.total > len(report.creators)
        if cut:
            lead += f" The first {len(report.creators)}, {order}:"
        elif len(report.creators) > 1:
            lead += f" {order.capitalize()}:"
        parts = [lead, "\n".join(creator_line(c) for c in report.creators), rules]
        # What would narrow a cut list down: whichever of a niche and a warning sign the
        # question left out ("over-sponsored creators" is not told to name a warning sign).
        narrowers = [
            narrower
            for narrower, missing in (
                ("a niche", report.niche is None),
                ("a warning sign (fake followers, over-sponsored)", not report.codes),
            )
            if missing
        ]
        if cut and narrowers:
            parts.append(f"Name {' or '.join(narrowers)} to narrow it down.")
        parts.append(
            "Flagged creators are left out of my recommendations and plans; "
            "`score @handle` shows one creator's full breakdown."
        )
        quotes, note = self.guidance(box, _flag_query(report.codes), limit=1)
        if quotes:
            parts.append("Why it matters, from the guidance:\n" + quote_block(quotes))
        return Draft(
            answer="\n\n".join(parts), citations=quotes, creators=report.creators, note=note
        )

    def _roster(self, routed: Route, box: ToolBox) -> Draft:
        """The roster as a whole, or the part a niche, platform, follower limit or rate cap
        picks out: how many creators, and the first few by the number asked about."""
        view: RosterView = box.browse_roster(
            routed.niche,
            routed.sort_by,
            routed.ascending,
            n=3 if routed.counting and routed.sort_by == "score" else routed.count,
            max_rate=routed.max_rate,
            **_bounds(routed),
        )
        if view.matching == 0:
            does, _ = roster_filters(routed)
            return Draft(answer=f"**None of your creators {does}.**", footer=EXAMPLES)
        cards = view.creators
        parts = [roster_lead(view, routed)]
        if cards:
            heading = {
                "score": ("By score, lowest first" if view.ascending else "The best by score")
                + ("" if routed.niche else " (no niche to fit)"),
                "engagement_rate": "By engagement rate per follower",
                "followers": "By followers",
                "rate": "By rate per post",
                "cost_per_engagement": "By cost per engagement",
                "follower_growth_30d": "By follower growth over 30 days",
                "avg_views": "By average views per post",
            }[view.sort_by]
            if view.sort_by != "score":
                heading += ", " + ("lowest" if view.ascending else "highest") + " first"
            figure = {"follower_growth_30d": growth, "avg_views": views}.get(view.sort_by)
            parts.append(
                f"{heading}:\n"
                + "\n".join(
                    creator_line(
                        c,
                        rate=view.sort_by in ("rate", "cost_per_engagement"),
                        figure=figure(c) if figure else "",
                    )
                    for c in cards
                )
            )
        if view.sort_by == "engagement_rate":
            parts.append(
                "Engagement rates run differently by platform, so each line also compares the "
                "creator with their own platform's benchmark."
            )
        spiked = view.flagged_by_code.get("growth_spike", 0)
        if view.flagged and not routed.counting:
            left = "creator carries" if view.flagged == 1 else "creators carry"
            if view.sort_by == "follower_growth_30d" and spiked:
                # Who grew fastest is often who bought followers: say so, not just "flagged".
                parts.append(
                    f"Left out: {view.flagged} {left} a flag, {spiked} of them `growth_spike`: "
                    "followers jumped so fast they may have been bought (ask _any growth "
                    "spikes?_ to see who)."
                )
            else:
                parts.append(
                    f"Left out: {view.flagged} {left} a flag (ask _any flagged creators?_)."
                )
        quotes: list[Citation] = []
        note = None
        if view.sort_by == "followers" and not view.ascending:
            quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.SCORE], limit=1)
            if quotes:
                parts.append("Reach alone is not what to pick on:\n" + quote_block(quotes))
        if not routed.niche:
            parts.append(
                "**Next:** name a niche (_who's best for skincare on TikTok?_) and I'll rank "
                "these creators for fit."
            )
        return Draft(answer="\n\n".join(parts), citations=quotes, creators=cards, note=note)

    @staticmethod
    def _roster_stats(routed: Route, box: ToolBox) -> Draft:
        """The roster's own figures, or those of a niche's or a platform's creators: how
        many, and per platform the median (and the mean, when an average is asked for) of
        their engagement rate or followers; engagement is then held against each platform's
        published benchmarks, like for like (per follower on Instagram, per view on TikTok
        and YouTube)."""
        stats = box.roster_stats(
            routed.niche,
            routed.min_followers,
            routed.max_followers,
            routed.platform,
            routed.country,
            routed.exclude,
        )
        does, which = roster_filters(routed)
        if not stats.creators:
            return Draft(answer=f"**None of your creators {does}.**", footer=EXAMPLES)
        which = which if stats.creators > 1 else which.replace("creators", "creator", 1)
        creators = f"your {stats.creators:,} {which}"
        if routed.sort_by == "followers" and stats.median_followers is None:
            parts = [f"**None of {creators} has a follower count on file.**"]
        elif routed.sort_by == "followers":
            lead = f"**Across {creators}, the median follower count is "
            lead += f"{followers(round(stats.median_followers or 0))}**"
            if routed.mean and stats.mean_followers is not None:
                lead += f" (the mean, or average, is {followers(round(stats.mean_followers))}"
                if stats.mean_followers > (stats.median_followers or 0):
                    lead += ", pulled up by the largest accounts"
                lead += ")"
            lines = [
                f"- **{PLATFORM_NAMES[row.platform]}** ({_count_of(row.creators)}): median "
                f"{followers(round(row.median_followers))}"
                + (f", mean {followers(round(row.mean_followers))}" if routed.mean else "")
                for row in stats.platforms
                if row.median_followers is not None and row.mean_followers is not None
            ]
            parts = [lead + ", by platform:\n" + "\n".join(lines)]
        else:
            which_figures = "median and mean (average)" if routed.mean else "median"
            parts = [
                f"**The {which_figures} engagement rate per post across {creators}, by "
                "platform:**\n"
                + "\n".join(_engagement_line(row, routed.mean) for row in stats.platforms)
            ]
            if len(stats.platforms) > 1:
                parts.append(
                    "Instagram's published benchmarks are per follower, TikTok's and YouTube's "
                    "per view, so each platform is held against its own kind of rate; above "
                    "the midpoint of a creator's band is better than typical."
                )
        if any(row.with_followers < row.creators for row in stats.platforms):
            parts.append("Creators with no follower count on file are left out of the figures.")
        if stats.flagged:
            verb = "carries" if stats.flagged == 1 else "carry"
            parts.append(
                f"Flagged creators are counted in: {stats.flagged:,} of them {verb} a flag."
            )
        parts.append(
            "**Next:** ask _who has the most followers?_ to see the largest accounts"
            if routed.sort_by == "followers"
            else "**Next:** ask _what's a good engagement rate on Instagram?_ for the "
            "published bands, or _who has the highest engagement rate?_"
        )
        return Draft(answer="\n\n".join(parts))

    def _score(self, routed: Route, box: ToolBox) -> Draft:
        card = box.score_creator(routed.handles[0], niche=routed.niche)
        strongest = max(card.breakdown, key=lambda c: c.value * c.weight, default=None)
        weakest = min(card.breakdown, key=lambda c: c.value, default=None)
        fit = f" for {routed.niche}" if routed.niche else ""
        priced = card.rate_usd > 0
        if routed.order == "rate":  # "how much does @x charge?": the price first
            parts = [
                f"**{card.handle} charges {usd(card.rate_usd)} a post** (score "
                f"{card.score:.0f}/100{fit})."
                if priced
                else f"**{card.handle} has no rate on file** (score {card.score:.0f}/100{fit}): "
                "add it to the roster to plan with them."
            ]
        elif routed.sort_by == "followers" and card.followers:
            parts = [
                f"**{card.handle} has {followers(card.followers)} followers on "
                f"{PLATFORM_NAMES.get(card.platform, card.platform)}** ({card.tier} tier, score "
                f"{card.score:.0f}/100{fit})."
            ]
        elif routed.sort_by == "engagement_rate" and card.followers:
            parts = [
                f"**{card.handle}'s engagement rate is {percent(card.engagement_rate)}** per "
                f"post, by followers (score {card.score:.0f}/100{fit}): {why(card).split(';')[0]}."
            ]
        else:
            parts = [f"**{card.handle} scores {card.score:.0f}/100{fit}.**"]
        if routed.warning_signs:
            parts[0] += " " + warning_signs(card)
        parts.append(creator_line(card, rate=priced))
        if weakest is not None and weakest is not strongest:
            parts.append(f"Weakest point ({weakest.name}): {weakest.reason.rstrip('.')}.")
        quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.SCORE], limit=1)
        if quotes:
            parts.append("What the guidance weighs most:\n" + quote_block(quotes))
        return Draft(answer="\n\n".join(parts), citations=quotes, creators=[card], note=note)

    def _compare(self, routed: Route, box: ToolBox) -> Draft:
        if routed.total:
            return self._total_cost(routed, box)
        known = [h for h in routed.handles if h in self.known_handles]
        unknown = [h for h in routed.handles if h not in self.known_handles]
        if not unknown or not known:  # all known, or the tool names the unknown one
            return self._compare_known(routed, box)
        # One typo among several handles should not sink the comparison of the rest.
        near = {h: g for h in unknown if (g := closest_handle(h, self.known_handles))}
        guesses = (
            list(near.values()) if len(unknown) == 1 else [f"{g} for {h}" for h, g in near.items()]
        )
        hint = f" Did you mean {' and '.join(guesses)}?" if guesses else ""
        missing = f"Not on the roster: {', '.join(unknown)}.{hint}"
        draft = (
            self._score(routed.model_copy(update={"handles": known}), box)
            if len(known) == 1
            else self._compare_known(routed.model_copy(update={"handles": known}), box)
        )
        draft.answer = f"{missing}\n\n{draft.answer}"
        return draft

    def _compare_known(self, routed: Route, box: ToolBox) -> Draft:
        cards = box.compare_creators(routed.handles, niche=routed.niche)
        if not cards:
            return Draft(answer="None of those handles are in the roster.", footer=EXAMPLES)
        if routed.order == "rate":
            return self._compare_rates(cards)
        if routed.sort_by in ("followers", "engagement_rate"):
            return self._compare_by(routed, cards)
        best = cards[0]
        fit = f" for {routed.niche}" if routed.niche else ""
        lead = f"**{best.handle} comes out ahead{fit}** with a score of {best.score:.0f}/100"
        if len(cards) > 1:
            others = ", ".join(f"{c.handle} {c.score:.0f}" for c in cards[1:])
            lead += f" (then {others})"
        parts = [lead + ".", "\n".join(creator_line(c) for c in cards)]
        quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.COMPARE], limit=1)
        if quotes:
            parts.append("What the guidance weighs most:\n" + quote_block(quotes))
        return Draft(answer="\n\n".join(parts), citations=quotes, creators=cards, note=note)

    @staticmethod
    def _total_cost(routed: Route, box: ToolBox) -> Draft:
        """What one post from each of the creators just named costs: the total, then each
        rate; a rate of 0 is no rate on file, so it is left out of the total, not free."""
        result = box.total_cost(routed.handles, routed.niche)
        priced = [c for c in result.creators if c.rate_usd > 0]
        if not priced:
            return Draft(
                answer=f"None of {handles_list(result.creators)} has a rate on file, so I "
                "can't add up what they cost. Add their rates to the roster.",
                creators=result.creators,
            )
        each = "one post from each of" if len(priced) > 1 else "one post from"
        lead = (
            f"**{each.capitalize()} {handles_list(priced)} costs {usd(result.total_cost)} in "
            f"total**, for about {result.expected_engagements:,.0f} engagements."
        )
        parts = [lead, "\n".join(creator_line(c, rate=True) for c in priced)]
        if result.unpriced:
            parts.append(f"No rate on file, so not in the total: {', '.join(result.unpriced)}.")
        parts.append(
            "**Next:** give me a budget and I'll pick the set with the most engagements within it."
        )
        return Draft(answer="\n\n".join(parts), creators=result.creators)

    @staticmethod
    def _compare_by(routed: Route, cards: list[ScoreCard]) -> Draft:
        """Creators already named, by followers or engagement rate ("which one has more
        followers?"), most first (fewest with `ascending`), each with their score."""
        if routed.sort_by == "followers":
            key, show = (lambda c: c.followers), (lambda c: followers(c.followers))
            what = ("fewer" if routed.ascending else "more") + " followers"
        else:
            key, show = (lambda c: c.engagement_rate), (lambda c: percent(c.engagement_rate))
            what = ("a lower" if routed.ascending else "a higher") + " engagement rate"
        ordered = sorted(cards, key=key, reverse=not routed.ascending)
        first = ordered[0]
        if len(ordered) > 2:
            what = what.replace("more", "the most").replace("fewer", "the fewest")
            what = what.replace("a higher", "the highest").replace("a lower", "the lowest")
        others = ", ".join(f"{c.handle} {show(c)}" for c in ordered[1:])
        lead = f"**{first.handle} has {what}, {show(first)}** (then {others})."
        parts = [lead, "\n".join(creator_line(c) for c in ordered)]
        if routed.sort_by == "followers":
            best = max(cards, key=lambda c: c.score)
            parts.append(
                f"On score, which weighs engagement and cost over reach, {best.handle} "
                f"leads with {best.score:.0f}/100."
            )
        return Draft(answer="\n\n".join(parts), creators=ordered)

    @staticmethod
    def _compare_rates(cards: list[ScoreCard]) -> Draft:
        """Creators already named, by rate per post ("which one is cheaper?"); a rate of 0
        is no rate on file, not free."""
        priced = sorted((c for c in cards if c.rate_usd > 0), key=lambda c: c.rate_usd)
        unpriced = [c for c in cards if c.rate_usd <= 0]
        if not priced:
            return Draft(
                answer=f"None of {handles_list(cards)} has a rate on file, so I can't tell who "
                "is cheaper. Add their rates to the roster.",
                creators=cards,
            )
        cheapest = priced[0]
        tied = [c for c in priced if c.rate_usd == cheapest.rate_usd]
        if len(tied) > 1:
            lead = f"**{handles_list(tied)} charge the same, {usd(cheapest.rate_usd)} a post.**"
        else:
            lead = f"**{cheapest.handle} is the cheapest, at {usd(cheapest.rate_usd)} a post**"
            others = ", ".join(f"{c.handle} {usd(c.rate_usd)}" for c in priced[1:])
            lead += f" (then {others})." if others else "."
        per_engagement = [c for c in priced if c.cost_per_engagement is not None]
        value = min(per_engagement, key=lambda c: c.cost_per_engagement or 0, default=cheapest)
        if value.cost_per_engagement != cheapest.cost_per_engagement:
            lead += (
                f" For what each dollar buys, {value.handle} costs least per engagement "
                "(in each line)."
            )
        parts = [lead, "\n".join(creator_line(c, rate=True) for c in priced)]
        if unpriced:
            parts.append(f"No rate on file, so not compared on price: {handles_list(unpriced)}.")
        return Draft(answer="\n\n".join(parts), creators=priced + unpriced)

    def _plan(self, routed: Route, box: ToolBox) -> Draft:
        if routed.niche is None:
            return Draft(
                answer="Which niche should I plan that budget for?",
                footer=EXAMPLES,
            )
        result: PlanResult = box.plan_campaign(routed.niche, routed.budget or 0, **_bounds(routed))
        scope = routed.niche + follower_limit(routed)
        if not result.creators:
            answer = f"No unflagged creator for **{scope}** fits within {usd(result.budget)}."
            fits = [
                c for c in box.find_creators(routed.niche, n=5, **_bounds(routed)) if c.rate_usd > 0
            ]
            if not fits:
                return Draft(answer=answer + left_out(result))
            cheapest = min(fits, key=lambda c: c.rate_usd)
            answer += (
                f" The most affordable good fit, **{cheapest.handle}**, charges "
                f"{usd(cheapest.rate_usd)} a post."
            )
            return Draft(answer=answer + left_out(result), creators=[cheapest])
        lead = (
            f"**For {scope}{',' if routed.exclude else ''} within {usd(result.budget)}, book "
            f"{handles_list(result.creators)}:** {usd(result.total_cost)} in total for about "
            f"{result.expected_engagements:,.0f} expected engagements per post, "
            f"{usd(result.remaining)} left. "
        )
        lead += "No other set within the budget gets more engagements."
        if result.remaining > result.total_cost:
            lead = f"{lead} {self._unspent(routed, result, box)}".rstrip()
        parts = [lead + left_out(result), "\n".join(creator_line(c) for c in result.creators)]
        quotes, note = self.guidance(box, _GUIDANCE_QUERY[Intent.PLAN], limit=1)
        if quotes:
            parts.append("Why spread a budget across micro-creators:\n" + quote_block(quotes))
        parts.append(
            "**Next:** add them to a campaign with **Add to shortlist** or "
            "`/scout shortlist add CAMPAIGN @handle ...`."
        )
        return Draft(
            answer="\n\n".join(parts), citations=quotes, creators=result.creators, note=note
        )

    @staticmethod
    def _unspent(routed: Route, result: PlanResult, box: ToolBox) -> str:
        """Why most of a budget is left: everyone who fits is booked, or the next fit costs
        more than what is left."""
        if len(result.creators) == result.candidates:
            return (
                "That is every unflagged creator with a rate who fits, so the rest stays "
                "unspent: widen the niche or the limits to use it."
            )
        booked = {c.handle for c in result.creators}
        cheapest_first = box.find_creators(
            routed.niche or "", n=MAX_CREATORS, order_by="rate", **_bounds(routed)
        )
        unbooked = [c for c in cheapest_first if c.rate_usd > 0 and c.handle not in booked]
        if not unbooked:
            return ""
        nxt = unbooked[0]
        return (
            f"The cheapest fit not booked, {nxt.handle}, charges {usd(nxt.rate_usd)} a post, "
            f"more than the {usd(result.remaining)} left."
        )

    def _shortlist(self, routed: Route, box: ToolBox) -> Draft:
        view = box.read_shortlist(routed.campaign)
        parts = []
        if routed.intent == Intent.SHORTLIST_CHANGE:
            parts.append("I can't change a shortlist from a question, so nothing was changed.")
            if routed.handles:
                named = ", ".join(routed.handles)
                parts[-1] += (
                    f" To add {named}, use **Add to shortlist** on the answer that lists "
                    f"them, or `/scout shortlist add CAMPAIGN {' '.join(routed.handles)}`."
                )
        if view.campaign is None:
            if view.campaigns:
                names = ", ".join(f"**{c}**" for c in view.campaigns)
                parts.append(f"Campaigns with a shortlist: {names}. Ask about one by name.")
            else:
                parts.append("There are no shortlists yet.")
            parts.append(SHORTLIST_HOW)
            return Draft(answer="\n\n".join(parts))
        if not view.creators:
            parts.append(f"The **{view.campaign}** shortlist is empty.")
            parts.append(SHORTLIST_HOW)
            return Draft(answer="\n\n".join(parts))
        cards = []
        for item in view.creators:
            try:
                cards.append(box.score_creator(item.handle))
            except ScoutError:
                continue  # the creator has left the roster; still listed below
        parts.append(
            f"The **{view.campaign}** shortlist: "
            + ", ".join(f"**{i.handle}**" for i in view.creators)
            + "."
        )
        if cards:
            parts.append("\n".join(creator_line(c) for c in cards))
        parts.append(SHORTLIST_HOW)
        return Draft(answer="\n\n".join(parts), creators=cards)

    def _guidance_answer(self, question: str, box: ToolBox) -> Draft:
        try:
            passages = box.search_guidance(question, k=5)
        except NotReadyError:
            return Draft(answer=INGEST_NOTE)
        quotes = pick_quotes(passages, question, limit=3)
        if not quotes:
            return Draft(
                answer="I found nothing in the guidance on that.",
                footer=EXAMPLES,
            )
        answer = "Here is what the guidance says:\n\n" + quote_block(quotes)
        answer += (
            "\n\n**Next:** ask _who should we partner with for <your niche>?_ and I'll rank "
            "your roster with these principles."
        )
        return Draft(answer=answer, citations=quotes)
