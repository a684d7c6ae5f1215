"""Seeded synthetic rosters: the bundled sample and large rosters for benchmarks.

Distributions follow the published benchmarks in `bot/data/benchmarks.csv`: each
creator's engagement rate is its band's midpoint times log-normal noise, per
follower on Instagram and Threads and per view on TikTok and YouTube.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from bot.scoring.benchmarks import PLATFORMS, BenchmarkTable, load_benchmarks
from bot.scoring.models import Creator
from bot.scoring.table import RosterTable

if TYPE_CHECKING:
    from numpy.typing import NDArray

# niche: (handle words, bio openings, a related niche)
NICHES: dict[str, tuple[list[str], list[str], str]] = {
    "vegan": (
        ["veganeats", "plantplate", "greenbowl"],
        ["Vegan recipes that even my dad eats", "Plant-based comfort food on a budget"],
        "food",
    ),
    "fitness": (
        ["lifts", "strongdays", "movewell"],
        ["Home workouts for busy people", "Strength coach sharing honest training logs"],
        "wellness",
    ),
    "skincare": (
        ["glowlab", "skinnotes", "dewdiary"],
        ["Affordable skincare routines for sensitive skin", "Esthetician decoding ingredients"],
        "beauty",
    ),
    "beauty": (
        ["makeupmornings", "lashlab", "beautybench"],
        ["Everyday makeup in ten minutes", "Drugstore beauty dupes, tested"],
        "skincare",
    ),
    "tech": (
        ["techdesk", "gadgetnotes", "byteguide"],
        ["Honest gadget reviews, no hype", "Setting up the perfect desk, one cable at a time"],
        "gaming",
    ),
    "gaming": (
        ["plays", "pixelquest", "gamenight"],
        ["Indie game reviews and cozy streams", "Speedruns, retro finds and co-op chaos"],
        "tech",
    ),
    "travel": (
        ["wanders", "carryon", "slowtrips"],
        ["Budget backpacking on a shoestring", "Slow travel guides for long weekends"],
        "budgeting",
    ),
    "books": (
        ["reads", "bookpile", "pageturns"],
        ["Reading 100 books a year and reviewing them all", "Literary fiction and cozy mysteries"],
        "wellness",
    ),
    "food": (
        ["cooks", "supperclub", "panfried"],
        ["Weeknight dinners in 30 minutes", "Home baker chasing the perfect sourdough"],
        "vegan",
    ),
    "budgeting": (
        ["moneymoves", "budgetbites", "frugalfun"],
        ["Paid off $40k of debt, now teaching budgeting", "Personal finance for your twenties"],
        "travel",
    ),
    "plants": (
        ["plantshelf", "leafy", "junglecorner"],
        ["Houseplant care for people who kill houseplants", "Tiny balcony garden, big harvests"],
        "sustainability",
    ),
    "fashion": (
        ["styled", "outfitlog", "thriftedfits"],
        ["Capsule wardrobe ideas for every season", "Thrifted outfits and styling tips"],
        "sustainability",
    ),
    "sustainability": (
        ["lowwaste", "greenswaps", "ecohome"],
        ["Zero-waste swaps that actually stick", "Sustainable living without the guilt"],
        "plants",
    ),
    "wellness": (
        ["calmdays", "mindfulmornings", "restwell"],
        ["Mindfulness and sleep routines that work", "Gentle wellness for burnt-out people"],
        "fitness",
    ),
    "parenting": (
        ["parents", "tinyhumans", "familytable"],
        ["Parent of three sharing real family life", "Toddler meals and tired-parent hacks"],
        "food",
    ),
    "pets": (
        ["pawpals", "dogdays", "catnaps"],
        ["Rescue dog adventures and training tips", "Two cats, one tiny flat"],
        "wellness",
    ),
    "running": (
        ["runs", "milesplit", "trailtime"],
        ["Marathoner sharing training plans and trail runs", "From couch to ultra, slowly"],
        "fitness",
    ),
    "photography": (
        ["shoots", "goldenhour", "lensnotes"],
        ["Film photographer teaching composition", "Phone photography tips anyone can use"],
        "travel",
    ),
}
BIO_ENDINGS = [
    "",
    " Based in Portland.",
    " London based.",
    " Toronto.",
    " DMs open for collabs.",
    " New video every Sunday.",
    " Teacher by day.",
    " Proudly Australian.",
    " Links below.",
    " Dog mum.",
]
FIRST_NAMES = [
    "mia",
    "leo",
    "ava",
    "noah",
    "zoe",
    "liam",
    "ella",
    "omar",
    "nina",
    "jack",
    "ruby",
    "sam",
    "isla",
    "theo",
    "maya",
    "ben",
    "lena",
    "kai",
    "aria",
    "finn",
    "luca",
    "nora",
    "eli",
    "ivy",
    "max",
    "jade",
    "ray",
    "tess",
    "cole",
    "dana",
    "hugo",
    "lola",
    "remy",
    "sara",
    "tom",
    "vera",
    "will",
    "yara",
    "alex",
    "bea",
    "cam",
    "dev",
    "eva",
    "gus",
    "hana",
    "ian",
    "joy",
]
LAST_NAMES = [
    "park",
    "green",
    "lopez",
    "khan",
    "silva",
    "novak",
    "reyes",
    "chen",
    "patel",
    "moore",
    "costa",
    "ward",
    "ellis",
    "fox",
    "brooks",
    "hale",
    "ortiz",
    "nash",
    "quinn",
    "rossi",
    "shah",
    "tan",
    "vance",
    "wolfe",
    "young",
]
COUNTRIES = ["US", "GB", "CA", "AU", "DE", "FR", "IN", "BR", "ES", "NL"]

# Share of creators per platform and per tier (nano..mega).
PLATFORM_SHARES = [0.45, 0.30, 0.15, 0.10]
TIER_SHARES = [0.32, 0.40, 0.14, 0.08, 0.06]
TIER_RANGES = [(500, 10_000), (10_000, 100_000), (100_000, 500_000), (500_000, 1e6), (1e6, 5e6)]

# A few hand-written creators, so the sample shows niche fit through synonyms
# and each flag, not just statistics.
SHOWCASE: list[dict[str, Any]] = [
    {
        "handle": "@plantpowered.lifts",
        "name": "Maya Okafor",
        "platform": "instagram",
        "niches": ["fitness", "food"],
        "followers": 38_400,
        "avg_likes": 1_910,
        "avg_comments": 96,
        "avg_shares": 70,
        "avg_saves": 152,
        "avg_views": 21_500,
        "posts_per_week": 4,
        "sponsored_ratio": 0.12,
        "rate_usd": 450,
        "audience_top_country": "US",
        "follower_growth_30d": 0.03,
        "bio": "Plant-based strength coach. Heavy lifts, high protein, zero animal products.",
    },
    {
        "handle": "@greenrunner",
        "name": "Tessa Hale",
        "platform": "instagram",
        "niches": ["vegan", "fitness", "running"],
        "followers": 22_300,
        "avg_likes": 1_050,
        "avg_comments": 61,
        "avg_shares": 24,
        "avg_saves": 88,
        "avg_views": 14_800,
        "posts_per_week": 5,
        "sponsored_ratio": 0.15,
        "rate_usd": 300,
        "audience_top_country": "GB",
        "follower_growth_30d": 0.02,
        "bio": "Vegan marathoner. Training plans, race-day fuel and trail runs.",
    },
    {
        "handle": "@tofu.tempo",
        "name": "Kai Nakamura",
        "platform": "tiktok",
        "niches": ["vegan", "fitness"],
        "followers": 61_000,
        "avg_likes": 5_600,
        "avg_comments": 180,
        "avg_shares": 310,
        "avg_saves": 420,
        "avg_views": 58_000,
        "posts_per_week": 6,
        "sponsored_ratio": 0.18,
        "rate_usd": 700,
        "audience_top_country": "US",
        "follower_growth_30d": 0.05,
        "bio": "High-protein vegan meals and 20-minute workouts.",
    },
    {
        "handle": "@lentils.and.lunges",
        "name": "Priya Shah",
        "platform": "youtube",
        "niches": ["vegan", "fitness", "wellness"],
        "followers": 14_200,
        "avg_likes": 118,
        "avg_comments": 21,
        "avg_shares": 6,
        "avg_saves": 0,
        "avg_views": 9_800,
        "posts_per_week": 1,
        "sponsored_ratio": 0.1,
        "rate_usd": 260,
        "audience_top_country": "CA",
        "follower_growth_30d": 0.01,
        "bio": "Full-length vegan fitness routines and what I eat in a week.",
    },
    {
        "handle": "@fitfam.boost",
        "name": "Jay Rivers",
        "platform": "instagram",
        "niches": ["vegan", "fitness"],
        "followers": 47_000,
        "avg_likes": 1_500,
        "avg_comments": 40,
        "avg_shares": 20,
        "avg_saves": 30,
        "avg_views": 20_000,
        "posts_per_week": 7,
        "sponsored_ratio": 0.2,
        "rate_usd": 400,
        "audience_top_country": "US",
        "follower_growth_30d": 0.41,
        "bio": "Vegan gains, daily. Follow for follow.",
    },
    {
        "handle": "@likefarm.vegan",
        "name": "Rex Morgan",
        "platform": "instagram",
        "niches": ["vegan", "fitness"],
        "followers": 33_000,
        "avg_likes": 4_100,
        "avg_comments": 12,
        "avg_shares": 5,
        "avg_saves": 10,
        "avg_views": None,
        "posts_per_week": 3,
        "sponsored_ratio": 0.25,
        "rate_usd": 350,
        "audience_top_country": "US",
        "follower_growth_30d": 0.06,
        "bio": "Vegan fitness motivation and shoutouts.",
    },
    {
        "handle": "@glowdeals.daily",
        "name": "Cleo Vance",
        "platform": "instagram",
        "niches": ["skincare", "beauty"],
        "followers": 54_000,
        "avg_likes": 900,
        "avg_comments": 35,
        "avg_shares": 10,
        "avg_saves": 40,
        "avg_views": 15_000,
        "posts_per_week": 9,
        "sponsored_ratio": 0.72,
        "rate_usd": 600,
        "audience_top_country": "US",
        "follower_growth_30d": 0.02,
        "bio": "Discount codes for every skincare brand you love. #ad",
    },
]


def _benchmark_mid(
    benchmarks: BenchmarkTable, platform: NDArray[np.int8], followers: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each creator's benchmark midpoint; Threads (none published) borrows Instagram's."""
    as_platform = np.where(platform == PLATFORMS.index("threads"), 0, platform).astype(np.int8)
    rows = benchmarks.lookup(as_platform, followers, np.ones(len(followers), dtype=bool))
    return benchmarks.mid[rows]


