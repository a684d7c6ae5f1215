"""Roster files: read CSV or JSON, map export headers, validate every row, persist atomically.

A file with any bad row is rejected whole; the error lists every bad row as
`FILE:LINE: column: reason` (JSON: `FILE:LINE: item N (@handle): column: reason`),
so a marketer can fix them all in one pass. A single problem is a single line.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import math
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from bot.errors import ScoutError
from bot.scoring.models import Creator

if TYPE_CHECKING:
    from bot.config import Settings

# How alike (difflib's ratio) a mistyped handle and a roster handle must be to be
# suggested: "@dana.dewdiry" finds "@dana.dewdiary" (0.96); "@alex" finds nothing.
HANDLE_MATCH_CUTOFF = 0.8

CANONICAL_COLUMNS = (
    "handle",
    "name",
    "platform",
    "niches",
    "followers",
    "avg_likes",
    "avg_comments",
    "avg_shares",
    "avg_saves",
    "avg_views",
    "posts_per_week",
    "sponsored_ratio",
    "rate_usd",
    "audience_top_country",
    "follower_growth_30d",
    "bio",
)
REQUIRED_COLUMNS = ("handle", "platform", "followers")
CSV_DELIMITERS = (",", ";", "\t")
# What a row with more cells than the header most likely holds, by separator.
_QUOTE_HINTS = {
    ",": 'a cell with a comma in it (12,000) must be in double quotes: "12,000"',
    ";": 'a cell with a semicolon in it (vegan;fitness) must be in double quotes: "vegan;fitness"',
    "\t": "a cell with a tab in it must be in double quotes",
}
_SEPARATOR_HINT = re.compile(r"sep=([^\r\n])\r?(?:\n|$)")

# Export headers from influencer tools, compared after lower-casing and dropping
# everything but letters and digits ("Avg. Likes" -> "avglikes").
HEADER_ALIASES: dict[str, str] = {
    **{column.replace("_", ""): column for column in CANONICAL_COLUMNS},
    "username": "handle",
    "user": "handle",
    "account": "handle",
    "profile": "handle",
    "creatorhandle": "handle",
    **{
        f"{network}{word}": "handle"
        for network in ("instagram", "ig", "tiktok", "youtube", "threads")
        for word in ("handle", "username")
    },
    "fullname": "name",
    "displayname": "name",
    "creatorname": "name",
    "network": "platform",
    "socialnetwork": "platform",
    "channel": "platform",
    "niche": "niches",
    "category": "niches",
    "categories": "niches",
    "maincategory": "niches",
    "primarycategory": "niches",
    "topics": "niches",
    "tags": "niches",
    "follower": "followers",
    "followercount": "followers",
    "followerscount": "followers",
    "totalfollowers": "followers",
    "subscribers": "followers",
    "subscribercount": "followers",
    "subscriberscount": "followers",
    "audiencesize": "followers",
    "likes": "avg_likes",
    "averagelikes": "avg_likes",
    "comments": "avg_comments",
    "averagecomments": "avg_comments",
    "shares": "avg_shares",
    "averageshares": "avg_shares",
    "saves": "avg_saves",
    "averagesaves": "avg_saves",
    "views": "avg_views",
    "averageviews": "avg_views",
    "avgplays": "avg_views",
    "avgreelsplays": "avg_views",
    "avgreelplays": "avg_views",
    "avgvideoviews": "avg_views",
    "avgreelviews": "avg_views",
    "avgreelsviews": "avg_views",
    # "Avg. Likes per Post", "Likes per post", ...
    **{
        f"{prefix}{part}perpost": f"avg_{part}"
        for prefix in ("", "avg", "average")
        for part in ("likes", "comments", "shares", "saves", "views")
    },
    "postsperweek": "posts_per_week",
    "postsweek": "posts_per_week",
    "weeklyposts": "posts_per_week",
    "sponsored": "sponsored_ratio",
    "sponsoredposts": "sponsored_ratio",
    "sponsoredratio": "sponsored_ratio",
    "price": "rate_usd",
    "priceusd": "rate_usd",
    "rate": "rate_usd",
    "fee": "rate_usd",
    "cost": "rate_usd",
    "feeusd": "rate_usd",
    "costusd": "rate_usd",
    "priceperpost": "rate_usd",
    "rateperpost": "rate_usd",
    "costperpost": "rate_usd",
    "feeperpost": "rate_usd",
    "country": "audience_top_country",
    "topcountry": "audience_top_country",
    "audiencecountry": "audience_top_country",
    "topaudiencecountry": "audience_top_country",
    # "Growth", "Follower Growth (30d)", "30-day Followers Growth", ...
    **{
        f"{before}{who}growth{after}": "follower_growth_30d"
        for who in ("", "follower", "followers")
        for before, after in (
            ("", ""),
            ("", "30d"),
            ("", "30days"),
            ("30d", ""),
            ("30day", ""),
            ("30days", ""),
        )
    },
    "description": "bio",
    "about": "bio",
    "biography": "bio",
    # Tools that export only a rate or a total get it turned into likes (see _fill_engagement).
    "engagement": "engagement_rate",
    "engagementrate": "engagement_rate",
    "er": "engagement_rate",
    "avgengagementrate": "engagement_rate",
    "averageengagementrate": "engagement_rate",
    "avgengagement": "engagements",
    "engagements": "engagements",
    "averageengagement": "engagements",
    "avgengagements": "engagements",
    "averageengagements": "engagements",
    "engagementsperpost": "engagements",
    "engagementperpost": "engagements",
}
# What a row's exported total or rate holds besides likes (see _fill_engagement).
NOT_LIKES = ("avg_comments", "avg_shares", "avg_saves")
PLATFORM_ALIASES = {
    "instagram": "instagram",
    "ig": "instagram",
    "insta": "instagram",
    "tiktok": "tiktok",
    "tt": "tiktok",
    "youtube": "youtube",
    "yt": "youtube",
    "threads": "threads",
}
# Instagram, TikTok and Threads allow letters, digits, "_" and "."; YouTube also "-"
# (its own "@user-x7k2..." handles included).
HANDLE_PATTERN = re.compile(r"^@[a-z0-9_.-]{1,64}$")
# Thousands never start with a 0 group: "0,125" is a decimal comma, not 125.
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
# A number in a decimal-comma column: "1.234,5", "1234,5", "0,035".
_DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d*)?")
_NUMBER_CORE = re.compile(r"[\d.,]*\d[\d.,]*")
_GROUPED_BY_COMMAS = re.compile(r"[1-9]\d{0,2}(,\d{3})+")
_GROUPED_BY_POINTS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")
# French and other locales group thousands with a space, which Excel and export tools
# often write as a no-break or narrow no-break space: "12 500", "1 234,50".
_SPACES_BETWEEN_THOUSANDS = re.compile(
    r"([+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f\u2009]\d{3})+)([.,]\d*)?"
)
_SPACE_BEFORE_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))")
_CURRENCY = re.compile(r"^(?:usd|us\$|\$)\s*|\s*(?:usd|\$)$", re.IGNORECASE)
# What exports and spreadsheets write in a number cell with nothing to report (Excel's
# #N/A from a lookup that found nothing included): read like an empty cell.
_NOT_AVAILABLE = frozenset({"n/a", "na", "#n/a", "-", "\u2013", "\u2014"})
# Export tools and spreadsheets abbreviate big counts: "12.5K" followers, "1.2M" views.
_MULTIPLIERS = {"k": Decimal(1_000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}


class RosterError(ScoutError):
    """A roster file was rejected; the message has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ImportReport(BaseModel):
    """What `import_roster` did, for the CLI to print."""

    source: str
    stored_at: str
    creators: int
    platforms: dict[str, int]
    mapped_headers: dict[str, str]
    ignored_columns: list[str]
    decimal_comma_columns: list[str] = []
    overridden_by: str | None = None


