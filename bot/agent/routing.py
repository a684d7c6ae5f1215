"""Recognise what a marketer is asking: intent, niche, handles, budget, campaign (pure).

Follow-ups ("and with a $2k budget?", "what about @x instead?") borrow what they leave
out from the earlier turns of the same conversation.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum
from typing import TypedDict

from pydantic import BaseModel, Field

from bot.scoring.metrics import follower_tiers
from bot.scoring.models import OneOrMore, RankOrder, RosterSort
from bot.scoring.niche import tag_word_for


class Intent(StrEnum):
    """What the offline planner will do with a question."""

    RECOMMEND = "recommend"
    SCORE = "score"
    COMPARE = "compare"
    PLAN = "plan"
    SHORTLIST = "shortlist"
    SHORTLIST_CHANGE = "shortlist_change"
    SECRETS = "secrets"
    FLAGGED = "flagged"
    GUIDANCE = "guidance"
    ROSTER = "roster"
    HELP = "help"


class Route(BaseModel):
    """A recognised question: the intent and the arguments its tools need."""

    intent: Intent
    niche: str | None = None
    handles: list[str] = Field(default_factory=list)
    budget: float | None = None
    campaign: str | None = None
    count: int = 5  # how many creators to list
    foreign_budget: bool = False  # a budget in another currency ("€3000"), which we don't convert
    order: RankOrder = "score"  # "rate": the cheapest first ("who is the cheapest ...?")
    min_followers: int | None = None  # inclusive follower bounds ("under 50k followers")
    max_followers: int | None = None
    # "tiktok creators for skincare": only creators on TikTok; "instagram or tiktok": a list,
    # creators on either.
    platform: OneOrMore | None = None
    # "skincare creators in the UK": only creators whose audience is mostly there (ISO code);
    # "in the UK or the US": a list, either.
    country: OneOrMore | None = None
    # "not on TikTok", "not in the US", "but not fitness": platforms, countries (ISO codes)
    # and niche tags whose creators are left out.
    exclude: list[str] = Field(default_factory=list)
    # The tier whose follower band the bounds are ("nano creators"), for the answer's words.
    tier: str | None = None
    # FLAGGED: the flag codes asked about ("fake followers"); empty: any flag ("red flags").
    flags: list[str] = Field(default_factory=list)
    # The question is about warning signs: SCORE says whether the creator carries a flag
    # ("is @x suspicious?"), GUIDANCE what raises each flag in `flags` ("what's a red flag?").
    warning_signs: bool = False
    # GUIDANCE about follower tiers ("nano vs micro?"); `followers`: a count to place in one
    # ("what tier is 120k followers?").
    tiers: bool = False
    followers: int | None = None
    # GUIDANCE about what engagement rate to expect ("what's a good engagement rate for a 20k
    # Instagram account?"): the published benchmarks, for `platform` and `followers` if given.
    benchmarks: bool = False
    # GUIDANCE about how the score is made ("how is the score calculated?").
    scoring: bool = False
    # GUIDANCE about what to pay ("what's a fair rate for a 50k instagram creator?"): the
    # roster's rates for creators within the follower bounds, on `platform`, fitting `niche`;
    # `asked_rate`: a rate per post to weigh against theirs ("is $300 fair for a 20k creator?").
    rates: bool = False
    asked_rate: float | None = None
    # COMPARE: what one post from each of `handles` costs in total ("how much would all of
    # them cost?").
    total: bool = False
    # ROSTER: the roster as a whole ("how many creators do we have?", "who has the most
    # followers?"), ordered by `sort_by`, lowest first with `ascending`; `counting`: the
    # question asks how many; `max_rate`: a cap on the rate per post ("under $300 a post").
    sort_by: RosterSort = "score"
    ascending: bool = False
    counting: bool = False
    max_rate: float | None = None
    # ROSTER: the roster's own median figures for `sort_by` ("engagement_rate" or
    # "followers"), per platform ("what's our roster's median engagement rate?"), with the
    # means too when `mean` ("what's the average engagement rate on our roster?").
    stats: bool = False
    mean: bool = False


class Limits(TypedDict):
    """What narrows a list or a plan besides the niche: follower bounds, a platform and
    the audience's country."""

    min_followers: int | None
    max_followers: int | None
    platform: OneOrMore | None
    country: OneOrMore | None
    exclude: list[str]


class Narrowing(Limits):
    """What a question narrows its creators to, as a route keeps it: the limits, and the
    tier they come from, if any, for the answer's words."""

    tier: str | None


class Context(BaseModel):
    """What earlier turns of a conversation established."""

    route: Route | None = None
    # Handles the answers named, the last answer's first, then earlier ones not in it.
    mentioned: list[str] = Field(default_factory=list)
    last_answer_named: int = 0  # how many of `mentioned` the last answer named


_CAMPAIGN = r"(?:campaign|launch|drop|collab|collaboration|activation|promo|promotion)s?"
# Not part of a longer number, a word or a negative one ("$-50" is no budget, not $50;
# "1e9" is not $9).
_AMOUNT = r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand|grand|m|million)?\b"
_BUDGET_PATTERNS = [
    re.compile(r"\$\s?" + _AMOUNT),
    re.compile(r"(?:usd|us\$)\s?" + _AMOUNT),
    re.compile(_AMOUNT.removesuffix(r"\b") + r"\s?(?:us\s)?(?:dollars|usd|bucks)\b"),
    re.compile(
        r"budget\s*(?:of|is|at|=|:|around|about|roughly|near|to)?\s*(?:about|around|roughly|~)?"
        r"\s*\$?\s?" + _AMOUNT
    ),
    re.compile(_AMOUNT + r"\s*(?:budget|to spend)"),
    re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(grand)\b"),  # "5 grand"
    # "we have 3k", "I've got about 2.5k": money, unless it counts followers or views.
    re.compile(
        r"\b(?:we|i)(?:\s+have|'ve)(?:\s+got)?\s+(?:about\s+|around\s+|roughly\s+|~)?"
        r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand)\b"
        r"(?!\s*(?:followers?|subs|subscribers|views?|likes?|people|fans))"
    ),
    re.compile(_AMOUNT.removesuffix(r"\b") + r"\s?\$"),  # "750$"
    # "plan 2k for gaming", "plan a 3k skincare push": an amount to plan is money.
    re.compile(
        r"\bplan\s+(?:(?:a|an|the|our)\s+)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand|grand)\b"
        r"(?!\s*(?:followers?|subs|subscribers|views?|likes?|people|fans))"
    ),
    # "a fashion drop under 2k", "a launch for 5k": a bound on the campaign itself is money.
    re.compile(
        rf"\b{_CAMPAIGN}\s+(?:under|below|within|for|of|at|up to|max|capped at)\s+"
        r"(?:about\s+|around\s+|roughly\s+|~)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand)\b"
        r"(?!\s*(?:followers?|subs|subscribers|views?|likes?|people|fans))"
    ),
]
_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "million": 1e6}
# Amounts in words: "two grand", "five thousand dollars", "a budget of ten thousand".
_NUMBER_WORD_VALUES = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "fifty": 50,
}  # fmt: skip
_WORDS_AMOUNT = r"\b(" + "|".join(_NUMBER_WORD_VALUES) + r")\s(grand|thousand|hundred)\b"
_WORD_BUDGET_PATTERNS = [
    # Not "a grand": "a grand opening" is no budget.
    re.compile(r"\b(" + "|".join(w for w in _NUMBER_WORD_VALUES if w != "a") + r")\s(grand)\b"),
    re.compile(_WORDS_AMOUNT + r"\s?(?:us\s)?(?:dollars|usd|bucks)\b"),
    re.compile(r"budget\s*(?:of|is|at|=|:|around|about|roughly|near|to)?\s*" + _WORDS_AMOUNT),
]
_WORD_MULTIPLIER = {"grand": 1e3, "thousand": 1e3, "hundred": 1e2}
_FOREIGN_CURRENCY = r"(?:€|£|¥|eur|euros?|gbp|quid|yen)"
_FOREIGN_BUDGET_PATTERNS = [
    re.compile(_FOREIGN_CURRENCY + r"\s?" + _AMOUNT),
    re.compile(_AMOUNT.removesuffix(r"\b") + r"\s?" + _FOREIGN_CURRENCY + r"(?!\w)"),
]

# "cheapest", "most affordable", "lowest rate": the order of rates per post. Not "lowest cost
# per engagement", which is value for money, not price.
_CHEAPEST = re.compile(
    r"\b(?:cheap(?:est|er)?|inexpensive|low[- ](?:cost|priced)|most affordable"
    r"|least expensive|least costly|lowest[- ]priced"
    r"|(?:lowest|smallest|cheapest) (?:rates?|prices?|fees?|costs?)"
    r"(?! per (?:engagement|view|click|like|mille|thousand))"
    r"|(?:charges?|costs?) the least)\b"
)
# "recommend 3 parenting influencers", "which 2 creators would you pick?"
_CREATOR_COUNT = re.compile(
    r"(?<![\w.,$€£-])(\d+|two|three|four|five)\s+(?:[a-z&'-]+\s+){0,2}"
    r"(?:creators|influencers|micro-influencers|people|accounts|partners|picks|options)\b"
)
# An amount per post ("who charge under $200 a post", "rates below $100") is a price, not a
# budget to plan: the creators by rate answer it.
_PER_POST = re.compile(
    r"\b(?:a|per|/)\s?(?:post|video|reel|story)\b"
    r"|\b(?:charg(?:e|es|ing)|rates?|fees?)\b(?:\s+[a-z]+){0,2}\s+(?:\$|usd\b)"
)
# "is $300 a fair rate for a 20k creator?", "is $1,500 too much for a 50k instagram
# creator?", "is $200 a post reasonable?": an amount weighed as one creator's rate, not a
# budget to plan.
_WEIGHS_PRICE = re.compile(
    r"\btoo\s+(?:much|little|high|low|steep|expensive|cheap|pricey)\b"
    r"|\b(?:over|under)[- ]?(?:priced|pay(?:ing)?)\b"
    r"|\b(?:fair|reasonable|ok|okay|normal|typical|standard)(?:\s+(?:rates?|prices?|fees?))?\b"
    r"|\b(?:good|decent)\s+(?:rates?|prices?|fees?|deal)\b"
)
_ONE_CREATOR = re.compile(
    r"\b(?:a|an|one|per|each)\s+(?:[\w&'-]+\s+){0,3}?"
    r"(?:creator|influencer|account|tiktoker|youtuber)\b"
)
_CHEAPEST_COUNT = re.compile(
    r"\b(\d+|two|three|four|five)\s+(?:cheapest|most affordable|least expensive)\b"
    r"|\b(?:cheapest|most affordable|least expensive)\s+(\d+|two|three|four|five)\b"
)