def generate_table(n: int, seed: int, showcase: bool = True) -> RosterTable:
    """A roster of `n` creators as columns, reproducible from `seed`, sorted by handle.

    With `showcase`, the hand-written creators are among the `n` (when `n` allows).
    """
    showcase = showcase and n >= 2 * len(SHOWCASE)
    n -= len(SHOWCASE) if showcase else 0
    rng = np.random.default_rng(seed)
    niche_names = list(NICHES)
    platform = rng.choice(len(PLATFORMS), size=n, p=PLATFORM_SHARES).astype(np.int8)
    tier = rng.choice(len(TIER_SHARES), size=n, p=TIER_SHARES)
    low = np.array([r[0] for r in TIER_RANGES])[tier]
    high = np.array([r[1] for r in TIER_RANGES])[tier]
    followers = np.floor(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(np.float64)

    benchmarks = load_benchmarks()
    rate = _benchmark_mid(benchmarks, platform, followers) * np.exp(rng.normal(0.15, 0.55, n))
    is_tiktok = platform == PLATFORMS.index("tiktok")
    is_youtube = platform == PLATFORMS.index("youtube")
    per_view = is_tiktok | is_youtube
    # Average views as a share of followers: TikTok's For You page reaches past
    # followers, long-form YouTube far less; Instagram here means reels plays.
    view_share = np.select(
        [is_tiktok, is_youtube],
        [np.exp(rng.normal(np.log(0.8), 0.6, n)), np.exp(rng.normal(np.log(0.2), 0.6, n))],
        default=np.exp(rng.normal(np.log(0.35), 0.5, n)),
    )
    views = np.round(followers * view_share)
    engagements = np.where(per_view, views, followers) * rate
    # Instagram reels plays are often missing from exports; Threads has none.
    views_missing = (platform == PLATFORMS.index("threads")) | (
        (platform == PLATFORMS.index("instagram")) & (rng.random(n) < 0.3)
    )
    views[views_missing] = np.nan

    comments_share = rng.uniform(0.015, 0.06, n)
    shares_share = np.where(is_tiktok, rng.uniform(0.03, 0.1, n), rng.uniform(0.005, 0.04, n))
    saves_share = np.where(is_youtube, 0.0, rng.uniform(0.01, 0.06, n))
    likes = engagements / (1 + comments_share + shares_share + saves_share)

    sponsored = np.round(rng.beta(2, 8, n), 2)
    over = rng.random(n) < 0.05
    sponsored[over] = np.round(rng.uniform(0.55, 0.85, over.sum()), 2)
    growth = np.round(np.clip(rng.normal(0.02, 0.02, n), -0.05, 0.2), 3)
    spike = rng.random(n) < 0.03
    growth[spike] = np.round(rng.uniform(0.26, 0.6, spike.sum()), 3)
    # Rule-of-thumb rates: about $10 per 1,000 followers, $20 on YouTube.
    per_thousand = np.where(is_youtube, 20.0, 10.0) * np.exp(rng.normal(0, 0.35, n))
    rate_usd = np.maximum(50, np.round(followers / 1000 * per_thousand / 5) * 5)

    primary = rng.integers(len(niche_names), size=n)
    has_second = rng.random(n) < 0.55
    niches = [
        [niche_names[p], NICHES[niche_names[p]][2]] if second else [niche_names[p]]
        for p, second in zip(primary.tolist(), has_second.tolist(), strict=True)
    ]
    first = rng.integers(len(FIRST_NAMES), size=n)
    last = rng.integers(len(LAST_NAMES), size=n)
    word = rng.integers(3, size=n)
    opening = rng.integers(2, size=n)
    ending = rng.integers(len(BIO_ENDINGS), size=n)
    handles, names, bios = [], [], []
    taken: set[str] = {row["handle"] for row in SHOWCASE} if showcase else set()
    used: dict[str, int] = {}  # base handle -> times used, so repeats get 2, 3, ...
    for i in range(n):
        niche = NICHES[niche_names[primary[i]]]
        first_name = FIRST_NAMES[first[i]]
        base = f"@{first_name}.{niche[0][word[i]]}"
        handle = base
        while handle in taken:
            used[base] = used.get(base, 1) + 1
            handle = f"{base}{used[base]}"
        taken.add(handle)
        handles.append(handle)
        names.append(f"{first_name.title()} {LAST_NAMES[last[i]].title()}")
        bios.append(niche[1][opening[i]] + "." + BIO_ENDINGS[ending[i]])

    columns: dict[str, Any] = {
        "handles": handles,
        "names": names,
        "platform": platform,
        "niches": niches,
        "bios": bios,
        "followers": followers,
        "avg_likes": np.round(likes),
        "avg_comments": np.round(likes * comments_share),
        "avg_shares": np.round(likes * shares_share),
        "avg_saves": np.round(likes * saves_share),
        "avg_views": views,
        "sponsored_ratio": sponsored,
        "rate_usd": rate_usd,
        "follower_growth_30d": growth,
        # Countries are drawn apart (`countries`), so that adding them left every other
        # column as it was; `table_rows` writes them out.
        "countries": np.full(len(handles), "", dtype=np.str_),
    }
    if showcase:
        extra = RosterTable.from_creators([Creator.model_validate(row) for row in SHOWCASE])
        for key, values in columns.items():
            other = getattr(extra, key)
            columns[key] = (
                values + other if isinstance(values, list) else np.concatenate([values, other])
            )
    order = np.argsort(np.array(columns["handles"]), kind="stable")
    reordered: dict[str, Any] = {
        key: [values[i] for i in order] if isinstance(values, list) else values[order]
        for key, values in columns.items()
    }
    return RosterTable(**reordered)


def countries(n: int, seed: int) -> list[str]:
    """Audience countries for a generated roster (kept apart: scoring never reads them)."""
    rng = np.random.default_rng(seed + 1)
    weights = np.array([0.4, 0.14, 0.1, 0.08, 0.06, 0.06, 0.06, 0.04, 0.03, 0.03])
    return [COUNTRIES[i] for i in rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())]