class _CellError(ValueError):
    """A bad cell; the message is the reason shown after `column:`."""


def normalise_handle(text: str) -> str:
    """`GreenRunner`, `@GreenRunner`, ` @greenrunner ` and the full-width `＠GreenRunner`
    (a Japanese or Chinese keyboard's @) all become `@greenrunner`."""
    text = unicodedata.normalize("NFKC", text)
    return "@" + text.strip().lstrip("@").strip().lower()


def closest_handle(handle: str, handles: Iterable[str]) -> str | None:
    """The handle among `handles` that a mistyped one most likely meant, or None."""
    matches = difflib.get_close_matches(
        normalise_handle(handle), list(handles), n=1, cutoff=HANDLE_MATCH_CUTOFF
    )
    return matches[0] if matches else None


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _shown(raw: object) -> str:
    """A cell as the file wrote it: text quoted, other JSON values as JSON (null, true)."""
    try:
        return json.dumps(raw, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(raw)


def _number(
    raw: object,
    *,
    percent_ok: bool = False,
    money: bool = False,
    scale: Decimal | int = 1,
    decimal_comma: bool = False,
) -> float | None:
    """A cell as a float, times `scale`; None when empty.

    "35%" is 0.35 where percentages make sense, "12.5K" is 12,500 and "1.2M" is
    1,200,000. Cells are read as the decimals they were written as, so "35%" is
    exactly the 0.35 a threshold in the scoring config is, and "12.3K" is whole.
    With `decimal_comma` (the cell's column writes "3,5"), "1.234,5" is 1234.5.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise _CellError(f"must be a number, got {_shown(raw)}")
    written: Decimal | None
    if isinstance(raw, int):
        written = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _CellError(f"must be a finite number, got {_shown(raw)}")
        written = Decimal(repr(raw))
    else:
        written = _written_number(
            raw, percent_ok=percent_ok, money=money, decimal_comma=decimal_comma
        )
    if written is None:
        return None
    value = float(written * scale)
    if not math.isfinite(value):
        raise _CellError(f"must be a finite number, got {_shown(raw)}")
    return value


def _written_number(
    raw: object, *, percent_ok: bool, money: bool, decimal_comma: bool
) -> Decimal | None:
    """A text cell as the decimal it says, with its %, K, M or B applied; None when empty or N/A."""
    text = str(raw).strip()
    if not text or text.lower() in _NOT_AVAILABLE:
        return None
    cleaned = text.replace("_", "")
    if money:
        cleaned = _CURRENCY.sub("", cleaned)
    multiplier = Decimal(1)
    if percent_ok and cleaned.endswith("%"):
        cleaned, multiplier = cleaned[:-1].strip(), Decimal("0.01")
    elif cleaned[-1:].lower() in _MULTIPLIERS:
        cleaned, multiplier = cleaned[:-1].strip(), _MULTIPLIERS[cleaned[-1].lower()]
    if spaced := _SPACES_BETWEEN_THOUSANDS.fullmatch(cleaned):
        cleaned = _SPACE_BEFORE_THOUSANDS.sub("", spaced.group(1)) + (spaced.group(2) or "")
    if decimal_comma:
        if not _DECIMAL_COMMA_NUMBER.fullmatch(cleaned):
            raise _CellError(
                "must be a number (this column has decimal commas, so points only between "
                f"thousands), got {_shown(raw)}"
            )
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        # Dropping any comma would read a decimal comma ("0,1") as 1: only 12,500 passes.
        if not _THOUSANDS.fullmatch(cleaned):
            raise _CellError(
                "must be a number (a point for decimals, commas only between thousands), "
                f"got {_shown(raw)}"
            )
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        reason = "an amount in USD" if money else "a number"
        raise _CellError(f"must be {reason}, got {_shown(raw)}") from None
    if not number.is_finite():
        raise _CellError(f"must be a finite number, got {_shown(raw)}")
    return number * multiplier


def _non_negative(raw: object, **kwargs: Any) -> float | None:
    value = _number(raw, **kwargs)
    if value is not None and value < 0:
        raise _CellError(f"must not be negative, got {_shown(raw)}")
    return value


def read_usd(text: str) -> float:
    """An amount in USD as people write it ("1500", "$1,500", "1.5k", "1500 USD"), 0 or
    more; ValueError naming the problem otherwise. Budgets read like roster rates."""
    amount = _non_negative(text, money=True)
    if amount is None:
        raise ValueError("is empty")
    return amount + 0.0  # "-0" is 0, not -0.0


def _whole(raw: object, **kwargs: Any) -> int:
    try:
        value = _number(raw, **kwargs)
    except _CellError:
        raise _CellError(f"must be a whole number, got {_shown(raw)}") from None
    if value is None:
        return 0
    if value != int(value):
        raise _CellError(f"must be a whole number, got {_shown(raw)}")
    if value < 0:
        raise _CellError(f"must not be negative, got {_shown(raw)}")
    return int(value)


def _percent_scale(raw: object, in_percent: bool) -> Decimal | int:
    """What a cell is multiplied by in a column of percentages: 0.01, unless the cell
    carries its own % sign."""
    return Decimal("0.01") if in_percent and not _has_percent_sign(raw) else 1


def _percent_without_sign(
    raw: object, value: float, in_percent: bool, what: str
) -> _CellError | None:
    """The error for a plain number above 1 (or below -1) in a fraction column, or None.

    "12" there most likely means 12%, but 12.0 would flag every creator: a unit is
    never guessed, so the cell is rejected with both ways to write what it meant.
    """
    if in_percent or _has_percent_sign(raw) or abs(value) <= 1:
        return None
    percent = Decimal(repr(value)).normalize()
    return _CellError(
        f"must be {what}, got {_shown(raw)}: for {percent:f}% write {percent / 100:f} "
        f"or {percent:f}%, or put % in the column's name"
    )


def _fraction(raw: object, *, in_percent: bool = False, **kwargs: Any) -> float:
    value = _number(raw, percent_ok=True, scale=_percent_scale(raw, in_percent), **kwargs)
    if value is None:
        return 0.0
    if error := _percent_without_sign(raw, value, in_percent, "a fraction from 0 to 1"):
        raise error
    if not 0 <= value <= 1:
        allowed = (
            "a percentage from 0 to 100 (the header says %)"
            if in_percent
            else "a fraction from 0 to 1 (e.g. 0.35 or 35%)"
        )
        raise _CellError(f"must be {allowed}, got {_shown(raw)}")
    return value


def _growth(
    raw: object, *, in_percent: bool = False, from_scout: bool = False, **kwargs: Any
) -> float:
    """A 30-day growth as a fraction. Above 100% it needs its % sign ("150%"), except in
    Scout's own copy of an imported roster (`from_scout`), which stores it as 1.5."""
    value = _number(raw, percent_ok=True, scale=_percent_scale(raw, in_percent), **kwargs)
    if value is None:
        return 0.0
    if not from_scout and (
        error := _percent_without_sign(
            raw, value, in_percent, "a fraction from -1 to 1 or a percentage with its % sign"
        )
    ):
        raise error
    if value < -1:
        allowed = (
            "a percentage of at least -100 (the header says %)"
            if in_percent
            else "a fraction of at least -1 (e.g. 0.05 or 5%)"
        )
        raise _CellError(f"must be {allowed}, got {_shown(raw)}")
    return value


def _count(raw: object, **kwargs: Any) -> float:
    return _non_negative(raw, **kwargs) or 0.0


def _usd(raw: object, **kwargs: Any) -> float:
    return _non_negative(raw, money=True, **kwargs) or 0.0


def _decimal_mark(raw: object) -> str | None:
    """The decimal mark a text cell shows beyond doubt: "," ("3,5", "0,035", "1.234,5"),
    "." ("3.5", "1,234.5"), or None ("12", and "12,500" or "1.200", which read either way)."""
    if not isinstance(raw, str):
        return None
    found = _NUMBER_CORE.search(_SPACE_BEFORE_THOUSANDS.sub("", raw))
    if not found:
        return None
    core = found.group(0)
    if "," in core and "." in core:
        return "," if core.rfind(",") > core.rfind(".") else "."
    if "," in core and not _GROUPED_BY_COMMAS.fullmatch(core):
        return ","
    if "." in core and not _GROUPED_BY_POINTS.fullmatch(core):
        return "."
    return None


def _decimal_comma_columns(records: Iterable[dict[str, object]]) -> set[str]:
    """The number columns written the European way, as Excel there saves them: some cell
    shows a decimal comma and none a decimal point. Decided for the whole column, so
    "1,234" reads alike in every row; a column showing both keeps commas for thousands
    and rejects each decimal comma.

    A column whose cells read either way ("12.000") follows the file when every column
    that shows its mark shows a comma: Excel saves a whole file in one locale, so
    "12.000" followers beside a "1.500,00" price are twelve thousand, not twelve."""
    marks: dict[str, set[str]] = {}
    either_way: set[str] = set()
    for record in records:
        for column, raw in record.items():
            if column not in NUMBER_COLUMNS:
                continue
            if mark := _decimal_mark(raw):
                marks.setdefault(column, set()).add(mark)
            elif isinstance(raw, str) and any(sep in raw for sep in ",."):
                either_way.add(column)
    european = {column for column, seen in marks.items() if seen == {","}}
    if european and len(european) == len(marks):
        european |= either_way
    return european


def _has_percent_sign(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().endswith("%")


def _rates_in_percent(cells: Iterable[object], *, decimal_comma: bool) -> bool:
    """Whether an engagement-rate column holds percentages rather than fractions.

    Exports write rates as "5.8%", 5.8 or 0.058. The unit is decided once for
    the whole column, never cell by cell (3.5, 1 and 0.5 must not become 3.5%,
    100% and 50%): any cell with a % sign or above 1 makes it percentages,
    otherwise it holds fractions. Unreadable cells are left to the row check.
    """
    for raw in cells:
        if _has_percent_sign(raw):
            return True
        try:
            value = _number(raw, decimal_comma=decimal_comma)
        except _CellError:
            continue
        if value is not None and value > 1:
            return True
    return False


def _engagement_rate(raw: object, *, in_percent: bool, decimal_comma: bool = False) -> float | None:
    """A rate as a fraction, read in its column's unit (see `_rates_in_percent`).

    Above 100% it is not a rate but most likely a count of engagements under a
    rate's header ("Engagement": 850), which would otherwise become 8.5x the
    followers in likes.
    """
    scale = _percent_scale(raw, in_percent)
    rate = _non_negative(raw, percent_ok=True, scale=scale, decimal_comma=decimal_comma)
    if rate is not None and rate > 1:
        raise _CellError(
            f"must be a rate of at most 100%, got {_shown(raw)} (read as {rate:.0%}); "
            'name a column of engagements per post "Engagements"'
        )
    return rate


def _text(raw: object) -> str:
    if isinstance(raw, dict | list | bool):
        # A JSON object, list or true is not text: str() would store Python's repr of it.
        raise _CellError(f"must be text, got {_shown(raw)}")
    return "" if raw is None else str(raw).strip()


def _niches(raw: object) -> list[str]:
    # The contract separates tags with ";", but tools export "Food, Vegan" and "Food | Vegan";
    # no tag has a comma of its own. In a JSON list, a null is an empty tag, not "none".
    items = (
        [_text(item) for item in raw] if isinstance(raw, list) else re.split(r"[;|,]", _text(raw))
    )
    seen: dict[str, None] = {}
    for item in items:
        tag = " ".join(str(item).strip().lower().split())
        if tag:
            seen[tag] = None
    return list(seen)


def _platform(raw: object) -> str:
    key = _header_key(_text(raw))
    if not key:
        raise _CellError("is empty")
    if key not in PLATFORM_ALIASES:
        allowed = ", ".join(sorted(set(PLATFORM_ALIASES.values())))
        raise _CellError(f"must be one of {allowed}, got {_shown(raw)}")
    return PLATFORM_ALIASES[key]


def _handle(raw: object) -> str:
    text = _text(raw)
    if not text.strip("@"):
        raise _CellError("is empty")
    handle = normalise_handle(text)
    if not HANDLE_PATTERN.match(handle):
        raise _CellError(
            f"must be @ then up to 64 letters, digits, '_', '.' or '-', got {_shown(raw)}"
        )
    # A file is held to the contract; only lookups (normalise_handle) forgive a missing @.
    if not text.startswith("@"):
        raise _CellError(f"must start with @, got {_shown(raw)} (write {_shown('@' + text)})")
    return handle


_PARSERS: dict[str, Callable[[object], object]] = {
    "handle": _handle,
    "name": _text,
    "platform": _platform,
    "niches": _niches,
    "followers": _whole,
    "avg_likes": _count,
    "avg_comments": _count,
    "avg_shares": _count,
    "avg_saves": _count,
    "avg_views": _non_negative,  # empty stays None: views unknown
    "posts_per_week": _count,
    "sponsored_ratio": _fraction,
    "rate_usd": _usd,
    "audience_top_country": _text,
    "follower_growth_30d": _growth,
    "bio": _text,
    "engagements": _non_negative,
    # engagement_rate depends on its whole column; parse_roster adds its parser.
}
# The columns that hold fractions, whose header may say they are written in percent.
PERCENT_COLUMNS = frozenset({"sponsored_ratio", "follower_growth_30d", "engagement_rate"})
# The columns that hold numbers, whose parsers take `decimal_comma`.
NUMBER_COLUMNS = frozenset(
    {
        "followers",
        "avg_likes",
        "avg_comments",
        "avg_shares",
        "avg_saves",
        "avg_views",
        "posts_per_week",
        "sponsored_ratio",
        "rate_usd",
        "follower_growth_30d",
        "engagements",
        "engagement_rate",
    }
)


def _fill_engagement(fields: dict[str, Any]) -> None:
    """Turn an exported total or rate into likes when the row has no likes: what the
    comments, shares and saves leave of it, so the card's rate is the file's."""
    rate = fields.pop("engagement_rate", None)
    total = fields.pop("engagements", None)
    if total is None and rate is not None:
        total = rate * fields.get("followers", 0)
    if total is None or fields.get("avg_likes"):
        return
    others = sum(fields.get(part) or 0 for part in NOT_LIKES)
    fields["avg_likes"] = round(max(total - others, 0), 2)


def _parse_row(
    record: dict[str, object], where: str, parsers: dict[str, Callable[[object], object]]
) -> tuple[Creator | None, list[str]]:
    """The row as a Creator, or None and one message per bad cell."""
    fields: dict[str, Any] = {}
    problems: list[str] = []
    for column, raw in record.items():
        try:
            fields[column] = parsers[column](raw)
        except _CellError as exc:
            problems.append(f"{where}: {column}: {exc}")
    if problems:
        return None, problems
    _fill_engagement(fields)
    try:
        return Creator.model_validate(fields), []
    except ValidationError as exc:
        for error in exc.errors():
            column = ".".join(str(part) for part in error["loc"]) or "row"
            problems.append(f"{where}: {column}: {error['msg']}")
        return None, problems


def _column_of(header: str) -> tuple[str | None, str | None]:
    """The canonical column a header names, and the network it names, if any.

    Single-network exports put the network in their headers ("Instagram Followers",
    "YouTube Subscribers", "Followers (TikTok)", "Handle on Instagram"): a network word
    at either end is read past when the rest names a column.
    """
    key = _header_key(header)
    if key in HEADER_ALIASES:
        network = next((p for a, p in PLATFORM_ALIASES.items() if key.startswith(a)), None)
        return HEADER_ALIASES[key], network if HEADER_ALIASES[key] == "handle" else None
    words = re.findall(r"[a-z0-9]+", header.lower())
    if len(words) < 2:
        return None, None
    if words[0] in PLATFORM_ALIASES:
        network, rest = words[0], words[1:]
    elif words[-1] in PLATFORM_ALIASES:
        network, rest = words[-1], words[:-1]
        if len(rest) > 1 and rest[-1] in ("on", "in"):
            rest = rest[:-1]
    else:
        return None, None
    column = HEADER_ALIASES.get("".join(rest))
    if column is None or column == "platform":
        return None, None
    return column, PLATFORM_ALIASES[network]


def _map_headers(headers: list[str], where: str) -> tuple[dict[str, str], list[str], str | None]:
    """Header -> canonical column, the ignored headers, and the platform every row is on
    when there is no platform column but the handle's header names one ("TikTok
    Username", as single-network tools export); raises on missing or clashing columns.

    `where` starts each problem: "FILE:1" for a CSV header line, "FILE" for JSON keys.
    """
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    taken: dict[str, str] = {}
    problems: list[str] = []
    networks: dict[str, str] = {}  # column -> the network its header names
    for number, header in enumerate(headers, start=1):
        column, network = _column_of(header)
        if column is None:
            ignored.append(header.strip() or f"unnamed column {number}")
        elif column in taken:
            problems.append(
                f"{where}: {header}: maps to {column}, like column {taken[column]!r} does"
            )
        else:
            taken[column] = header
            mapping[header] = column
            if network:
                networks[column] = network
    implied = None
    if "platform" not in taken:
        # The handle's header decides; else the network every other header names, if one.
        named = set(networks.values())
        implied = networks.get("handle") or (named.pop() if len(named) == 1 else None)
    missing = [
        column
        for column in REQUIRED_COLUMNS
        if column not in taken and not (column == "platform" and implied)
    ]
    if missing:
        found = ", ".join(headers) or "nothing"
        problems.append(f"{where}: missing column(s): {', '.join(missing)} (found: {found})")
    if problems:
        raise RosterError(problems)
    return mapping, ignored, implied


# How spreadsheet files start: .xlsx, .ods and .numbers are zip archives; .xls is OLE2.
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


# Other files that get renamed or exported as ".csv" by mistake, by how they start.
_NOT_A_ROSTER_MAGIC = {
    b"%PDF-": "a PDF document, not CSV or JSON; export the roster from its source as CSV",
    b"\x1f\x8b": "a gzip-compressed file, not CSV or JSON; decompress it first",
}


def _decode(data: bytes, name: str) -> str:
    if data.startswith(_SPREADSHEET_MAGIC):
        # Its bytes are not text: "not UTF-8" would send people hunting for an encoding.
        raise RosterError(
            [f"{name}: a spreadsheet workbook, not CSV or JSON; save or export it as CSV"]
        )
    for magic, what in _NOT_A_ROSTER_MAGIC.items():
        if data.lstrip(b"\xef\xbb\xbf").startswith(magic):
            raise RosterError([f"{name}: {what}"])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (tab-separated) is UTF-16 with a byte order mark.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RosterError(
                [f"{name}: not valid UTF-16 text after its byte order mark; save it as UTF-8"]
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise RosterError(
            [f"{name}:{line}: not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"]
        ) from None


def _delimiter(text: str) -> tuple[str, bool]:
    """The separator, and whether a first line `sep=;` named it (Excel writes and reads
    that line); else the one the header line uses most: comma, or semicolon or tab where
    they win.

    European Excel saves "CSV" with semicolons; some tools export tab-separated text.
    """
    hint = _SEPARATOR_HINT.match(text)
    if hint:
        return hint.group(1), True
    # The header is the first line with more than separators on it (see _csv_records).
    lines = text.split("\n")
    header_line = next((line for line in lines if line.strip(" \t\r,;")), "")
    return max(CSV_DELIMITERS, key=header_line.count), False  # a tie keeps the comma


def _csv_records(text: str, name: str) -> tuple[list[str], int, list[tuple[int, list[str]]]]:
    """The header, the line it is on, and each row that has a cell with the line it starts on."""
    delimiter, hinted = _delimiter(text)
    # Strict: a lenient reader lets a quote that is never closed swallow every line
    # after it into one cell, so the rest of the file would vanish without a word.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    headers: list[str] | None = None
    header_line = start = 1
    try:
        if hinted:
            next(reader)
            header_line = start = 2
        for row in reader:
            if headers is None:
                # Blank lines (or a row of bare separators) above the header are no header.
                if any(cell.strip() for cell in row):
                    headers = [cell.strip() for cell in row]
                    header_line = start
            elif any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":
            message = f"{name}:{start}: not valid CSV: a quoted cell on this line is never closed"
        elif "expected after" in str(exc):
            message = (
                f"{name}:{reader.line_num}: not valid CSV: text after the closing quote of a "
                'cell (write a quote inside a quoted cell as "")'
            )
        else:
            message = f"{name}:{reader.line_num}: not valid CSV: {exc}"
        raise RosterError([message]) from None
    if headers is None:
        raise RosterError([f"{name}: the file is empty"])
    return headers, header_line, rows


def _json_items(text: str, name: str) -> list[tuple[int, object]]:
    """The items of a JSON roster's top-level list, each with the line it starts on."""
    if not text.strip():
        raise RosterError([f"{name}: the file is empty"])
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RosterError([f"{name}:{exc.lineno}: not valid JSON: {exc.msg}"]) from None
    except RecursionError:
        raise RosterError([f"{name}: not a roster: lists or objects nested too deeply"]) from None
    if isinstance(items, list):
        return list(zip(_item_lines(text, text.index("[")), items, strict=True))
    if isinstance(items, dict):
        # APIs and some tools wrap the list: {"creators": [...]} or {"data": [...], "total": 3};
        # an export that found nobody wraps an empty one: {"creators": []}.
        lists = [
            key
            for key, value in items.items()
            if isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ]
        filled = [key for key in lists if items[key]]
        if len(filled) == 1 or (not filled and len(lists) == 1):
            [key] = filled or lists
            start = _member_start(text, key)
            return list(zip(_item_lines(text, start), items[key], strict=True))
        keys = ", ".join(json.dumps(key, ensure_ascii=False) for key in items) or "none"
        raise RosterError(
            [
                f"{name}: expected a JSON list of creator objects (or an object with one such "
                f"list), got an object with keys: {keys}"
            ]
        )
    raise RosterError([f"{name}: expected a JSON list of creator objects, got {_shown(items)}"])


def _member_start(text: str, key: str) -> int:
    """Where the value of `key` in a valid top-level JSON object starts (the last one, as
    json.loads keeps the last of repeated keys)."""
    decoder = json.JSONDecoder()
    start = -1
    index = _after_json_space(text, text.index("{") + 1)
    while text[index] != "}":
        member, index = decoder.raw_decode(text, index)
        index = _after_json_space(text, _after_json_space(text, index) + 1)  # past ":"
        if member == key:
            start = index
        index = _after_json_space(text, decoder.raw_decode(text, index)[1])
        if text[index] == ",":
            index = _after_json_space(text, index + 1)
    return start


def _item_lines(text: str, start: int) -> list[int]:
    """The line each item of a valid JSON list, whose "[" is at `start`, starts on, read
    item by item with `raw_decode` (json.loads keeps no positions)."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    line, counted = 1, 0
    index = _after_json_space(text, start + 1)
    while text[index] != "]":
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        index = _after_json_space(text, decoder.raw_decode(text, index)[1])
        if text[index] == ",":
            index = _after_json_space(text, index + 1)
    return lines


def _after_json_space(text: str, index: int) -> int:
    while text[index] in " \t\n\r":
        index += 1
    return index


def _item_where(name: str, line: int, number: int, record: dict[str, object]) -> str:
    """How problems name a JSON item: its line, its position (tools often write a whole
    list on one line), and its handle when that is readable."""
    try:
        return f"{name}:{line}: item {number} ({_handle(record.get('handle'))})"
    except _CellError:
        return f"{name}:{line}: item {number}"


@dataclass(frozen=True)
class ParsedRoster:
    """A valid roster file: its creators and how its columns were read."""

    creators: list[Creator]
    mapping: dict[str, str]  # header -> canonical column
    ignored: list[str]  # headers that map to no column
    decimal_comma_columns: list[str]  # number columns read the European way ("3,5")


def parse_roster(data: bytes, name: str, *, from_scout: bool = False) -> ParsedRoster:
    """Validate a whole roster file: creators, header mapping, ignored columns.

    `from_scout`: the file is Scout's own copy of an imported roster (see `_growth`).
    Raises RosterError listing every problem when any row is bad.
    """
    text = _decode(data, name)
    is_json = name.lower().endswith(".json") or text.lstrip().startswith(("[", "{"))
    # (position, where, record): position is the CSV line or JSON item number, and
    # `where` starts each of the row's problems.
    records: list[tuple[int, str, dict[str, object]]] = []
    problems: list[tuple[int, str]] = []
    if is_json:
        unit = "item"
        items = _json_items(text, name)
        objects = [item for _, item in items if isinstance(item, dict)]
        headers = list(dict.fromkeys(key for item in objects for key in item))
        # Without a single object there are no keys to check: each item's problem is listed.
        mapping, ignored, platform = _map_headers(headers, name) if objects else ({}, [], None)
        for number, (line, item) in enumerate(items, start=1):
            if not isinstance(item, dict):
                message = f"row: expected an object, got {_shown(item)}"
                problems.append((number, f"{name}:{line}: item {number}: {message}"))
                continue
            record = {mapping[k]: v for k, v in item.items() if k in mapping}
            if platform:
                record["platform"] = platform
            records.append((number, _item_where(name, line, number, record), record))
    else:
        unit = "line"
        headers, header_line, rows = _csv_records(text, name)
        mapping, ignored, platform = _map_headers(headers, f"{name}:{header_line}")
        for line, row in rows:
            # A short row is as suspect as a long one: a truncated file must not half-import.
            if len(row) != len(headers):
                message = f"row: has {len(row)} cells but the header has {len(headers)}"
                extra = row[len(headers) :]
                if extra and not any(cell.strip() for cell in extra):
                    message += " (the extra cells are empty: a separator ends the line)"
                elif extra:
                    message += f"; {_QUOTE_HINTS[_delimiter(text)[0]]}"
                problems.append((line, f"{name}:{line}: {message}"))
                continue
            cells = dict(zip(headers, row, strict=True))
            record = {mapping[h]: v for h, v in cells.items() if h in mapping}
            if platform:
                record["platform"] = platform
            records.append((line, f"{name}:{line}", record))
    if not records and not problems:
        what = "the list is empty" if is_json else "only a header row"
        raise RosterError([f"{name}: no creators found ({what})"])

    comma_columns = _decimal_comma_columns(record for _, _, record in records)
    # A header with a % sign ("Engagement Rate (%)", "Growth %") says its cells are
    # percentages: 0.8 there is 0.8%, not 80%.
    percent_columns = {
        column for header, column in mapping.items() if "%" in header and column in PERCENT_COLUMNS
    }
    in_percent = "engagement_rate" in percent_columns or _rates_in_percent(
        (record.get("engagement_rate") for _, _, record in records),
        decimal_comma="engagement_rate" in comma_columns,
    )
    parsers: dict[str, Callable[[object], object]] = {
        **_PARSERS,
        "engagement_rate": partial(_engagement_rate, in_percent=in_percent),
    }
    if from_scout:
        parsers["follower_growth_30d"] = partial(_growth, from_scout=True)
    for column in percent_columns - {"engagement_rate"}:
        fraction_parser: Callable[..., object] = parsers[column]
        parsers[column] = partial(fraction_parser, in_percent=True)
    for column in comma_columns:
        number_parser: Callable[..., object] = parsers[column]
        parsers[column] = partial(number_parser, decimal_comma=True)
    creators: list[Creator] = []
    first_seen: dict[str, int] = {}
    for position, where, record in records:
        # Duplicates are checked on the handle alone, so a row with other problems
        # still reports that it repeats an earlier one.
        try:
            handle: str | None = _handle(record.get("handle"))
        except _CellError:
            handle = None
        if handle is not None and handle in first_seen:
            message = f"handle: {handle} duplicates {unit} {first_seen[handle]}"
            problems.append((position, f"{where}: {message}"))
        elif handle is not None:
            first_seen[handle] = position
        creator, row_problems = _parse_row(record, where, parsers)
        problems.extend((position, problem) for problem in row_problems)
        if creator is not None:
            creators.append(creator)
    if problems:
        problems.sort(key=lambda problem: problem[0])  # stable: a row's problems keep order
        raise RosterError([message for _, message in problems])
    return ParsedRoster(creators, mapping, ignored, sorted(comma_columns))


def load_roster(path: Path, *, from_scout: bool = False) -> list[Creator]:
    """Read and validate a roster file (CSV or JSON); `from_scout` as in `parse_roster`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError([f"{path}: cannot read the roster: {exc.strerror}"]) from None
    return parse_roster(data, str(path), from_scout=from_scout).creators


def load_roster_in_use(settings: Settings) -> list[Creator]:
    """The roster `settings.roster_path` names; a bad file set by SCOUT_ROSTER says so."""
    path = settings.roster_path
    try:
        return load_roster(path, from_scout=path == settings.scout_data_dir / "roster.json")
    except RosterError as exc:
        if settings.scout_roster is None:
            raise
        outcome = "SCOUT_ROSTER names this file: fix it or unset SCOUT_ROSTER"
        raise _with_outcome(exc, settings.scout_roster, outcome) from None


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".roster-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _with_outcome(error: RosterError, src: Path, outcome: str) -> RosterError:
    """The error with what it means for the user: one problem stays one line, more are
    followed by a line that counts them."""
    if len(error.problems) == 1:
        return RosterError([f"{error.problems[0]}; {outcome}"])
    return RosterError([*error.problems, f"{src}: {len(error.problems)} problems; {outcome}"])


def import_roster(src: Path, settings: Settings) -> ImportReport:
    """Validate `src` whole, then store it as `SCOUT_DATA_DIR/roster.json` (temp, then rename)."""
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise RosterError([f"{src}: cannot read the roster: {exc.strerror}"]) from None
    try:
        parsed = parse_roster(data, str(src))
    except RosterError as exc:
        raise _with_outcome(exc, src, "nothing was imported") from None
    creators = parsed.creators
    target = settings.scout_data_dir / "roster.json"
    payload = [creator.model_dump(mode="json") for creator in creators]
    _write_atomically(target, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    return ImportReport(
        source=str(src),
        stored_at=str(target),
        creators=len(creators),
        platforms=dict(Counter(creator.platform for creator in creators).most_common()),
        mapped_headers={
            header: column
            for header, column in parsed.mapping.items()
            if "_".join(header.lower().split()) != column  # skip "Followers" -> followers
        },
        ignored_columns=parsed.ignored,
        decimal_comma_columns=parsed.decimal_comma_columns,
        overridden_by=str(settings.scout_roster) if settings.scout_roster else None,
    )