# Follower bounds: "under 50k followers", "at least 10,000 followers", "10k-50k followers".
_COUNT_BODY = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand|m|million)?"
_COUNT = r"(?<![\w.,-])" + _COUNT_BODY
_FOLLOWERS = r"\s*(?:followers?|subs|subscribers)\b"
_BOUND_WORDS = [  # (words, the bound they set, the step that makes a strict bound inclusive)
    (r"under|below|less than|fewer than|<", "max", -1),
    (r"at most|up to|max(?:imum)?(?: of)?|no more than|<=", "max", 0),
    (r"over|above|more than|>", "min", 1),
    (r"at least|min(?:imum)?(?: of)?|no fewer than|no less than|>=", "min", 0),
]
_FOLLOWER_BOUND_PATTERNS = [
    *(
        (re.compile(pattern), bound, step)
        for words, bound, step in _BOUND_WORDS
        for pattern in (
            rf"(?<!\w)(?:{words})\s*{_COUNT}{_FOLLOWERS}",  # "under 50k followers"
            rf"\bfollowers?\s+(?:{words})\s*{_COUNT}",  # "followers under 50k"
        )
    ),
    (re.compile(rf"{_COUNT}\+{_FOLLOWERS}"), "min", 0),  # "10k+ followers"
]
# "around 30k followers", "a creator with 20k followers": a size, not a limit; half either way.
_ABOUT_FOLLOWERS = re.compile(
    rf"(?:\b(?:around|about|roughly|approximately|approx|near|close to|with)\s*|~\s*)"
    rf"{_COUNT}{_FOLLOWERS}"
)
# "now without the follower limit": a follow-up that lifts the thread's follower bounds.
_NO_FOLLOWER_LIMIT = re.compile(
    r"\b(?:without|drop|remove|no|ignore|forget|lift|clear)\s+(?:the\s+|any\s+|a\s+|that\s+)?"
    r"followers?\s+(?:limits?|caps?|bounds?|filters?|range|count limits?)\b"
)
# What to compare creators on is no niche: "compare @a with @b on engagement".
_COMPARED_ON = re.compile(
    r"\b(?:on|by|in terms of)\s+(?:engagement(?:\s+rates?)?|reach|cost|price|value|authenticity)"
    r"(?=\s*(?:$|[?.!,;]))"
)
# "nobody over 100k followers" is at most 100k, not over it; "no one under 5k", at least 5k.
_NEGATED_BOUND = re.compile(
    r"\b(?:nobody|no[- ]one|none|not|no (?:creators?|influencers?|accounts?))"
    r"\s+(?:(?:who(?:'s| is| are)?|that(?:'s| is| are)?|with)\s+)?"
    r"(?:(over|above|more than|bigger than)|under|below|less than|fewer than|smaller than)"
    r"(?=\s*\d)"
)
_FOLLOWER_RANGE = re.compile(
    rf"(?:\bbetween\s+)?{_COUNT}\s*(?:and|-|–|to)\s*{_COUNT_BODY}{_FOLLOWERS}"
)
# A bound on a count in thousands or millions is about followers even unsaid ("vegan creators
# under 50k"), unless it counts something else or is money ("rates under 5k", "under $5k").
_BARE_COUNT_BODY = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|thousand|m|million)\b"
_BARE_COUNT = r"(?<![\w.,$€£-])" + _BARE_COUNT_BODY
_NOT_FOLLOWERS = (
    r"(?!\s*(?:\+\s*)?(?:views?|likes?|comments?|impressions?|reach|engagements?|posts?|videos?"
    r"|plays?|clicks?|sales|budget|dollars|usd|bucks|euros?|eur|gbp|pounds|€|£|\$|per\b|a\s+post"
    r"|/|each|spend|in\s+(?:budget|spend|sales|revenue)))"
)
_BARE_FOLLOWER_BOUNDS = [
    (re.compile(rf"(?<!\w)(?:{words})\s*{_BARE_COUNT}{_NOT_FOLLOWERS}"), bound, step)
    for words, bound, step in _BOUND_WORDS
]
_BARE_FOLLOWER_RANGE = re.compile(
    rf"\bbetween\s+{_BARE_COUNT}\s*(?:and|-|–|to)\s*{_BARE_COUNT}{_NOT_FOLLOWERS}"
)
# "fashion creators (10k-100k)": a dashed range with units on both ends needs no "between".
_BARE_DASH_RANGE = re.compile(rf"{_BARE_COUNT}\s*[-–]\s*{_BARE_COUNT_BODY}{_NOT_FOLLOWERS}")
# Words that make a nearby bare count money: "rates under 5k", "budget below 10k".
_MONEY_CONTEXT = re.compile(
    r"\b(?:rates?|prices?|fees?|costs?|budgets?|spend(?:ing)?|pay(?:ing)?|charges?|revenue|sales"
    rf"|{_CAMPAIGN})\W+(?:\w+\W+)?$"
)
# Questions about warning signs, and the flag codes (bot/scoring/metrics.py) each one is about.
_FAKE = r"(?:fake|bought|buy(?:ing)?|purchased|paid|suspicious|inflated|botted|bot)"
_FLAG_CUES = [
    (
        re.compile(
            rf"\b{_FAKE}\s+(?:likes|engagements?|comments|interactions)\b"
            r"|\b(?:engagement\s+)?anomal(?:y|ies|ous)\b|\blike[- ]farms?\b|\bengagement pods?\b"
        ),
        ["engagement_anomaly"],
    ),
    (
        re.compile(
            r"\bgrowth spikes?\b|\b(?:follower\s+)?spik(?:e|es|ed|ing)\b"
            r"|\bsudden(?:ly)?\s+(?:follower\s+)?(?:growth|grew|jumps?)\b|\bgrew too fast\b"
        ),
        ["growth_spike"],
    ),
    (
        re.compile(
            rf"\b{_FAKE}\s+(?:followers?|followings?|audiences?|fans|subscribers|accounts)\b"
            r"|\bbots?\b|\bbott(?:ed|ing)\b|\bfollower fraud\b"
            # "who is fake?", "which accounts look fake?" (not "is fake tan a good niche?")
            r"|\b(?:is|are|looks?|seems?)\s+(?:(?:really|possibly|probably|kind of|kinda)\s+)?"
            r"(?:fake|phony|phoney)(?=\s*(?:$|[?.!,;]|\s(?:or|and)\b))"
        ),
        ["growth_spike", "engagement_anomaly"],
    ),
    (
        re.compile(
            r"\bover[- ]?sponsored\b|\btoo many (?:ads|sponsored(?: posts)?|sponsorships"
            r"|brand deals|paid posts)\b|\btoo (?:much )?sponsored\b|\bad[- ]heavy\b"
            r"|\bmostly (?:ads|sponsored(?: posts)?)\b"
        ),
        ["over_sponsored"],
    ),
    (
        re.compile(
            r"\b(?:suspicious|suspect|sketchy|shady|dodgy|fishy|risky|red[- ]flags?"
            r"|flag(?:s|ged)?|warning signs?|inauthentic|fraud\w*)\b"
            r"|\b(?:should|must|to|do|better)\s(?:we\s|i\s|you\s)?(?:avoid|stay away from"
            r"|steer clear of|watch out for|be (?:wary|careful|cautious) (?:of|with|about))\b"
            # "who shouldn't we work with?", "which creators can't we trust?", "who should
            # we not work with?"
            r"|\b(?:(?:we|i)\s(?:shouldn't|should not|mustn't|must not|can't|cannot)"
            r"|(?:shouldn't|should not|mustn't|must not|can't|cannot)\s(?:we|i)"
            r"|(?:should|must|can)\s(?:we|i)\s(?:not|never))"
            r"\s(?:work with|partner with|trust|hire|book|collaborate with|go with)\b"
        ),
        [],  # any flag
    ),
]
_NEGATION = re.compile(
    r"\b(?:without|no|not|zero|free of|clean of|excluding|exclude|except|minus|aren't|isn't"
    r"|never|none|(?:don't|dont|do not) want)\W+(?:\w+\W+){0,2}$"
)
# Questions about the follower tiers themselves: "what tier is 120k followers?", "nano vs
# micro?", "what counts as a micro-influencer?". Not "why micro over macro?" (guidance).
_TIER = r"(?:nano|micro|mid|macro|mega)"
_TIERS = re.compile(
    rf"\b(?:what|which)\s+tier\b|\btiers\b|\btier\s+(?:system|boundar|cut-?off|threshold)"
    rf"|\bdifference\s+between\s+(?:a\s+)?{_TIER}"
    rf"|\b{_TIER}[\w-]*\s+(?:vs\.?|versus)\s+{_TIER}"
    rf"|\bwhat\s+(?:counts|qualifies)\s+as\s+(?:a\s+)?{_TIER}"
    rf"|\bhow\s+many\s+followers\b.*\b{_TIER}"
    rf"|\bhow\s+(?:big|small|large)\s+is\s+(?:a\s+)?{_TIER}"
    rf"|^what(?:'s| is| are)\s+(?:a\s+)?{_TIER}[\s-]?(?:influencers?|creators?)\W*$"
    rf"|^(?:is|are|does|do)\b.*\d\s?(?:k|m)?{_FOLLOWERS}.*\b{_TIER}(?:[\s-]?(?:influencers?"
    rf"|creators?))?(?:\s+or\s+{_TIER}(?:[\s-]?(?:influencers?|creators?))?)?\W*$"
)
# "what's a good engagement rate on TikTok?", "is 5% engagement good?": the benchmarks.
_ER = r"(?:engagement(?:\s+rates?)?|er)"
_BENCHMARK = re.compile(
    r"\b(?:good|average|avg|typical|normal|healthy|decent|solid|realistic|reasonable|standard"
    rf"|benchmarks?|expected|median)\b(?:\s+[a-z0-9%.-]+){{0,3}}\s+{_ER}\b"
    rf"|\b{_ER}\s+(?:benchmarks?\b|(?:[a-z']+\s+){{0,5}}(?:good|average|normal|typical|expect"
    r"|healthy|decent|benchmarks?)\b)"
    rf"|\bis\s+(?:a\s+)?\d+(?:\.\d+)?\s?%\s+(?:an?\s+)?(?:good\s+|ok\s+|okay\s+)?{_ER}\b"
)
# "a 20k instagram account": a size without the word "followers".
_ACCOUNT_SIZE = re.compile(
    _COUNT + r"\s*(?:(?:instagram|insta|ig|tik\s?tok|youtube|yt|threads)\s+)?"
    r"(?:accounts?|creators?|influencers?|pages?|profiles?|channels?)\b"
)
# "how is the score calculated?", "what goes into the score?", "what does a score of 80
# mean?": how Scout scores, not a creator's score.
_SCORE_WORD = r"(?:the\s+|your\s+|a\s+|creator\s+|scout\s+|these\s+)?scor(?:e|es|ing)"
_SCORING = re.compile(
    rf"\bhow\s+(?:is|are|do\s+you|does(?:\s+scout|\s+it)?|did\s+you)\s+{_SCORE_WORD}"
    r"(?:\s+(?:creators|influencers|them))?"
    r"(?:\s+(?:calculated|computed|worked\s+out|determined|made|built|weighted|work|get\s+\w+))?"
    r"\s*\W*$"
    rf"|^(?:please\s+)?explain\s+(?:how\s+you\s+score|{_SCORE_WORD})\s*\W*$"
    rf"|\bwhat\s+(?:goes|go)\s+into\s+{_SCORE_WORD}"
    rf"|\bwhat(?:'s|\s+is|\s+are)\s+{_SCORE_WORD}\s+based\s+on"
    rf"|\bwhat\s+does\s+(?:a\s+|the\s+)?scor(?:e|ing)(?:\s+of\s+\d+)?\s+mean"
    r"|\bscor(?:e|ing)\s+(?:formula|method|methodology|weights?|breakdown\s+mean)"
    r"|\bhow\s+(?:are|do\s+you)\s+(?:creators|influencers)\s+(?:scored|ranked|rated)"
)
_NOT_TIERS = re.compile(r"\b(?:better|best|worth|why|outperform|effective|should)\b")
_FOLLOWER_COUNT = re.compile(_COUNT + _FOLLOWERS)
# Asking what a warning sign is, why it matters or how common it is, or asking about
# creators in general rather than the roster's, is a guidance question.
_EXPLAIN = re.compile(
    r"^(?:why|how(?! many))\b|\blook for\b|\bwhat makes\b"
    r"|\bwhat(?:'s| is| are| does| do| counts? as)\s(?:a\s|an\s|the\s)?"
    r"(?:(?:most\s)?(?:typical|common|usual|main|biggest|key|classic)\s)?(?:red[- ]flag|fake"
    r"|bought|bot|growth|spike|engagement|anomal|over[- ]?sponsored|signs?|warning)"
    r"|\b(?:flags?|signs?)\s(?:to\s)?(?:look|watch|check)\b"
    r"|\bmeans?\b|\bmatters?\b|\ba problem\b|\bdangerous\b|\bhurts?\b|\bharms?\b"
    r"|\baffects?\b|\bimpacts?\b|\bbad\b|\bnormal\b|\bcommon\b|\bacceptable\b"
    r"|\ba (?:concern|big deal)\b|\b(?:ok|okay) (?:to|if)\b"
    # "any tips to avoid bots?", "what should we avoid when picking creators?"
    r"|\btips?\b|\bbest practices?\b|\badvice\b|\bstrateg(?:y|ies)\b"
    r"|\bwhat (?:should|must|do|can) (?:we|i|you)\b"
    # "do micro-influencers buy followers?": creators in general, not "any" of ours
    r"|^(?:do|does|are|is|can|could|will|would)\s(?:(?:most|many|all|small|smaller)\s)?"
    r"(?:micro[- ]?influencers|influencers|creators|micro[- ]?creators|nano[- ]?influencers)\b"
    r"(?!\s(?:on|in|from|for|among|with|we|you|here)\b)"
)
# Words that make a question about warning signs one about the roster ("anyone flagged?").
_ROSTER_WIDE = re.compile(
    r"\b(?:who|whom|which|anyone|anybody|someone|any ?one|creators?|influencers?|accounts"
    r"|people|roster)\b"
)
# "authentic skincare creators" asks for creators without warning signs, which every
# ranking is (flagged ones are left out): a list, not a question about authenticity.
_TRUSTWORTHY = re.compile(
    r"\b(?:authentic|genuine|legit(?:imate)?|trustworthy|trusted)\s"
    r"(?=(?:[a-z&'-]+\s){0,3}(?:creators?|influencers?|micro-influencers?|accounts|partners)\b)"
)
# A platform named ("on TikTok", "YouTubers"); "threads" only as "on threads", since "in the
# threads" is Slack talk. The niche never includes it: "vegan snacks on tiktok" is vegan snacks.
_PLATFORM = re.compile(
    r"\b(?:(?:on|via|across|using)\s+)?(instagram|insta|ig|tik\s?tok|youtube|yt)(?:e?rs?)?\b"
    r"|\bon (threads)\b|\b(threads)(?=\s+(?:creators?|influencers?|accounts?|people)\b)"
)
_PLATFORM_NAMES = {"insta": "instagram", "ig": "instagram", "yt": "youtube", "tik tok": "tiktok"}
# A country named ("anyone in the UK?", "parenting creators in australia"): creators whose
# audience is mostly there (the roster's audience_top_country). Country names only, not
# adjectives ("french cooking" is a niche); "US" only in capitals, since "us" is a pronoun.
COUNTRIES = {
    "GB": r"uk|u\.k\.|united kingdom|great britain|britain|england|scotland|wales",
    "US": r"usa|u\.s\.a\.|u\.s\.|united states|america|the states",
    "CA": r"canada",
    "AU": r"australia",
    "NZ": r"new zealand",
    "IE": r"ireland",
    "FR": r"france",
    "DE": r"germany",
    "ES": r"spain",
    "IT": r"italy",
    "NL": r"netherlands|holland",
    "BR": r"brazil",
    "MX": r"mexico",
    "IN": r"india",
    "JP": r"japan",
}
_COUNTRY = re.compile(
    r"(?:\b(?:in|from|based in|located in|audiences? in|followers in|for)\s+(?:the\s+)?)?"
    r"(?<![\w.@])(" + "|".join(COUNTRIES.values()) + r")(?![\w])(?:[\s-]based\b)?"
)
_COUNTRY_US = re.compile(
    r"(?:\b(?:in|from|based in|located in|audiences? in|followers in|for)\s+(?:the\s+)?)?"
    r"(?<![\w.@])US\b(?:[\s-]based\b)?"
)
_HANDLE = re.compile(r"(?<![\w@])@([a-z0-9_.-]{1,64})")
_EMOJI = re.compile("[\u2190-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]")
_HANDLE_GAP = " , "  # what a handle leaves behind when reading the niche: a phrase break
_BARE_NAME = re.compile(r"(?<![\w@.])[a-z0-9_][a-z0-9_.]{3,63}")