def table_rows(table: RosterTable, seed: int) -> list[dict[str, Any]]:
    """The roster as canonical rows (CSV or JSON ready); posts per week and country added."""
    rng = np.random.default_rng(seed + 2)
    posts = np.round(rng.uniform(1, 7, len(table)), 1)
    showcase = {row["handle"]: row for row in SHOWCASE}
    country = countries(len(table), seed)
    rows = []
    for i, handle in enumerate(table.handles):
        if handle in showcase:
            rows.append(dict(showcase[handle]))
            continue
        views = table.avg_views[i]
        rows.append(
            {
                "handle": handle,
                "name": table.names[i],
                "platform": table.platform_name(i),
                "niches": list(table.niches[i]),
                "followers": int(table.followers[i]),
                "avg_likes": int(table.avg_likes[i]),
                "avg_comments": int(table.avg_comments[i]),
                "avg_shares": int(table.avg_shares[i]),
                "avg_saves": int(table.avg_saves[i]),
                "avg_views": None if np.isnan(views) else int(views),
                "posts_per_week": float(posts[i]),
                "sponsored_ratio": float(table.sponsored_ratio[i]),
                "rate_usd": int(table.rate_usd[i]),  # whole dollars by construction
                "audience_top_country": country[i],
                "follower_growth_30d": float(table.follower_growth_30d[i]),
                "bio": table.bios[i],
            }
        )
    return rows