_SECRET_WORDS = re.compile(
    r"\b(api[\s_-]?keys?|(?<!crypto )(?<!nft )(?<!meme )tokens?(?!\s+(?:budget|limit|count|usage))"
    r"|secrets?|passwords?|credentials?|env(ironment)?\s+var\w*"
    r"|settings|config(uration)?|system\s+prompt|your\s+(instructions|prompt)|database\s+url"
    r"|openai_\w+|slack_\w+)\b"
)
_REVEAL_WORDS = re.compile(
    r"\b(reveal|show|print|tell|give|dump|list|share|leak|output|what(?:'s| is| are)|repeat|send)\b"
)
_SHORTLIST = re.compile(r"\bshort[\s-]?list(s|ed)?\b")
_SHORTLIST_VERB = re.compile(
    r"^(?:(?:please|pls|can you|could you|would you|let's|lets|go ahead and|ok|okay),?\s+)*"
    r"short[\s-]?list\s+(?!(?:for|of|on|is|has|have)\b)\S"
)
_CHANGE_WORDS = re.compile(
    r"\b(add|adding|remove|removing|delete|drop|put|include|insert|clear|wipe|move|take off"
    r"|replace|swap)\b"
)
# "add @x to spring launch", "please remove @x from the launch campaign": a request to change
# a campaign's shortlist that never says "shortlist" (run on the text with handles blanked).
_CHANGE_REQUEST = re.compile(
    r"^(?:(?:please|can you|could you|pls)\s+)*(?:add|put|remove|drop|take)(?:\s|,|&|\band\b)+"
    r"(?:to|onto|on|from|off)\s+(?:the\s+|our\s+)?(?P<name>[a-z0-9][a-z0-9 &'-]*?)"
    r"(?:\s+campaign)?\s*(?:please\s*)?[?.!]*$"
)
_GUIDANCE_CUES = re.compile(
    r"\b(why|how (should|do|can|could|to|does|would|are|is)|what makes|tips?|benefits?"
    r"|advantages?|challenges?|difficult(y|ies)|risks?|pitfalls?|downsides?|pros|cons"
    r"|best practices?|explain|difference|versus macro|compared? (to|with) (macro|mega|celebrit)"
    r"|what(?:'s| is| are) (a |an )?micro|best way|worth|strategy|strategies|measure|roi\b"
    r"|authentic"
    r"|cost[- ]effective|effective|does it work|do they work|better than|compared to"
    r"|(?:is|would) it (?:be )?better"
    # "which is better for engagement, micro or macro?", "what's the best platform for ...?"
    r"|\bmicro(?:[- ]?influencers?)? (?:or|vs\.?|versus) (?:macro|mega|nano)"
    r"|\b(?:macro|mega|nano)(?:[- ]?influencers?)? (?:or|vs\.?|versus) micro"
    r"|(?:which|what|best) (?:social )?(?:platforms?|networks?|channels?)\b"
    r"|guidance|advice"
    # "can we trust micro-influencers?" asks whether to, not for creators in a niche "trust".
    r"|(?<!who )(?<!whom )(?:can|should|do|could|would)"
    r" (?:we|i|you|brands|people|consumers|audiences|followers)"
    r" (?:really |actually |still )?trust)"
)
_RECOMMEND_CUES = re.compile(
    r"\b(who|which|recommend\w*|suggest\w*|find|top|best|partner\w*|work with|collaborat\w*"
    r"|candidates?|options|list|show|pick|picks|shortlist candidates|ideas|creators? for"
    r"|(?:(?:is|are) there|(?:we|you)(?:'ve| have)? got|do (?:we|you) have)\s(?:a\s|an\s|any\s)?"
    r"(?:(?!in\b|of\b|to\b|with\b)[a-z&'-]+\s){0,3}"
    r"(?:creators?|influencers?|people|person|accounts?|someone|anyone)"
    r"|influencers? for|anyone for|looking for|searching for|(?:give|get|send) (?:me|us)"
    # "what looks good for a vegan launch?", "anyone good for vegan fitness?"
    r"|(?:looks?|seems?|(?:anyone|anybody|someone|somebody))\s(?:good|great|right|promising"
    r"|strong|ideal|suited)\sfor"
    r"|(need|needs|want|wants)\s(?!a\s)(?:(?!with\b|about\b|to\b)[a-z0-9&'-]+\s){0,3}"
    r"(creators?|influencers?|people|accounts)"
    r"|any\s(?:(?!with\b|about\b|to\b|in\b|of\b)[a-z&'-]+\s){1,3}(creators?|influencers?|accounts))\b"
)
_COMPARE_CUES = re.compile(r"\b(compare|comparison|versus|vs\.?|better|side by side)\b")
_FOLLOW_UP = re.compile(r"^\s*(and|what about|how about|instead|then|ok(ay)?|also|now)\b")
_THEM = re.compile(
    r"\b(them|these|those|the (top|first) ?(\d+|two|three|four|five)?|both|which one|the two"
    r"|either)\b"
)
# "more followers", "higher engagement", "more engaged", "smaller": a comparison by a number.
_MORE_OF = re.compile(
    r"\b(?:(?P<less>fewer|less|lower|smaller)|more|most|higher|highest|bigger|biggest|larger)"
    r"\s+(?:[a-z]+\s+)?(?P<metric>followers?|following|audiences?|reach|engag\w*|er)\b"
    r"|\b(?P<size>bigger|biggest|larger|smaller)\b"
)


def _more_metric(match: re.Match[str]) -> RosterSort:
    metric = match["metric"] or "followers"
    return "engagement_rate" if metric.startswith(("engag", "er")) else "followers"


# "tell me more about the second one": a creator the last list named, by position (after a
# list only: answers about one creator move it to the front of what was mentioned).
_ORDINAL = re.compile(
    r"\bthe\s+(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last)"
    r"(?:\s+(?:one|creator|influencer|pick|option|account))?(?=\s*(?:$|[?.!,;]))"
)
_ORDINAL_INDEX = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "last": -1,
}  # fmt: skip
_LISTS = {Intent.RECOMMEND, Intent.PLAN, Intent.COMPARE, Intent.FLAGGED}
_PAIR = re.compile(r"\b(both|the two|either)\b")
# What a question can ask about creators' numbers; never a niche on its own.
_METRIC_WORDS = {
    "engagement", "engagements", "rate", "rates", "er", "cpm", "cpe", "reach", "benchmark",
    "benchmarks", "follower", "followers", "count", "cost", "per", "view", "views", "like",
    "likes", "comment", "comments",
}  # fmt: skip
_TOPIC_WORDS = re.compile(
    r"\b(micro[\s-]?influencers?|influencers?|creators?|engagement|authenticity|followers?|brands?"
    r"|campaigns?|audience|trust|niche|marketing)\b"
)

# "what's the average engagement rate on our roster?", "average followers of our
# creators?": the roster's own figures. Without "our" or "roster" ("the average engagement
# rate on TikTok") it asks for the published benchmarks.
_AVERAGE_OF = re.compile(r"\b(?:(?P<mean>on average|average|avg|mean)|median|typical)\b")
_HOW_ENGAGED = re.compile(r"\bhow (?:engaged|engaging)\b")  # "how engaged is our roster?"
_OUR_ROSTER = re.compile(
    r"\broster(?:'s)?\b|\b(?:our|my)\s+(?:[a-z&'-]+\s+){0,2}(?:creators?|influencers?|accounts"
    r"|people|partners)\b|\bwe (?:have|work with)\b"
)
_ROSTER_STAT = re.compile(r"\b(?P<engagement>engag\w*|er)\b|\bfollow(?:ers?|ing)\b")
# What a question about the roster's figures says besides its niche.
_STAT_WORDS = re.compile(
    _AVERAGE_OF.pattern + r"|\b(?:engag\w*|er|rates?|followers?|follower counts?|following)\b"
)

# Questions about the roster as a whole: "how many creators do we have?", "which platform
# has the most creators?". Not "how many creators should we hire?", which is strategy.
_HOW_MANY = re.compile(
    r"\bhow many\b(?!\s+followers?\b)(?!.*\b(?:should|need|needs|would|must|ought|to)\b)"
    r"(?=.*(?:\b(?:we|we've|our|us|you|roster|there|got|total|listed|altogether)\b"
    r"|\b(?:are (?:not )?)?(?:on|in|from)\b|\b(?:fit|fits|match|suit|cover)\b"
    r"|\b(?:creators|influencers|accounts)\W*$))"
    r"|\b(?:number|count|total) of (?:[a-z]+\s+){0,2}(?:creators|influencers|accounts)\b"
    r"|\bhow (?:big|large) is (?:the|our) roster\b|\broster size\b"
    r"|\b(?:platforms?|networks?)\b.*\b(?:most|fewest) (?:creators|influencers|accounts)\b"
)
# "who charges the most?", "the most expensive creator": rates per post, highest first.
_PRICIEST = re.compile(
    r"\b(?:most expensive|priciest|costliest|(?:charges?|costs?) the most"
    r"|highest[- ](?:rates?|prices?|fees?|priced))\b(?!\s+per\b)"
)
_HOW_MANY_TO_HIRE = re.compile(
    r"\bhow many\b(?!\s+followers?\b).*\b(?:should|need|needs|ought to|is ideal|is best)\b"
)
# "who has the highest engagement rate?", "who's the biggest creator?": the roster ordered
# by a number. Not "the most engaged" (a ranking by score) nor "lowest cost per engagement".
_HIGH = r"highest|best|top|biggest|largest|greatest|most|strongest"
_LOW = r"lowest|worst|smallest|least|fewest|weakest"
_BY_METRIC = re.compile(
    rf"\b(?P<dir>{_HIGH}|{_LOW})\s+(?:[a-z]+\s+)?(?P<metric>engagement(?:\s+rates?)?|er"
    r"|(?:follower\s+)?growth|views?|view counts?"
    r"|followers?|following|follower counts?|audiences?|reach|scor(?:es?|ing))\b(?!\s+per\b)"
    rf"|\b(?P<scores>scor(?:es|ing|ed))\s+(?:the\s+)?(?P<scores_dir>{_HIGH}|{_LOW})\b"
    r"|\b(?:sort(?:ed)?|rank(?:ed)?|order(?:ed)?|list(?:ed)?|top(?:\s+\d+)?|best(?:\s+\d+)?"
    r"|creators|influencers|accounts)\s+(?:them\s+|creators\s+|influencers\s+"
    r"|(?:our\s+|the\s+)?roster\s+|everyone\s+)?by\s+"
    r"(?P<by>engagement(?:\s+rates?)?|er|(?:follower\s+)?growth|(?:average\s+)?views"
    r"|followers?|follower counts?|audience size|reach)\b"
    # "who grew the fastest?", "fastest growing creators", "the most viewed creators"
    r"|\b(?:grew|grown|grows|growing)\s+(?:(?:their|its)\s+(?:followers?|following|audiences?)\s+)?"
    r"(?:the\s+)?(?P<grew>fastest|quickest|most|slowest|least)\b"
    r"|\b(?P<growing>fastest|quickest|slowest)[- ](?:growing|growth)\b"
    r"|\b(?P<viewed>most|least)[- ]viewed\b"
    rf"|\b(?P<size>biggest|largest|smallest|tiniest|most popular|most followed)"
    r"(?=\s+(?:[a-z]+\s+)?(?:creators?|influencers?|accounts?|one|of them)\b|\s*(?:$|[?.!,;]))"
)
# "how much does @x charge?", "what's @x's rate?": the price of one creator's post.
_ASKS_PRICE = re.compile(
    r"\bhow much\b|\b(?:charges?|charging|(?<!engagement )rates?|prices?|pricing|fees?|costs?)\b"
    r"(?!\s+per\s+(?:engagement|view|click|like|mille|thousand))"
)
_CREATORS_FRAGMENT = re.compile(
    r"^(?!(?:do|does|did|should|shall|can|could|would|will|is|are|was|were|has|have|how|why"
    r"|what|what's|whats|when|where|which|who|whose|if|when)\b)"
    r".*\b(?:creators?|influencers?|micro-influencers?|accounts|people|tiktokers|youtubers)\b"
)
# What a question about creators without a niche does with them ("who should we hire?").
_PARTNER_VERBS = re.compile(
    r"\b(?:work(?:ing)? with|partner\w*|collab\w*|hire|book|pick|choose|use|recommend\w*"
    r"|suggest\w*|sponsor|talk to|reach out|go with|contact|promote|team up|sign)\b"
)
_ON_PRICE = re.compile(
    r"\b(?:on|by|in terms of|for)\s+(?:the\s+)?(?:cost|price|pricing|rates?|fees?)\b"
    r"(?!\s+per\b)"
)
# "best value for money", "lowest cost per engagement", "most bang for the buck": the
# roster by cost per engagement, lowest first.
_BEST_VALUE = re.compile(
    r"\b(?:best|most|great(?:est)?|top)\s+(?:value|bang for (?:the|your|our) bucks?)\b"
    r"|\b(?:lowest|cheapest|smallest|best)\s+(?:cost|price)\s+per\s+(?:engagement|like|interaction)"
    r"|\bvalue for money\b"
)
# "what should we pay a 10k creator?", "a fair rate for a 50k creator?", "how much do
# micro-influencers charge?": what creators charge, not who charges least or most.
_RATE_CUE = re.compile(
    r"\bwhat\s+(?:should|do|would|will|shall|must)\s+(?:we|i|brands?|you)\s+pay\b"
    r"|\b(?:fair|typical|average|avg|going|reasonable|normal|standard|usual|median|market)\s+"
    r"(?:rates?|prices?|fees?|pay|costs?)\b(?!\s+per\s+(?:engagement|view|click|like|mille))"
    # "... for pets charge?": the verb that ends the question
    r"|\b(?:charge|cost|get\s+paid|ask\s+for)(?:\s+(?:per|a|an)\s+\w+)?(?=\s*(?:$|[?.!,;]))"
)
_GOING_RATE = re.compile(
    _RATE_CUE.pattern + r"|\bhow\s+much\s+(?:do|does|would|will|should|can)\b(?:\s+[\w'-]+){1,8}?"
    r"\s+(?:charge|cost|get\s+paid|ask\s+for)\b"
    r"|\bwhat\s+do(?:es)?\s+(?:[\w'-]+\s+){1,5}?charge\b"
)
# "a 20k fitness creator": a size, with the niche between it and the creator.
_SIZED_CREATOR = re.compile(
    _BARE_COUNT + r"\s+(?:[a-z&'-]+\s+){0,2}(?:creators?|influencers?|accounts?|tiktokers"
    r"|youtubers)\b"
)
# "how much would all of them cost?", "what would those cost in total?": a total, asked
# about the creators just named.
_ALL_OF_THEM = re.compile(
    r"\b(?:total|altogether|all together|together|combined|all (?:of )?(?:them|those|these)"
    r"|(?:them|those|these|they) all)\b"
)
_ASKS_WHO = re.compile(r"\b(?:who|whom|whose|which|show|list|give|rank|sort|top|anyone|anybody)\b")
# Words that ask about the whole roster rather than a niche's creators.
_WHOLE_ROSTER = re.compile(
    r"\b(?:overall|roster|everyone|everybody|every (?:creator|influencer|account)"
    r"|all (?:the |our |of (?:our|the) )?(?:creators|influencers|accounts)"
    r"|across (?:all )?niches|any niche)\b"
)

# Words that say nothing about the niche itself ("our new vegan fitness brand" -> "vegan fitness").
_FILLER = {
    "a", "an", "the", "our", "my", "your", "their", "this", "that", "these", "those", "some",
    "any", "new", "upcoming", "next", "good", "great", "best", "top", "right", "ideal", "perfect",
    "brand", "brands", "campaign", "campaigns", "launch", "product", "products", "line", "niche",
    "space", "category", "market", "audience", "content", "creator", "creators", "influencer",
    "influencers", "micro", "micro-influencer", "micro-influencers", "people", "partners",
    "partner", "partnership", "partnerships", "accounts", "account", "instead", "then", "please",
    "now", "us", "me", "it", "we", "them", "one", "ones", "few", "more", "other", "someone",
    "anyone", "who", "which", "what", "there", "person", "guy", "gal", "something", "things",
    "stuff", "money", "in", "on", "at",
    "for", "about", "into", "around", "set", "plan", "mix", "group", "lineup", "roster", "total",
    "within", "only", "also", "too", "both", "small", "big", "same", "are", "is", "be", "do",
    "does", "can", "could", "would", "should", "will", "get", "have", "has", "find", "show",
    "list", "recommend", "suggest", "give", "need", "want", "pick", "choose", "all", "how", "many",
    "much", "work", "working", "with", "and", "or", "of", "needs", "wants", "got", "looking",
    "searching", "asap", "send", "i", "you", "couple", "most", "compare", "but", "not", "isn't",
    "aren't", "bang", "buck", "value", "engaged", "engaging", "drop", "drops", "collab",
    "collabs", "promo", "activation",
    # tiers, which set follower bounds ("nano creators for beauty")
    "nano", "mid", "macro", "mega", "tier", "mid-tier", "sized", "size", "level",
    # hedges ("ideally creators under 50k")
    "ideally", "preferably", "maybe", "probably", "mostly", "mainly", "possibly",
    # asking about the roster as a whole ("our whole roster overall")
    "overall", "whole", "entire", "every", "everyone", "everybody", "altogether",
    # the slash command's words, typed to the bot ("rank vegan fitness", "/scout rank ...")
    "scout", "rank", "ranked", "ranking",
    # chat shorthand
    "ppl", "folks", "peeps", "lol", "rn", "pls", "plz", "thx", "thanks", "tbh", "hey", "hi",
    "whos", "whose", "u", "ur", "r", "ya", "gimme", "wanna", "gonna",
    # common misspellings of the words above ("recomend sknicare influencers")
    "recomend", "reccomend", "reccommend", "recommed", "recomment", "sugest", "suggets",
    "influencer's", "influencers'", "influncers", "infuencers", "influecers", "creaters",
}  # fmt: skip
# "to" before one of these starts what the creators are for ("fitness to promote our shakes");
# before other words it is part of the niche ("back to school").
_PURPOSE_VERBS = (
    r"promote|sell|launch|reach|push|help|grow|boost|drive|target|advertise|market|feature"
    r"|showcase|review|try|test|hire|book|pay|spend|run|use|sponsor|contact|build|increase"
    r"|raise|make|create|post|share|talk|get|go|be|do|see|spread|introduce|announce|support"
)
_NICHE_AFTER = re.compile(
    r"\b(?:for|in|around|about|covering|within|on|into|suits?|fits?|matche?s?|targeting|among)\s+"
    r"(?P<phrase>[a-z][a-z0-9&'/ -]*?)"
    r"(?=$|[?.!,;:]|\s(?:with|under|using|and with|and a|budget|if|that|who|which|on a|at"
    rf"|to(?!\s+(?!(?:{_PURPOSE_VERBS})\b)[a-z])"
    r"|so|please|we|i|instead|targeting|aimed|reaching)\b)"
)
_NICHE_BEFORE = re.compile(
    r"(?P<phrase>[a-z][a-z0-9&'/ -]*?)\s+(?:creators?|influencers?|micro-influencers?|accounts"
    r"|niche|space|campaign|brand|partners?)\b"
)
_WORD = re.compile(r"[a-z0-9&'-]+")
# "what's", "who's", "we're", "i'm": a contraction of a filler word is filler too.
_CONTRACTION = re.compile(r"'(?:s|re|m|ve|ll|d)$")
_CONTRACTED_FILLER = {"i", "there", "here", "let"}
MAX_MENTIONED = 20  # handles a conversation remembers for "compare them"
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5}


def parse_budget(text: str) -> float | None:
    """A budget in US dollars written as "$5k", "5,000 dollars", "budget of 2500", "two grand"
    and the like.
    "$0" is a budget too (it plans nothing, and the answer says what the cheapest fit costs)."""
    lowered = text.lower()
    for pattern in _BUDGET_PATTERNS:
        match = pattern.search(lowered)
        if match:
            whole, fraction, unit = match.group(1), match.group(2) or "", match.group(3)
            return float(whole.replace(",", "") + fraction) * _MULTIPLIER.get(unit or "", 1.0)
    for pattern in _WORD_BUDGET_PATTERNS:
        match = pattern.search(lowered)
        if match:
            return float(_NUMBER_WORD_VALUES[match.group(1)] * _WORD_MULTIPLIER[match.group(2)])
    return None


# "nano creators for beauty", "mega influencers": a tier named for the creators asked for is
# its follower band. Not "micro": marketers say "micro-influencers" for creators at large.
_TIER_NAMED = re.compile(
    r"\b(nano|mid|macro|mega)(?:[- ]?(?:tier|sized?|level))?[- ]?"
    r"(?=(?:creators?|influencers?|accounts?|tiktokers|youtubers)\b)"
)


def names_foreign_budget(text: str) -> bool:
    """True when `text` gives an amount in a currency we don't convert ("€2000", "2000 EUR")."""
    lowered = text.lower()
    return any(pattern.search(lowered) for pattern in _FOREIGN_BUDGET_PATTERNS)


def _tier_named(text: str) -> str | None:
    match = _TIER_NAMED.search(_plain(text))
    return match.group(1) if match else None


def tier_bounds(text: str) -> tuple[int | None, int | None]:
    """The follower band of a tier the question asks for ("nano creators": 0 to 9,999),
    or (None, None)."""
    match = _TIER_NAMED.search(_plain(text))
    if not match:
        return None, None
    band = next(b for b in follower_tiers().tiers if b.name == match.group(1))
    return band.min_followers or None, band.max_followers


def parse_follower_bounds(text: str) -> tuple[int | None, int | None]:
    """The inclusive follower bounds a question sets ("under 50k followers": at most 49,999),
    as (at least, at most); None where it sets none. A bare count in thousands ("vegan
    creators under 50k") is about followers too, unless it is money or counts something else;
    a bound that says "followers" wins over a bare one on the same side. A size without a
    bound ("around 30k followers") allows half of it either way."""
    lowered = _unnegated_bounds(_plain(text))
    low, high = _bounds(
        _FOLLOWER_RANGE.search(lowered),
        ((bound, step, p.search(lowered)) for p, bound, step in _FOLLOWER_BOUND_PATTERNS),
    )
    bare_low, bare_high = _bounds(
        _bare(_BARE_FOLLOWER_RANGE, lowered) or _bare(_BARE_DASH_RANGE, lowered),
        ((bound, step, _bare(p, lowered)) for p, bound, step in _BARE_FOLLOWER_BOUNDS),
    )
    low, high = (bare_low if low is None else low), (bare_high if high is None else high)
    about = _ABOUT_FOLLOWERS.search(lowered)
    if about and low is None and high is None:
        size = _count(*about.group(1, 2, 3))
        return (size + 1) // 2, size * 3 // 2
    if low is None and high is None:
        return tier_bounds(text)
    return low, high


def _unnegated_bounds(text: str) -> str:
    """The text with negated bounds ("nobody over 100k") said as bounds ("at most 100k")."""
    return _NEGATED_BOUND.sub(lambda m: "at most" if m.group(1) else "at least", text)


def _bounds(
    ranged: re.Match[str] | None,
    matches: Iterable[tuple[str, int, re.Match[str] | None]],
) -> tuple[int | None, int | None]:
    """(at least, at most) from a range match and (bound, step, match) triples."""
    low: int | None = None
    high: int | None = None
    if ranged:
        low, high = _count(*ranged.group(1, 2, 3)), _count(*ranged.group(4, 5, 6))
    for bound, step, match in matches:
        if not match:
            continue
        value = max(_count(*match.group(1, 2, 3)) + step, 0)
        if bound == "min":
            low = value if low is None else max(low, value)
        else:
            high = value if high is None else min(high, value)
    return low, high


def _bare(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of a bare-count pattern that is not about money."""
    return next(
        (m for m in pattern.finditer(text) if not _MONEY_CONTEXT.search(text[: m.start()])), None
    )


def _count(whole: str, fraction: str | None, unit: str | None) -> int:
    return round(float(whole.replace(",", "") + (fraction or "")) * _MULTIPLIER.get(unit or "", 1))


def find_flag_codes(text: str) -> list[str] | None:
    """The flag codes a question about warning signs asks for ("fake followers": growth_spike
    and engagement_anomaly; "red flags": [], any flag), or None when it asks about none.
    A negated cue ("creators without fake followers") asks for none."""
    lowered = _plain(text)
    codes: list[str] = []
    asked = False
    for pattern, cue_codes in _FLAG_CUES:
        for match in pattern.finditer(lowered):
            if not _NEGATION.search(lowered[: match.start()]):
                asked = True
                codes.extend(c for c in cue_codes if c not in codes)
    return codes if asked else None


def _mentions_flags(text: str) -> bool:
    """Whether the text names a warning sign at all, negated or not."""
    lowered = _plain(text)
    return any(pattern.search(lowered) for pattern, _ in _FLAG_CUES)


def find_handles(text: str, known: Collection[str] = frozenset()) -> list[str]:
    """Handles in order of appearance: "@name" always, a known handle's bare name too.

    `known` is a set of handles ("@name"); lookups are per word, so rosters of any size
    cost the same.
    """
    lowered = text.lower()
    found: list[tuple[int, str]] = [
        (m.start(), "@" + m.group(1).rstrip(".-")) for m in _HANDLE.finditer(lowered)
    ]
    for match in _BARE_NAME.finditer(lowered):
        bare = match.group(0).rstrip(".")
        # Short bare names ("ann") are too likely to be ordinary words.
        if len(bare) >= 5 and "@" + bare in known:
            found.append((match.start(), "@" + bare))
    ordered: list[str] = []
    for _, handle in sorted(found):
        if handle not in ordered:
            ordered.append(handle)
    return ordered


# What joins a list's items: "tiktok or youtube", "the UK, the US", "instagram/tiktok".
_LIST_JOINER = re.compile(r"\s*(?:,|/|&)?\s*(?:(?:or|nor|and)\s+)?")


def _ruled_out(lowered: str, found: Iterable[tuple[int, int, str]]) -> list[tuple[str, bool]]:
    """Each value named, at (start, end), in order, with whether it is ruled out: negated
    itself ("not on TikTok") or listed right after one that is ("not on TikTok or YouTube")."""
    marked: list[tuple[str, bool]] = []
    previous_end, previous_out = 0, False
    for start, end, value in sorted(found):
        out = bool(_NEGATION.search(lowered[:start])) or (
            previous_out and _LIST_JOINER.fullmatch(lowered[previous_end:start]) is not None
        )
        marked.append((value, out))
        previous_end, previous_out = end, out
    return marked


def _platforms_named(lowered: str) -> list[tuple[str, bool]]:
    found = []
    for match in _PLATFORM.finditer(lowered):
        name = match.group(1) or match.group(2) or match.group(3)
        found.append((match.start(), match.end(), _PLATFORM_NAMES.get(name, name)))
    return _ruled_out(lowered, found)


def _countries_named(text: str, lowered: str) -> list[tuple[str, bool]]:
    found = [(m.start(), m.end(), _country_code(m.group(1))) for m in _COUNTRY.finditer(lowered)]
    found += [(m.start(), m.end(), "US") for m in _COUNTRY_US.finditer(text)]
    # "in the UK or us": a lower-case "us" listed after a country is the US, not "us".
    found += [
        (m.start(), m.end(), "US")
        for m in re.finditer(r"\b(?:the\s+)?us\b", lowered)
        if any(
            end <= m.start() and _LIST_JOINER.fullmatch(lowered[end : m.start()])
            for _, end, _ in found
        )
    ]
    return _ruled_out(lowered, found)


def find_platforms(text: str) -> list[str]:
    """The platforms a question asks for ("TikTok creators", "on Instagram or TikTok"), in
    order; not ruled-out ones ("not on TikTok")."""
    named = _platforms_named(_plain(text))
    return list(dict.fromkeys(name for name, out in named if not out))


def find_countries(text: str) -> list[str]:
    """The countries (ISO codes) a question asks for ("creators in the UK": ["GB"], "in the
    UK or the US": ["GB", "US"]); not ruled-out ones ("not in the US")."""
    named = _countries_named(text, _plain(text))
    return list(dict.fromkeys(code for code, out in named if not out))


def find_exclusions(text: str, known_niches: Iterable[str] = ()) -> list[str]:
    """What a question rules out: platforms ("not on TikTok or YouTube"), audience countries
    as ISO codes ("not in the US") and roster niche tags ("but not fitness"), in that order."""
    lowered = _plain(text)
    excluded = [name for name, out in _platforms_named(lowered) if out]
    excluded += [code for code, out in _countries_named(text, lowered) if out]
    excluded += [tag for tag, _ in _negated_niches(lowered, known_niches)]
    return list(dict.fromkeys(excluded))


def _as_filter(values: list[str]) -> OneOrMore | None:
    """A filter as a route keeps it: None, the one value, or the list of any-of values."""
    return None if not values else values[0] if len(values) == 1 else values


def _negated_niches(lowered: str, known_niches: Iterable[str]) -> list[tuple[str, re.Match[str]]]:
    """Roster niche tags the text rules out ("not fitness", "excluding beauty"), with where."""
    return [
        (tag.lower(), match)
        for tag in known_niches
        for match in re.finditer(rf"\b{re.escape(tag.lower())}\b", lowered)
        if _NEGATION.search(lowered[: match.start()])
    ]


def _country_code(name: str) -> str:
    return next(code for code, names in COUNTRIES.items() if re.fullmatch(names, name))


def _without_countries(text: str) -> str:
    """The text with the countries it names blanked out, as a phrase break."""
    return _COUNTRY_US.sub(_HANDLE_GAP, text)


def _plain(text: str) -> str:
    """Lower case, with typographic apostrophes (Slack and phones send "what’s") made plain
    and emoji made spaces ("who's best for 🧘 yoga?" is about yoga)."""
    return _EMOJI.sub(" ", text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _is_filler(word: str) -> bool:
    base = _CONTRACTION.sub("", word)
    return word in _FILLER or (base != word and (base in _FILLER or base in _CONTRACTED_FILLER))


def _clean_phrase(phrase: str) -> str | None:
    words = [w.strip("'-") for w in _WORD.findall(phrase)]
    # A count ("20k", "1.5m") is a size, never part of a niche.
    kept = [
        w
        for w in words
        if w
        and not _is_filler(w)
        and not re.fullmatch(r"\d+(?:\.\d+)?[km]?", w)
        and w not in _NUMBER_WORDS
    ]
    # "to" joins two words of a niche ("back to school"), never ends one ("skincare to us").
    while kept and kept[-1] == "to":
        kept.pop()
    return " ".join(kept) or None


def without_filters(text: str) -> str:
    """A brief without the platforms and audience countries it names, which filter instead
    ("skincare on instagram or tiktok": "skincare"); the brief as given when that would
    leave nothing."""
    lowered = _PLATFORM.sub(_HANDLE_GAP, _plain(_without_countries(text)))
    return _clean_phrase(_COUNTRY.sub(_HANDLE_GAP, lowered)) or text


def find_niche(
    text: str, known_niches: Iterable[str] = (), dictionary: Collection[str] = frozenset()
) -> str | None:
    """The niche or brief a question is about, or None when it names none; words one edit
    from a roster niche are read as it unless `dictionary` has them (see _without_typos)."""
    # A handle ends a phrase: "is $300 for @greenrunner reasonable?" has no niche "reasonable".
    lowered = _HANDLE.sub(_HANDLE_GAP, _unnegated_bounds(_plain(_without_countries(text))))
    lowered = _without_typos(lowered, known_niches, dictionary)
    lowered = _PLATFORM.sub(_HANDLE_GAP, lowered)
    lowered = _COUNTRY.sub(_HANDLE_GAP, lowered)
    # A niche ruled out ("wellness but not fitness") is no part of the one asked for.
    for _, match in reversed(_negated_niches(lowered, known_niches)):
        lowered = lowered[: match.start()] + _HANDLE_GAP + lowered[match.end() :]
    for pattern in (*_BUDGET_PATTERNS, *_WORD_BUDGET_PATTERNS, *_FOREIGN_BUDGET_PATTERNS):
        lowered = pattern.sub(" ", lowered)
    # What a question asks about the creators (price, size, warning signs) is no niche.
    for pattern in (
        _CHEAPEST,
        _PRICIEST,
        _RATE_CUE,
        _BY_METRIC,
        _HOW_MANY,
        _TRUSTWORTHY,
        _NO_FOLLOWER_LIMIT,
        _COMPARED_ON,
        _FOLLOWER_RANGE,
        _BARE_FOLLOWER_RANGE,
        _BARE_DASH_RANGE,
        *(p for p, _, _ in _FOLLOWER_BOUND_PATTERNS),
        *(p for p, _, _ in _BARE_FOLLOWER_BOUNDS),
        *(p for p, _ in _FLAG_CUES),
    ):
        lowered = pattern.sub(_HANDLE_GAP, lowered)
    lowered = re.sub(r"[\"“”]", " ", lowered)
    for pattern in (_NICHE_AFTER, _NICHE_BEFORE):
        for match in pattern.finditer(lowered):
            niche = _clean_phrase(match.group("phrase"))
            if niche:
                return niche
    tags = [
        (lowered.find(tag.lower()), tag.lower())
        for tag in known_niches
        if re.search(rf"\b{re.escape(tag.lower())}\b", lowered)
    ]
    if tags and len(_WORD.findall(lowered)) <= 5:
        # A short question naming a roster niche is itself the brief ("budget travel").
        return _clean_phrase(lowered)
    return " ".join(tag for _, tag in sorted(tags)) or None


def _without_typos(text: str, known_niches: Iterable[str], dictionary: Collection[str]) -> str:
    """The text with words one edit from a roster niche tag word read as that word ("gimme
    fitnes creaters": fitness), unless they are words the questions use anyway or real
    words in `dictionary` ("who cooks vegan food?" is not about books)."""
    tag_words = {word for tag in known_niches for word in _WORD.findall(tag.lower())}
    if not tag_words:
        return text

    def fixed(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in _FILLER or word in _METRIC_WORDS or word in dictionary:
            return word
        return tag_word_for(word, tag_words) or word

    # Whole words only: not part of a handle ("@fitnes.guru") or of "plant-based".
    return re.sub(r"(?<![\w'@.-])[a-z]+(?![\w'@-])", fixed, text)


def find_campaign(text: str) -> str | None:
    """The campaign a shortlist question names: quoted, or next to the word "shortlist"."""
    quoted = re.search(r"[\"“']([^\"”']{2,80})[\"”']", text)
    if quoted:
        return quoted.group(1).strip()
    lowered = _HANDLE.sub(" ", text.lower())
    after = re.search(
        r"short[\s-]?list(?:ed)?\s+(?:for|of|on)\s+(?:the\s+)?(?P<name>[a-z0-9][a-z0-9 &'-]*?)"
        r"(?:\s+campaign)?\s*(?:$|[?.!,;])",
        lowered,
    )
    before = re.search(
        r"(?:the|our|on|to|from)\s+(?P<name>[a-z0-9][a-z0-9 &'-]*?)\s+(?:campaign\s+)?"
        r"short[\s-]?list",
        lowered,
    )
    for match in (after, before):
        if match:
            # "the status of our shortlist" names no campaign "status of".
            words = re.split(r"\bof\b", match.group("name"))[-1].split()
            name = " ".join(w for w in words if w not in {"the", "our", "campaign"})
            if name and name not in {"a", "my", "your", "any", "current", "this"}:
                return name
    return None


def _top_n(text: str) -> int | None:
    match = re.search(r"\b(?:top|first)\s+(\d+|two|three|four|five)\b", text)
    match = match or _CHEAPEST_COUNT.search(text) or _CREATOR_COUNT.search(text)
    if not match:
        return None
    word = next(group for group in match.groups() if group)
    return (int(word) or None) if word.isdigit() else _NUMBER_WORDS[word]


def roster_order(text: str) -> tuple[RosterSort, bool] | None:
    """The number a question orders the roster by, and whether lowest first: "who has the
    most followers?" is (followers, False); None when it asks for no such order."""
    match = _BY_METRIC.search(_plain(text))
    if not match:
        return None
    if match.group("grew") or match.group("growing"):
        slow = match.group("grew") or match.group("growing")
        return "follower_growth_30d", slow in {"slowest", "least"}
    if match.group("viewed"):
        return "avg_views", match.group("viewed") == "least"
    metric = match.group("metric") or match.group("by") or match.group("scores") or "followers"
    direction = match.group("dir") or match.group("scores_dir")
    ascending = bool(
        (direction and re.fullmatch(_LOW, direction))
        or (match.group("size") in {"smallest", "tiniest"})
    )
    if metric.startswith("scor"):  # "who has the highest score?", "who scores lowest?"
        return "score", ascending
    if metric.startswith(("engagement", "er")):
        return "engagement_rate", ascending
    if metric.endswith("growth"):
        return "follower_growth_30d", ascending
    if "view" in metric:
        return "avg_views", ascending
    return "followers", ascending


def _without_bare_handles(text: str, handles: Iterable[str]) -> str:
    """The text with bare handles ("score tofu.tempo") blanked out, so "for tofu.tempo"
    is not read as the niche "tofu"."""
    for handle in handles:
        text = re.sub(rf"(?<![\w@.]){re.escape(handle[1:])}(?![\w])", _HANDLE_GAP, text, flags=re.I)
    return text


def route(
    question: str,
    *,
    known_handles: Collection[str] = frozenset(),
    known_niches: Sequence[str] = (),
    dictionary: Collection[str] = frozenset(),
    context: Context | None = None,
) -> Route:
    """Recognise the question; `context` fills what a follow-up leaves out, and
    `dictionary` holds real words, never read as typos of a roster niche."""
    text = _plain(question).strip()
    context = context or Context()
    previous = context.route
    handles = find_handles(question, known_handles)
    ordinal = _ORDINAL.search(text)
    listed = previous is not None and previous.intent in _LISTS
    if ordinal and not handles and listed:
        index = _ORDINAL_INDEX[ordinal.group(1)]
        index += context.last_answer_named if index < 0 else 0  # "the last one"
        if 0 <= index < context.last_answer_named:
            handles = [context.mentioned[index]]
        question = _ORDINAL.sub(_HANDLE_GAP, text)  # "the first one" is no niche
    budget = parse_budget(question)
    niche = find_niche(_without_bare_handles(question, handles), known_niches, dictionary)
    # "what's the best engagement rate for micro-influencers?" asks about a number, not for
    # creators in a niche "engagement rate" ("who has the best engagement rate?" still lists).
    asks_about_a_metric = bool(niche and set(niche.split()) <= _METRIC_WORDS)
    if asks_about_a_metric:
        niche = None
    follow_up = previous is not None and bool(_FOLLOW_UP.search(text) or len(text.split()) <= 6)
    inherited_niche = niche or (previous.niche if previous else None)
    low, high = parse_follower_bounds(question)
    tier = _tier_named(question) if (low, high) == tier_bounds(question) else None
    bounded = low is not None or high is not None
    platform = _as_filter(find_platforms(question))
    country = _as_filter(find_countries(question))
    exclude = find_exclusions(question, known_niches)
    unlimited = bool(_NO_FOLLOWER_LIMIT.search(text))
    narrowed = bounded or platform is not None or country is not None or unlimited or bool(exclude)
    if previous is not None and (
        niche is None or previous.niche is None or _FOLLOW_UP.search(text)
    ):
        # Bounds and platform go with the thread: kept while the niche is, when it is named
        # after them, and for "what about fitness?", which changes the niche and nothing
        # else. A new question with a niche of its own starts afresh.
        if not bounded and not unlimited:
            low, high = previous.min_followers, previous.max_followers
            tier = previous.tier
        platform = platform or previous.platform
        country = country or previous.country
        exclude = exclude or previous.exclude
    sizes: Narrowing = {
        "min_followers": low,
        "max_followers": high,
        "platform": platform,
        "country": country,
        "exclude": exclude,
        "tier": tier,
    }

    if _SECRET_WORDS.search(text) and _REVEAL_WORDS.search(text):
        return Route(intent=Intent.SECRETS)
    change = _CHANGE_REQUEST.search(_HANDLE.sub(" ", text)) if handles else None
    if change and not _SHORTLIST.search(text):
        return Route(intent=Intent.SHORTLIST_CHANGE, handles=handles, campaign=change["name"])
    if _SHORTLIST.search(text):
        # "shortlist the first one", "can you shortlist them?": a change too.
        verb = _SHORTLIST_VERB.search(text)
        if verb and not handles and _THEM.search(text):
            handles = context.mentioned[: max(context.last_answer_named, 1)]
        changes = bool(_CHANGE_WORDS.search(text) or verb)
        intent = Intent.SHORTLIST_CHANGE if changes else Intent.SHORTLIST
        campaign = find_campaign(question) or (previous.campaign if previous else None)
        return Route(intent=intent, handles=handles, campaign=campaign)
    # A named creator comes first: "is $300 a post for @greenrunner reasonable?" is about
    # @greenrunner, not a plan for $300.
    if (
        budget is not None
        and not handles
        and _WEIGHS_PRICE.search(text)
        and (_ONE_CREATOR.search(text) or _PER_POST.search(text))
        and not _ASKS_WHO.search(text)
    ):
        # "fair", "ok" and "too little" are no niche.
        weighed_niche = find_niche(_WEIGHS_PRICE.sub(_HANDLE_GAP, text), known_niches, dictionary)
        return _rates_route(question, text, weighed_niche, known_niches, asked_rate=budget)
    if budget is not None and not handles and _PER_POST.search(text):
        # "creators under $300 a post", "our top skincare creator under $1000 a post": the
        # creators within that rate (for the niche, if any), cheapest first unless the best
        # are asked for.
        best = re.search(r"\b(?:top|best|strongest|highest[- ]scor\w*)\b", text)
        return Route(
            intent=Intent.ROSTER,
            niche=niche or (previous.niche if follow_up and previous else None),
            sort_by="score" if best and not _CHEAPEST.search(text) else "rate",
            ascending=not best or bool(_CHEAPEST.search(text)),
            max_rate=budget,
            count=_top_n(text) or 5,
            **sizes,
        )
    if budget is not None and not handles:
        return Route(intent=Intent.PLAN, niche=inherited_niche, budget=budget, **sizes)
    if not handles and names_foreign_budget(text):
        # Planning €3000 as $3000 would be wrong, and silently dropping it misleading.
        return Route(intent=Intent.RECOMMEND, niche=inherited_niche, foreign_budget=True)
    if (
        not handles
        and context.last_answer_named
        and _ALL_OF_THEM.search(text)
        and re.search(r"\bhow much\b|\bcosts?\b(?!\s+per\b)|\bspend\b|\bpay\b", text)
    ):
        count = _top_n(text) or context.last_answer_named
        return Route(
            intent=Intent.COMPARE,
            handles=context.mentioned[:count],
            niche=inherited_niche,
            order="rate",
            total=True,
        )
    if not handles and _GOING_RATE.search(text):
        return _rates_route(question, text, niche, known_niches)
    if len(handles) >= 2:
        # "who's cheaper, @a or @b?" weighs them by rate, like "which one is cheaper?" does.
        # "compare @a and @b on cost" too.
        by_price = _CHEAPEST.search(text) or _ON_PRICE.search(text)
        order: RankOrder = "rate" if by_price else "score"
        return Route(intent=Intent.COMPARE, handles=handles, niche=inherited_niche, order=order)
    if len(handles) == 1:
        rival = next((h for h in context.mentioned if h != handles[0]), None)
        if rival and re.search(r"\b(instead|rather|over|vs|versus|compare)\b", text):
            return Route(intent=Intent.COMPARE, handles=[handles[0], rival], niche=inherited_niche)
        return Route(
            intent=Intent.SCORE,
            handles=handles,
            niche=inherited_niche,
            warning_signs=find_flag_codes(text) is not None,
            order="rate"
            if _ASKS_PRICE.search(_HANDLE.sub(" ", text))
            or (budget is not None and _PER_POST.search(text))
            else "score",
            # "how many followers does @x have?", "what's @x's engagement rate?"
            sort_by="followers"
            if re.search(r"\bhow (?:many|big)\b|\bfollow(?:ers?|ing)\b|\bsize\b|\btier\b", text)
            else "engagement_rate"
            if re.search(r"\bengagement\b|\ber\b", text)
            else "score",
        )
    # "which one is cheaper?" after a comparison weighs the same creators by rate; "who is the
    # cheapest skincare creator?" names a niche, so it asks about the whole roster.
    cheaper = bool(
        _CHEAPEST.search(text)
        and niche is None
        and (_THEM.search(text) or re.search(r"\bwho(?:'s| is)\b", text))
    )
    # "which one has more followers?", "which is more engaged?": the same creators, by that.
    more = _MORE_OF.search(text) if niche is None else None
    more = more if more and re.search(r"\b(?:which|who)\b|\bthem\b", text) else None
    if len(context.mentioned) >= 2 and (
        cheaper or more or (_COMPARE_CUES.search(text) and _THEM.search(text))
    ):
        # "which one is cheapest?" after a list of five weighs all five, not the first two
        # or three; "both" and "either" are two.
        count = _top_n(text) or (2 if _PAIR.search(text) else max(2, context.last_answer_named))
        return Route(
            intent=Intent.COMPARE,
            handles=context.mentioned[:count],
            niche=inherited_niche,
            order="rate" if cheaper else "score",
            sort_by="score" if cheaper or not more else _more_metric(more),
            ascending=bool(more and more["less"]),
        )
    average = _AVERAGE_OF.search(text)
    if (
        (average or _HOW_ENGAGED.search(text))
        and _ROSTER_STAT.search(text)
        and _OUR_ROSTER.search(text)
    ):
        # The roster's figures, for the niche the question names besides them.
        engaged = any(m["engagement"] for m in _ROSTER_STAT.finditer(text))
        return Route(
            intent=Intent.ROSTER,
            stats=True,
            mean=bool(average and average["mean"]),
            sort_by="engagement_rate" if engaged else "followers",
            niche=find_niche(_STAT_WORDS.sub(_HANDLE_GAP, text), known_niches, dictionary),
            **sizes,
        )
    if (
        _BENCHMARK.search(text)
        and not _ASKS_WHO.search(text)
        and not (niche and _CREATORS_FRAGMENT.search(text))  # "fitness creators with good ER"
    ):
        stated = _FOLLOWER_COUNT.search(text) or _ACCOUNT_SIZE.search(text)
        followers = _count(*stated.group(1, 2, 3)) if stated else None
        return Route(
            intent=Intent.GUIDANCE,
            benchmarks=True,
            platform=next(iter(find_platforms(text)), None),
            followers=followers,
        )
    if _SCORING.search(text) and not _HANDLE.search(text):
        return Route(intent=Intent.GUIDANCE, scoring=True)
    if _TIERS.search(text) and not _NOT_TIERS.search(text):
        stated = _FOLLOWER_COUNT.search(text)
        followers = _count(*stated.groups()) if stated else None
        return Route(intent=Intent.GUIDANCE, tiers=True, followers=followers)
    flag_codes = find_flag_codes(text)
    if flag_codes is not None:
        if _EXPLAIN.search(text):  # "what counts as a red flag?"
            return Route(intent=Intent.GUIDANCE, flags=flag_codes, warning_signs=True)
        if (
            follow_up
            and previous is not None
            and previous.intent == Intent.SCORE
            and niche is None
            and not _ROSTER_WIDE.search(text)
        ):
            # "any red flags?" right after "score @x" is about @x, not the whole roster.
            return previous.model_copy(update={"warning_signs": True})
        # "anyone I should avoid?" in a thread about a niche is about that niche.
        flag_niche = niche or (previous.niche if follow_up and previous else None)
        return Route(intent=Intent.FLAGGED, niche=flag_niche, flags=flag_codes)
    if (
        niche
        and follow_up
        and previous is not None
        and previous.intent == Intent.FLAGGED
        and not _RECOMMEND_CUES.search(text)
        and not _CHEAPEST.search(text)
    ):
        # "what about skincare?" after "any flagged fitness creators?": the same warning
        # signs, in the new niche.
        return Route(intent=Intent.FLAGGED, niche=niche, flags=previous.flags)
    # "best creators by followers" lists them, as "who has the most followers?" does.
    by = _BY_METRIC.search(text)
    listed_by = _ASKS_WHO.search(text) or _CREATORS_FRAGMENT.search(text) or (by and by["by"])
    ordered = roster_order(text)
    if ordered and not listed_by and ordered[0] not in ("follower_growth_30d", "avg_views"):
        # "what's the highest engagement rate?" asks about a norm; growth and views have none
        # to ask about, so "highest average views" lists creators.
        ordered = None
    if _PRICIEST.search(text) and not handles:  # "who charges the most?"
        ordered = ("rate", False)
    if _BEST_VALUE.search(text) and (_ASKS_WHO.search(text) or _TOPIC_WORDS.search(text)):
        ordered = ("cost_per_engagement", True)
    roster_niche = niche or (previous.niche if follow_up and previous else None)
    if _HOW_MANY_TO_HIRE.search(text):
        # "how many micro-influencers should a brand work with?": strategy, not a count.
        return Route(intent=Intent.GUIDANCE)
    if _HOW_MANY.search(text) or ordered:
        sort_by, ascending = ordered or ("score", False)
        return Route(
            intent=Intent.ROSTER,
            niche=roster_niche,
            sort_by=sort_by,
            ascending=ascending,
            counting=bool(_HOW_MANY.search(text)),
            count=_top_n(text) or 5,
            **sizes,
        )
    if (
        follow_up
        and previous is not None
        and previous.intent == Intent.ROSTER
        and (narrowed or niche)
        and not _GUIDANCE_CUES.search(text)
    ):
        # "and on TikTok?" after "how many creators do we have?": the same question, narrowed.
        return previous.model_copy(update={"niche": roster_niche, **sizes})
    if follow_up and previous is not None and previous.intent == Intent.ROSTER:
        # "and the lowest?" after "who has the highest engagement rate?": the other end.
        flip = re.search(rf"\b(?:({_LOW})|{_HIGH})\b", text)
        if flip and previous.sort_by != "score":
            return previous.model_copy(update={"ascending": bool(flip.group(1))})
    # "what's the best engagement rate for micro-influencers?" asks about a number too.
    # ("the best score for fitness" is about creators: a score is Scout's, not a norm.)
    metric_order = roster_order(text)
    asks_about_a_metric = asks_about_a_metric or (
        metric_order is not None and metric_order[0] != "score"
    )
    if asks_about_a_metric and not re.search(r"\b(who|which)\b", text):
        return Route(intent=Intent.GUIDANCE)
    vetted = bool(_TRUSTWORTHY.search(text))
    guidance = _GUIDANCE_CUES.search(_TRUSTWORTHY.sub("", text) if vetted else text)
    # "who are the top skincare creators and why do micro-influencers work better?" asks for
    # the list first; its answer quotes why smaller creators win.
    before = text[: guidance.start()] if guidance else ""
    asks_list_first = bool(
        niche and _RECOMMEND_CUES.search(before) and re.search(r"\s(?:and|plus)\s+$", before)
    )
    if guidance and not asks_list_first:
        return Route(intent=Intent.GUIDANCE)
    count = _top_n(text) or 5  # "top 3 running creators" lists three; "top 0" is no count at all
    if _CHEAPEST.search(text):
        cheapest_niche = niche or (previous.niche if follow_up and previous else None)
        if cheapest_niche is None:  # "who's the cheapest creator?": across the roster
            return Route(intent=Intent.ROSTER, sort_by="rate", ascending=True, count=count, **sizes)
        return Route(
            intent=Intent.RECOMMEND, niche=cheapest_niche, order="rate", count=count, **sizes
        )
    # A follower bound or a platform, or warning signs ruled out ("without fake followers"),
    # asks for a list.
    rules_out_flags = vetted or (flag_codes is None and _mentions_flags(text))
    listing = bool(_RECOMMEND_CUES.search(text)) or bounded or rules_out_flags
    listing = listing or bool(niche and (platform or country or exclude))
    # "gaming creators not on youtube", "any creators in germany for fitness?": a niche's
    # creators asked for without a verb is a list, unless it is a question about them
    # ("do we need a contract with fitness creators?").
    listing = listing or bool(niche and _CREATORS_FRAGMENT.search(text))
    # "and under 50k followers?" or "and on youtube?" narrows the niche the thread is about.
    list_niche = niche or (inherited_niche if narrowed and follow_up else None)
    if list_niche and (listing or follow_up or len(text.split()) <= 4):
        if follow_up and previous is not None and previous.intent == Intent.PLAN:
            return Route(intent=Intent.PLAN, niche=list_niche, budget=previous.budget, **sizes)
        # "what about fitness?" after the cheapest skincare creators: the cheapest again.
        order = previous.order if previous is not None and _FOLLOW_UP.search(text) else "score"
        return Route(intent=Intent.RECOMMEND, niche=list_niche, count=count, order=order, **sizes)
    more = re.search(r"\b(more|others|else|another|next)\b", text)
    if follow_up and more and previous is not None and previous.niche:
        return Route(
            intent=Intent.RECOMMEND,
            niche=previous.niche,
            count=previous.count * 2,
            order=previous.order,
            **sizes,
        )
    whole_roster = bool(_WHOLE_ROSTER.search(text) or _top_n(text) or narrowed)
    # "creators in the UK or the US", "not on TikTok or YouTube": the roster, narrowed.
    placed = platform is not None or country is not None or bool(exclude)
    if whole_roster and (listing or _ASKS_WHO.search(text) or (placed and niche is None)):
        # "who's on TikTok?", "top 5 creators overall": the roster without a niche, by score.
        return Route(intent=Intent.ROSTER, count=count, **sizes)
    if listing and (_TOPIC_WORDS.search(text) or _PARTNER_VERBS.search(text)):
        # "who should we work with?" names no niche: ask for one. Not "who won the game?".
        return Route(intent=Intent.RECOMMEND, niche=None, **sizes)
    if _TOPIC_WORDS.search(text):
        return Route(intent=Intent.GUIDANCE)
    return Route(intent=Intent.HELP)


def _rates_route(
    question: str,
    text: str,
    niche: str | None,
    known_niches: Sequence[str],
    asked_rate: float | None = None,
) -> Route:
    """What comparable creators charge, narrowed by only what this question says: "what
    should we pay a 10k creator?" after a thread about creators under 50k is about 10k
    creators."""
    low, high = _rate_sizes(text, *parse_follower_bounds(question))
    return Route(
        intent=Intent.GUIDANCE,
        rates=True,
        niche=niche,
        platform=_as_filter(find_platforms(question)),
        country=_as_filter(find_countries(question)),
        exclude=find_exclusions(question, known_niches),
        min_followers=low,
        max_followers=high,
        asked_rate=asked_rate,
    )


def _rate_sizes(text: str, low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """The follower bounds of the creators a question about rates compares with: its own
    bounds; for "a 10k creator", half that size either way; for "micro-influencers", the
    guidance's range."""
    if low is not None or high is not None:
        return low, high
    stated = (
        _FOLLOWER_COUNT.search(text) or _ACCOUNT_SIZE.search(text) or _SIZED_CREATOR.search(text)
    )
    if stated:
        size = _count(*stated.group(1, 2, 3))
        return (size + 1) // 2, size * 3 // 2
    if re.search(r"\bmicro[- ]?(?:influencers?|creators?)\b", text):
        return follower_tiers().micro_range
    return None, None


def context_from(
    turns: Sequence[tuple[str, str]],
    *,
    known_handles: Collection[str] = frozenset(),
    known_niches: Sequence[str] = (),
    dictionary: Collection[str] = frozenset(),
) -> Context:
    """Rebuild a conversation's context from its (role, content) turns, oldest first."""
    context = Context()
    for role, content in turns:
        if role == "user":
            routed = route(
                content,
                known_handles=known_handles,
                known_niches=known_niches,
                dictionary=dictionary,
                context=context,
            )
            if routed.intent not in {Intent.HELP, Intent.SECRETS}:
                context = context.model_copy(update={"route": routed})
        else:
            # Roster handles only: usage text names placeholders ("score @handle").
            mentioned = [
                h for h in find_handles(content) if not known_handles or h in known_handles
            ]
            if mentioned:
                # Earlier ones stay behind, so "which one is better?" after two single
                # scores can compare them.
                earlier = [h for h in context.mentioned if h not in mentioned]
                context = Context(
                    route=context.route,
                    mentioned=(mentioned + earlier)[:MAX_MENTIONED],
                    last_answer_named=min(len(mentioned), MAX_MENTIONED),
                )
    return context
