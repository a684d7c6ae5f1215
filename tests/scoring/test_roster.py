"""Roster import: header mapping, handles, whole-file rejection with exact error lines."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import SAMPLE_ROSTER, load_settings
from bot.scoring.models import Creator
from bot.scoring.roster import (
    RosterError,
    closest_handle,
    import_roster,
    load_roster,
    load_roster_in_use,
)

GOOD = "handle,platform,followers,avg_likes\n@ok,instagram,1000,50\n"
FULL_HEADER = (
    "handle,name,platform,niches,followers,avg_likes,avg_comments,avg_shares,avg_saves,"
    "avg_views,posts_per_week,sponsored_ratio,rate_usd,audience_top_country,"
    "follower_growth_30d,bio"
)
FULL_ROW = "@full,Full One,instagram,vegan;fitness,20000,900,40,10,20,,3,0.1,400,US,0.01,hi"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RosterError) as caught:
        import_roster(path, load_settings())
    return str(caught.value).splitlines()


def test_every_bad_row_is_listed_with_line_column_and_reason() -> None:
    roster = write(
        Path("roster.csv"),
        "handle,platform,followers,avg_likes,sponsored_ratio\n"
        "@ok,instagram,1000,50,0.1\n"
        "@bad1,instagram,12.5,50,0.1\n"
        "@bad2,instagram,1000,-5,0.1\n"
        "@bad3,instagram,1000,5,1.4\n"
        "@OK,tiktok,10,1,0\n"
        "@bad4,myspace,abc,5,0\n",
    )
    assert problems(roster) == [
        'roster.csv:3: followers: must be a whole number, got "12.5"',
        'roster.csv:4: avg_likes: must not be negative, got "-5"',
        'roster.csv:5: sponsored_ratio: must be a fraction from 0 to 1, got "1.4": for 1.4% '
        "write 0.014 or 1.4%, or put % in the column's name",
        "roster.csv:6: handle: @ok duplicates line 2",
        'roster.csv:7: platform: must be one of instagram, threads, tiktok, youtube, got "myspace"',
        'roster.csv:7: followers: must be a whole number, got "abc"',
        "roster.csv: 6 problems; nothing was imported",
    ]


def test_a_handle_without_at_is_rejected_with_the_fix() -> None:
    roster = write(
        Path("roster.csv"),
        "handle,platform,followers\n@ok,instagram,10\nnohandle,instagram,10\nbad one,tiktok,5\n",
    )
    assert problems(roster) == [
        'roster.csv:3: handle: must start with @, got "nohandle" (write "@nohandle")',
        "roster.csv:4: handle: must be @ then up to 64 letters, digits, '_', '.' or '-', "
        'got "bad one"',
        "roster.csv: 2 problems; nothing was imported",
    ]


def test_youtube_handles_with_hyphens_load() -> None:
    roster = write(
        Path("roster.csv"),
        "handle,platform,followers\n@user-x7k2p9,youtube,1200\n@Mr-Cook.Eats,youtube,9000\n",
    )
    assert [c.handle for c in load_roster(roster)] == ["@user-x7k2p9", "@mr-cook.eats"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "handle,followers\n@a,10\n",
            ["roster.csv:1: missing column(s): platform (found: handle, followers)"],
        ),
        ("", ["roster.csv: the file is empty"]),
        ("handle,platform,followers\n", ["roster.csv: no creators found (only a header row)"]),
        (
            "handle,platform,followers,name\n@a,instagram,10,Zo\xeb\n".encode("latin-1"),
            ["roster.csv:2: not UTF-8 text (byte 0xeb); save the file as UTF-8"],
        ),
        (
            "handle,platform,followers\n@a,instagram,10,extra\n",
            [
                "roster.csv:2: row: has 4 cells but the header has 3; a cell with a comma in it "
                '(12,000) must be in double quotes: "12,000"'
            ],
        ),
        (
            f"{FULL_HEADER}\n{FULL_ROW}\n@short,A,instagram,vegan,2000,100\n",
            ["roster.csv:3: row: has 6 cells but the header has 16"],
        ),
        (
            # A quote never closed must not swallow the rows after it into one cell.
            'handle,platform,followers,bio\n@a,instagram,10,"fine"\n@b,instagram,20,"oops\n'
            "@c,instagram,30,hi\n@d,tiktok,40,bye\n",
            ["roster.csv:3: not valid CSV: a quoted cell on this line is never closed"],
        ),
        (
            'handle,platform,followers,name\n@a,instagram,10,"Bob "The" Builder"\n',
            [
                "roster.csv:2: not valid CSV: text after the closing quote of a cell "
                '(write a quote inside a quoted cell as "")'
            ],
        ),
        (
            "handle,platform,followers\n,instagram,10\n@bad handle!,instagram,10\n",
            [
                "roster.csv:2: handle: is empty",
                "roster.csv:3: handle: must be @ then up to 64 letters, digits, '_', '.' or '-', "
                'got "@bad handle!"',
            ],
        ),
    ],
)
def test_bad_files_are_rejected_with_exact_lines(content: str | bytes, expected: list[str]) -> None:
    found = problems(write(Path("roster.csv"), content))
    if len(expected) == 1:  # one problem is one line, which says what it means
        assert found == [f"{expected[0]}; nothing was imported"]
    else:
        assert found == [*expected, f"roster.csv: {len(expected)} problems; nothing was imported"]


def test_a_row_with_a_separator_at_its_end_says_so_not_to_quote_a_cell() -> None:
    roster = write(Path("roster.csv"), "handle,platform,followers\n@a,instagram,10,\n")
    assert problems(roster) == [
        "roster.csv:2: row: has 4 cells but the header has 3 (the extra cells are empty: a "
        "separator ends the line); nothing was imported"
    ]


@pytest.mark.parametrize(
    ("content", "separator"),
    [
        ("handle,platform,followers\n@a,instagram,12,000\n", "comma"),
        ("handle;platform;niches;followers\n@a;instagram;vegan;fitness;12000\n", "semicolon"),
    ],
)
def test_a_row_split_by_an_unquoted_separator_says_to_quote_the_cell(
    content: str, separator: str
) -> None:
    [problem] = problems(write(Path("roster.csv"), content))
    assert problem.startswith("roster.csv:2: row: has ")
    assert f"; a cell with a {separator} in it (" in problem
    assert "must be in double quotes: " in problem


@settings(max_examples=50, deadline=None)
@given(kept=st.integers(min_value=1, max_value=15))
def test_a_truncated_row_rejects_the_whole_file(kept: int) -> None:
    short = ",".join(FULL_ROW.replace("@full", "@short").split(",")[:kept])
    roster = write(Path("roster.csv"), f"{FULL_HEADER}\n{FULL_ROW}\n{short}\n")
    assert problems(roster) == [
        f"roster.csv:3: row: has {kept} cells but the header has 16; nothing was imported"
    ]


def test_a_rejected_file_leaves_the_previous_roster_untouched(isolated_env: Path) -> None:
    import_roster(write(Path("good.csv"), GOOD), load_settings())
    stored = isolated_env / "roster.json"
    before = stored.read_bytes()
    bad = write(Path("bad.csv"), GOOD + "@two,instagram,-1,5\n")
    with pytest.raises(RosterError):
        import_roster(bad, load_settings())
    assert stored.read_bytes() == before
    assert [p.name for p in isolated_env.iterdir()] == ["roster.json"]  # no temp files left


def csv_text(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files_read_like_comma_separated(separator: str) -> None:
    second = FULL_ROW.replace("@full", "@second").split(",")[:-1]
    rows = [FULL_HEADER.split(","), FULL_ROW.split(","), [*second, "Vegan; strong, and kind"]]
    comma = write(Path("comma.csv"), csv_text(rows, ","))
    other = write(Path("other.csv"), csv_text(rows, separator))
    creators = load_roster(other)
    assert len(creators) == 2
    assert creators == load_roster(comma)


def test_export_headers_map_onto_canonical_columns(isolated_env: Path) -> None:
    roster = write(
        Path("export.csv"),
        "Username,Network,Followers,Avg. Likes,Avg. Comments,Price,Category,Sponsored %,Notes\n"
        '@GreenRunner,Instagram,"22,300",1050,61,$300,Vegan; Fitness,15%,met at expo\n',
    )
    report = import_roster(roster, load_settings())
    assert report.creators == 1
    assert report.mapped_headers["Avg. Likes"] == "avg_likes"
    assert report.mapped_headers["Price"] == "rate_usd"
    assert report.ignored_columns == ["Notes"]
    [creator] = load_roster(isolated_env / "roster.json")
    assert creator.handle == "@greenrunner"  # handles are case-insensitive
    assert creator.followers == 22_300
    assert creator.rate_usd == 300
    assert creator.niches == ["vegan", "fitness"]
    assert creator.sponsored_ratio == pytest.approx(0.15)
    assert creator.avg_views is None  # no views column: unknown, not zero


@pytest.mark.parametrize(
    "cell", ["Food;Vegan", '"Food, Vegan"', "Food | Vegan", '" food ;vegan, Food"']
)
def test_niche_tags_split_on_semicolons_commas_or_bars(cell: str) -> None:
    assert one_creator("followers,niches", f"10,{cell}").niches == ["food", "vegan"]


def test_more_export_headers_map_onto_canonical_columns() -> None:
    roster = write(
        Path("export.csv"),
        "TikTok Username,Platform,Followers Count,Avg. Likes per Post,Avg Reel Plays,"
        "Fee (USD),Posts/Week,30d Growth,Biography\n"
        "@a,tiktok,5000,400,9000,$120,4,5%,Dancer\n",
    )
    report = import_roster(roster, load_settings())
    assert report.ignored_columns == []
    [creator] = load_roster(Path(report.stored_at))
    assert (creator.followers, creator.avg_likes, creator.avg_views) == (5000, 400, 9000)
    assert (creator.rate_usd, creator.posts_per_week, creator.bio) == (120, 4, "Dancer")
    assert creator.follower_growth_30d == 0.05


def test_a_single_network_export_takes_its_platform_from_the_handle_header() -> None:
    tiktok = write(Path("tiktok.csv"), "TikTok Username,Followers\n@a,5000\n@b,7000\n")
    assert [c.platform for c in load_roster(tiktok)] == ["tiktok", "tiktok"]
    instagram = write(Path("ig.json"), '[{"IG Handle": "@a", "Followers": 10}]')
    assert [c.platform for c in load_roster(instagram)] == ["instagram"]
    unnamed = write(Path("plain.csv"), "Username,Followers\n@a,5000\n")
    assert problems(unnamed) == [
        "plain.csv:1: missing column(s): platform (found: Username, Followers); "
        "nothing was imported"
    ]


def test_headers_that_name_the_network_map_and_give_the_platform() -> None:
    # "Instagram Followers" was ignored, so the file was rejected for missing followers.
    roster = write(
        Path("export.csv"),
        "Username,Instagram Followers,Avg. Likes,Avg Reel Views,Price (USD),"
        "Top Audience Country,Followers Growth (30d),Main Category\n"
        '@a,"12,500",400,9000,$300,US,2%,Vegan\n',
    )
    report = import_roster(roster, load_settings())
    assert report.ignored_columns == []
    [creator] = load_roster(Path(report.stored_at))
    assert (creator.platform, creator.followers, creator.avg_views) == ("instagram", 12_500, 9000)
    assert (creator.audience_top_country, creator.follower_growth_30d) == ("US", 0.02)
    assert creator.niches == ["vegan"]
    youtube = write(Path("yt.csv"), "Handle,Platform,YouTube Subscribers\n@b,youtube,800\n")
    assert [c.followers for c in load_roster(youtube)] == [800]
    for header in ("Followers on TikTok", "Followers (TikTok)"):
        tiktok = write(Path("tt.csv"), f"Handle,{header}\n@c,5000\n")
        assert [(c.platform, c.followers) for c in load_roster(tiktok)] == [("tiktok", 5000)]


def test_headers_naming_two_networks_give_no_platform_and_clash_on_one_column() -> None:
    mixed = write(Path("mixed.csv"), "Username,Instagram Followers,TikTok Avg Views\n@a,1,2\n")
    assert problems(mixed) == [
        "mixed.csv:1: missing column(s): platform (found: Username, Instagram Followers, "
        "TikTok Avg Views); nothing was imported"
    ]
    both = write(Path("both.csv"), "Username,Platform,Instagram Followers,TikTok Followers\n")
    assert problems(both) == [
        "both.csv:1: TikTok Followers: maps to followers, like column 'Instagram Followers' "
        "does; nothing was imported"
    ]
    # A word that merely starts like a network is no network: "TikToker" is ignored.
    named = write(Path("named.csv"), "Handle,Platform,Followers,TikToker\n@a,tiktok,5,x\n")
    assert import_roster(named, load_settings()).ignored_columns == ["TikToker"]


def test_an_engagement_per_post_header_is_a_count_and_an_avg_rate_header_a_rate() -> None:
    roster = write(
        Path("export.csv"),
        "Handle,Platform,Followers,Engagement per post,Avg. Engagement Rate\n"
        "@a,instagram,10000,300,\n@b,instagram,10000,,2.5%\n",
    )
    assert [c.avg_likes for c in load_roster(roster)] == [300, 250]


@pytest.mark.parametrize(
    ("above", "sep"),
    [("\n", ","), ("\r\n\r\n", ";"), (",,,\n", ","), (";;\n\n", ";"), ("  \n", "\t")],
)
def test_blank_lines_above_the_header_are_skipped_and_lines_still_count(
    above: str, sep: str
) -> None:
    # A leading blank line was read as the header: "missing column(s) (found: nothing)".
    lines = above.count("\n")
    roster = write(
        Path("roster.csv"), f"{above}handle{sep}platform{sep}followers\n@a{sep}tiktok{sep}1 000\n"
    )
    [creator] = load_roster(roster)
    assert (creator.handle, creator.platform, creator.followers) == ("@a", "tiktok", 1000)
    write(roster, f"{above}handle{sep}platform{sep}followers\n@a{sep}tiktok{sep}-1\n")
    assert problems(roster) == [
        f'roster.csv:{lines + 2}: followers: must not be negative, got "-1"; nothing was imported'
    ]
    write(roster, f"{above}handle{sep}followers\n@a{sep}5\n")
    assert problems(roster) == [
        f"roster.csv:{lines + 1}: missing column(s): platform (found: handle, followers); "
        "nothing was imported"
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_excels_separator_line_names_the_separator(newline: str) -> None:
    lines = [
        "sep=;",
        "Handle;Platform;Followers;Price",
        "@a;instagram;5000;1,200",
        "@b;tiktok;-1;5",
    ]
    roster = write(Path("roster.csv"), newline.join(lines) + newline)
    assert problems(roster) == [
        'roster.csv:4: followers: must not be negative, got "-1"; nothing was imported'
    ]
    write(roster, newline.join(lines[:3]))
    [creator] = load_roster(roster)
    assert (creator.handle, creator.followers, creator.rate_usd) == ("@a", 5000, 1200)


@pytest.mark.parametrize(("cell", "rate"), [("0,125", 0.125), ("$0,500", 0.5), ("1,50 $", 1.5)])
def test_a_leading_zero_group_is_a_decimal_comma_not_thousands(cell: str, rate: float) -> None:
    # "0,125" once read as 125: a growth of 12,500% and a spike flag.
    assert one_creator("followers,rate_usd", f'10,"{cell}"').rate_usd == rate


def test_a_european_excel_file_reads_its_decimal_commas() -> None:
    roster = write(
        Path("export.csv"),
        "Handle;Platform;Followers;Avg Likes;Price;Sponsored;Growth;Engagement\n"
        "@eu.one;Instagram;12500;400,5;1.200,50;0,2;5,5%;3,5%\n"
        "@eu.two;TikTok;45000;1500;300;0,35;0;4,25%\n"
        "@eu.three;Threads;1,2K;0;1.234;0;0;2,5%\n",  # no likes: 2.5% of 1,200 followers
    )
    one, two, three = load_roster(roster)
    assert (one.avg_likes, one.rate_usd, one.sponsored_ratio) == (400.5, 1200.5, 0.2)
    assert one.follower_growth_30d == 0.055
    assert (two.avg_likes, two.rate_usd, two.sponsored_ratio) == (1500, 300, 0.35)
    assert (three.followers, three.rate_usd, three.avg_likes) == (1200, 1234, 30)
    assert import_roster(roster, load_settings()).decimal_comma_columns == [
        "avg_likes",
        "engagement_rate",
        "follower_growth_30d",
        "followers",
        "rate_usd",
        "sponsored_ratio",
    ]


@settings(max_examples=50, deadline=None)
@given(followers=st.integers(1_000, 10**9))
def test_thousands_points_follow_a_european_file(followers: int) -> None:
    # "12.000" alone reads either way; beside a "1.500,00" price it once read as 12.
    grouped = f"{followers:,}".replace(",", ".")
    roster = write(
        Path("eu.csv"),
        f"Handle;Platform;Followers;Price\n@eu;instagram;{grouped};1.500,00\n",
    )
    [creator] = load_roster(roster)
    assert (creator.followers, creator.rate_usd) == (followers, 1500)


def test_a_column_that_reads_either_way_follows_no_mixed_file() -> None:
    # One column shows a decimal point, another a decimal comma: "12,500" keeps its
    # comma between thousands.
    creator = one_creator("followers,rate_usd,sponsored_ratio", '"12,500",2.5,"0,2"')
    assert (creator.followers, creator.rate_usd, creator.sponsored_ratio) == (12_500, 2.5, 0.2)


@settings(max_examples=100, deadline=None)
@given(amounts=st.lists(st.decimals(0, 10**7, places=2), min_size=1, max_size=5))
def test_european_and_american_amounts_read_alike(amounts: list[Decimal]) -> None:
    us = [f"{amount:,.2f}" for amount in amounts]  # 1,234.50
    eu = [cell.translate(str.maketrans(",.", ".,")) for cell in us]  # 1.234,50

    def rates(cells: list[str], separator: str) -> list[float]:
        rows = "".join(
            f"@c{i}{separator}tiktok{separator}10{separator}{cell}\n"
            for i, cell in enumerate(cells)
        )
        header = separator.join(["handle", "platform", "followers", "rate_usd"])
        return [c.rate_usd for c in load_roster(write(Path("r.csv"), f"{header}\n{rows}"))]

    assert rates(eu, ";") == rates([f'"{cell}"' for cell in us], ",") == [float(a) for a in amounts]


def test_a_column_is_read_one_way_only() -> None:
    # "1,234" means 1.234 where the column writes "2,5", and 1,234 where it writes "2.5".
    european = write(
        Path("eu.csv"), "handle;platform;followers;rate_usd\n@a;tiktok;10;1,234\n@b;tiktok;10;2,5\n"
    )
    assert [c.rate_usd for c in load_roster(european)] == [1.234, 2.5]
    american = write(
        Path("us.csv"),
        'handle,platform,followers,rate_usd\n@a,tiktok,10,"1,234"\n@b,tiktok,10,2.5\n',
    )
    assert [c.rate_usd for c in load_roster(american)] == [1234, 2.5]


def test_a_decimal_comma_is_rejected_not_misread() -> None:
    roster = write(
        Path("roster.csv"),
        "handle,platform,followers,sponsored_ratio,rate_usd\n"
        '@eu,instagram,1000,"0,1",90\n'
        '@us,instagram,"12,500",0.1,"$1,200.50"\n',
    )
    assert problems(roster) == [
        "roster.csv:2: sponsored_ratio: must be a number (a point for decimals, "
        'commas only between thousands), got "0,1"; nothing was imported'
    ]


def one_creator(header: str, row: str) -> Creator:
    [creator] = load_roster(
        write(Path("roster.csv"), f"handle,platform,{header}\n@a,instagram,{row}\n")
    )
    return creator


@pytest.mark.parametrize(
    ("cell", "followers"),
    [
        ("12.5K", 12_500),
        ("12k", 12_000),
        ("12.3K", 12_300),
        ("1.2M", 1_200_000),
        ("1,2M", 1_200_000),
        ("2,500k", 2_500_000),
    ],
)
def test_abbreviated_counts_are_read_in_full(cell: str, followers: int) -> None:
    assert one_creator("followers,avg_views", f'"{cell}","{cell}"').followers == followers
    assert one_creator("followers,avg_views", f'10,"{cell}"').avg_views == followers


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1.23456K", 'must be a whole number, got "1.23456K"'),
        ("12KK", 'must be a whole number, got "12KK"'),
    ],
)
def test_an_abbreviated_count_that_is_not_whole_is_rejected(cell: str, reason: str) -> None:
    roster = write(Path("roster.csv"), f"handle,platform,followers\n@a,instagram,{cell}\n")
    assert problems(roster) == [f"roster.csv:2: followers: {reason}; nothing was imported"]


@pytest.mark.parametrize(
    "cell", ["1500", "$1,500", "1500$", "1,500 $", "USD 1500", "US$1,500", "$1.5k"]
)
def test_a_rate_reads_with_its_currency_sign_on_either_side(cell: str) -> None:
    assert one_creator("followers,rate_usd", f'10,"{cell}"').rate_usd == 1500


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_thousands_grouped_by_spaces_are_read_in_full(space: str) -> None:
    # French exports write "12 500" (often with a no-break space); it was rejected.
    creator = one_creator(
        "followers,avg_views,rate_usd", f"12{space}500,1{space}250{space}000,$1{space}200.50"
    )
    assert (creator.followers, creator.avg_views, creator.rate_usd) == (12_500, 1_250_000, 1200.5)
    european = write(
        Path("eu.csv"),
        f"handle;platform;followers;rate_usd\n@a;tiktok;12{space}500;1{space}234,50\n",
    )
    [creator] = load_roster(european)
    assert (creator.followers, creator.rate_usd) == (12_500, 1234.5)


@pytest.mark.parametrize("cell", ["N/A", "n/a", "NA", "#N/A", "-", " \u2014 ", "\u2013"])
def test_a_not_available_number_reads_like_an_empty_cell(cell: str) -> None:
    # Exports write N/A where a tool has no figure; the whole file was rejected for it.
    header = "followers,avg_likes,avg_views,rate_usd,sponsored_ratio,follower_growth_30d"
    creator = one_creator(header, f"{cell},{cell},{cell},{cell},{cell},{cell}")
    assert (creator.followers, creator.avg_likes, creator.rate_usd) == (0, 0, 0)
    assert creator.avg_views is None  # unknown, as an empty cell leaves it
    assert (creator.sponsored_ratio, creator.follower_growth_30d) == (0, 0)
    assert one_creator("followers,avg_views", f"1000,{cell}") == one_creator(
        "followers,avg_views", "1000,"
    )


@pytest.mark.parametrize("cell", ["1 2", "1234 567", "12  500", "12 50"])
def test_spaces_that_do_not_group_thousands_are_rejected(cell: str) -> None:
    roster = write(Path("roster.csv"), f"handle,platform,followers\n@a,instagram,{cell}\n")
    assert problems(roster) == [
        f'roster.csv:2: followers: must be a whole number, got "{cell}"; nothing was imported'
    ]


def test_a_rate_in_another_currency_is_rejected_as_not_usd() -> None:
    roster = write(Path("roster.csv"), "handle,platform,followers,rate_usd\n@a,instagram,10,€900\n")
    assert problems(roster) == [
        'roster.csv:2: rate_usd: must be an amount in USD, got "€900"; nothing was imported'
    ]


@settings(max_examples=200, deadline=None)
@given(ten_thousandths=st.integers(min_value=0, max_value=10_000))
def test_a_percentage_reads_exactly_as_the_fraction_written(ten_thousandths: int) -> None:
    # "35%" must be the very 0.35 a threshold in the scoring config is, not 0.35000000000000003.
    ratio = Decimal(ten_thousandths) / 10_000
    for cell in (f"{ratio * 100}%", str(ratio)):
        creator = one_creator("followers,sponsored_ratio,follower_growth_30d", f"10,{cell},{cell}")
        assert creator.sponsored_ratio == float(ratio)
        assert creator.follower_growth_30d == float(ratio)


def test_a_blank_header_is_reported_by_its_position() -> None:
    roster = write(Path("roster.csv"), "handle,platform,followers,,Notes\n@a,instagram,10,x,y\n")
    assert import_roster(roster, load_settings()).ignored_columns == ["unnamed column 4", "Notes"]


def test_an_exported_engagement_rate_becomes_likes() -> None:
    roster = write(
        Path("export.csv"), "Handle,Platform,Followers,Engagement\n@a,instagram,10000,5.8%\n"
    )
    [creator] = load_roster(roster)
    assert creator.avg_likes == pytest.approx(580)


def test_a_rate_or_total_fills_in_the_likes_a_row_lacks_and_keeps_its_other_engagements() -> None:
    roster = write(
        Path("export.json"),
        json.dumps(
            [
                # no likes: the 4.5% rate is 378 engagements, 12 of them comments
                {
                    "Username": "@a",
                    "Platform": "threads",
                    "Followers": 8400,
                    "Avg Likes": None,
                    "Avg Comments": 12,
                    "Engagement": "4.5%",
                },
                {
                    "Username": "@b",
                    "Platform": "tiktok",
                    "Followers": 9000,
                    "Avg Comments": 40,
                    "Engagements": 300,
                },
                # likes on file: they and the comments are the engagements; the rate is a summary
                {
                    "Username": "@c",
                    "Platform": "instagram",
                    "Followers": 1000,
                    "Avg Likes": 10,
                    "Avg Comments": 5,
                    "Engagement": "50%",
                },
                {
                    "Username": "@d",
                    "Platform": "instagram",
                    "Followers": 1000,
                    "Avg Comments": 80,
                    "Engagements": 50,
                },  # fewer than the comments: no likes, not negative ones
            ]
        ),
    )
    creators = load_roster(roster)
    assert [(c.avg_likes, c.avg_comments) for c in creators] == [
        (366, 12),
        (260, 40),
        (10, 5),
        (0, 80),
    ]


def engagement_likes(cells: list[str]) -> list[float]:
    rows = "".join(f"@c{i},instagram,10000,{cell}\n" for i, cell in enumerate(cells))
    roster = write(Path("export.csv"), f"Handle,Platform,Followers,Engagement\n{rows}")
    return [creator.avg_likes for creator in load_roster(roster)]


@pytest.mark.parametrize(
    ("cells", "likes"),
    [
        (["3.5", "1", "0.5"], [350, 100, 50]),  # one value above 1: all percentages
        (["0.05", "1", "0.5"], [500, 10000, 5000]),  # none above 1: all fractions
        (["5%", "0.5"], [500, 50]),  # a % sign anywhere: all percentages
        (["", "2"], [0, 200]),
    ],
)
def test_an_engagement_column_has_one_unit(cells: list[str], likes: list[float]) -> None:
    assert engagement_likes(cells) == pytest.approx(likes)


@settings(max_examples=100, deadline=None)
@given(hundredths=st.integers(min_value=0, max_value=10_000))
def test_a_percent_header_reads_its_cells_as_percentages(hundredths: int) -> None:
    # "Engagement Rate (%)" of 0.8 once read as 80%, and "Growth %" of 5 as 500% (a spike).
    percent = Decimal(hundredths) / 100  # 0 to 100, as the column writes it
    roster = write(
        Path("export.csv"),
        "Handle,Platform,Followers,Engagement Rate (%),Sponsored (%),30d Growth %\n"
        f"@a,instagram,10000,{percent},{percent},{percent}\n"
        f"@b,instagram,10000,{percent}%,{percent}%,-{percent}\n",
    )
    a, b = load_roster(roster)
    fraction = float(percent / 100)  # exactly as written: 50 is the 0.5 that is not flagged
    assert (a.sponsored_ratio, a.follower_growth_30d) == (fraction, fraction)
    assert (b.sponsored_ratio, b.follower_growth_30d) == (fraction, -fraction)
    assert a.avg_likes == b.avg_likes == pytest.approx(10_000 * fraction)


def test_a_percent_header_names_its_unit_when_a_cell_is_out_of_range() -> None:
    roster = write(
        Path("export.csv"),
        "Handle,Platform,Followers,Sponsored (%),Growth %\n@a,tiktok,10,150,-120\n",
    )
    assert problems(roster) == [
        "export.csv:2: sponsored_ratio: must be a percentage from 0 to 100 (the header says %), "
        'got "150"',
        "export.csv:2: follower_growth_30d: must be a percentage of at least -100 (the header "
        'says %), got "-120"',
        "export.csv: 2 problems; nothing was imported",
    ]


@settings(max_examples=100, deadline=None)
@given(hundredths=st.integers(min_value=101, max_value=100_000), negative=st.booleans())
def test_a_plain_number_above_1_in_a_fraction_column_is_rejected_not_guessed(
    hundredths: int, negative: bool
) -> None:
    # "12" once read as the fraction 12.0: every creator flagged growth_spike / over_sponsored.
    growth = Decimal(hundredths) / 100 * (-1 if negative else 1)
    sponsored = abs(growth)

    def fix(percent: Decimal) -> str:
        written = percent.normalize()
        return (
            f"for {written:f}% write {(percent / 100).normalize():f} or {written:f}%, "
            "or put % in the column's name"
        )

    growth_allowed = "must be a fraction from -1 to 1 or a percentage with its % sign"
    csv_file = write(
        Path("roster.csv"),
        "handle,platform,followers,sponsored_ratio,follower_growth_30d\n"
        f"@ok,instagram,10,0.1,0.1\n@a,instagram,10,{sponsored},{growth}\n",
    )
    assert problems(csv_file) == [
        f'roster.csv:3: sponsored_ratio: must be a fraction from 0 to 1, got "{sponsored}": '
        + fix(sponsored),
        f'roster.csv:3: follower_growth_30d: {growth_allowed}, got "{growth}": {fix(growth)}',
        "roster.csv: 2 problems; nothing was imported",
    ]
    item = {"handle": "@a", "platform": "tiktok", "followers": 10}
    json_file = write(
        Path("roster.json"),
        json.dumps({"creators": [{**item, "follower_growth_30d": float(growth)}]}),
    )
    assert problems(json_file) == [
        f"roster.json:1: item 1 (@a): follower_growth_30d: {growth_allowed}, got "
        f"{float(growth)}: {fix(growth)}; nothing was imported"
    ]
    assert not Path(".scout/roster.json").exists()


@settings(max_examples=100, deadline=None)
@given(hundredths=st.integers(min_value=-10_000, max_value=100_000))
def test_a_percentage_with_its_sign_reads_as_its_fraction_in_csv_and_json(hundredths: int) -> None:
    percent = Decimal(hundredths) / 100
    sponsored = abs(percent) if abs(percent) <= 100 else Decimal(35)
    csv_file = write(
        Path("roster.csv"),
        "handle,platform,followers,sponsored_ratio,follower_growth_30d\n"
        f"@a,instagram,10,{sponsored}%,{percent}%\n",
    )
    json_file = write(
        Path("roster.json"),
        json.dumps(
            [
                {
                    "handle": "@a",
                    "platform": "instagram",
                    "followers": 10,
                    "sponsored_ratio": f"{sponsored}%",
                    "follower_growth_30d": f"{percent}%",
                }
            ]
        ),
    )
    for path in (csv_file, json_file):
        [creator] = load_roster(path)
        assert creator.sponsored_ratio == float(sponsored / 100)
        assert creator.follower_growth_30d == float(percent / 100)


def test_growth_above_100_percent_survives_being_stored_and_read_back() -> None:
    # The imported copy stores "150%" as 1.5, which a file from a user must write with its %.
    roster = write(
        Path("roster.csv"), "handle,platform,followers,follower_growth_30d\n@a,tiktok,10,150%\n"
    )
    config = load_settings()
    import_roster(roster, config)
    [creator] = load_roster_in_use(config)
    assert creator.follower_growth_30d == 1.5


def test_a_count_under_an_engagement_rate_header_is_rejected_not_read_as_a_rate() -> None:
    roster = write(
        Path("export.csv"),
        'Handle,Platform,Followers,Engagement\n@a,instagram,20000,850\n@b,instagram,9000,"1,200"\n'
        "@c,instagram,9000,4.5\n@d,instagram,9000,100%\n",
    )
    advice = 'name a column of engagements per post "Engagements"'
    assert problems(roster) == [
        'export.csv:2: engagement_rate: must be a rate of at most 100%, got "850" '
        f"(read as 850%); {advice}",
        'export.csv:3: engagement_rate: must be a rate of at most 100%, got "1,200" '
        f"(read as 1200%); {advice}",
        "export.csv: 2 problems; nothing was imported",
    ]


@settings(max_examples=100, deadline=None)
@given(
    rates=st.lists(
        st.integers(min_value=0, max_value=10_000).map(lambda n: n / 10_000), min_size=1
    ).filter(lambda rates: max(rates) > 0.01)
)
def test_an_engagement_rate_reads_alike_as_fraction_percentage_or_percent_sign(
    rates: list[float],
) -> None:
    as_fractions = engagement_likes([str(rate) for rate in rates])
    assert as_fractions == pytest.approx([rate * 10_000 for rate in rates])
    assert engagement_likes([str(rate * 100) for rate in rates]) == pytest.approx(as_fractions)
    assert engagement_likes([f"{rate * 100}%" for rate in rates]) == pytest.approx(as_fractions)


def test_json_rosters_name_each_bad_item_by_position_and_handle() -> None:
    rows: list[object] = [
        {"handle": "@a", "platform": "instagram", "followers": 100},
        {"handle": "@b", "platform": "instagram", "followers": -3},
        {"handle": "nope", "platform": "instagram", "followers": 10},
        5,
        {"handle": "@A", "platform": "tiktok", "followers": 10},
    ]
    roster = write(Path("roster.json"), json.dumps(rows))  # one line, as most tools write it
    assert problems(roster) == [
        "roster.json:1: item 2 (@b): followers: must not be negative, got -3",
        'roster.json:1: item 3: handle: must start with @, got "nope" (write "@nope")',
        "roster.json:1: item 4: row: expected an object, got 5",
        "roster.json:1: item 5 (@a): handle: @a duplicates item 1",
        "roster.json: 4 problems; nothing was imported",
    ]
    write(roster, json.dumps(rows, indent=2))  # pretty-printed: each item on its own lines
    assert problems(roster) == [
        "roster.json:7: item 2 (@b): followers: must not be negative, got -3",
        'roster.json:12: item 3: handle: must start with @, got "nope" (write "@nope")',
        "roster.json:17: item 4: row: expected an object, got 5",
        "roster.json:18: item 5 (@a): handle: @a duplicates item 1",
        "roster.json: 4 problems; nothing was imported",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '[{"handle": "@a", "followers": 1}]',
            "roster.json: missing column(s): platform (found: handle, followers)",
        ),
        (
            '{"handle": "@a"}',
            "roster.json: expected a JSON list of creator objects (or an object with one "
            'such list), got an object with keys: "handle"',
        ),
        ("3", "roster.json: expected a JSON list of creator objects, got 3"),
        (
            '[\n{"handle": "@a"},\n{"handle"}]',
            "roster.json:3: not valid JSON: Expecting ':' delimiter",
        ),
        ("  ", "roster.json: the file is empty"),
        ("[]", "roster.json: no creators found (the list is empty)"),
        ('["@a"]', 'roster.json:1: item 1: row: expected an object, got "@a"'),
        (
            '[{"handle": "@a", "platform": "tiktok", "followers": true}]',
            "roster.json:1: item 1 (@a): followers: must be a whole number, got true",
        ),
        (
            '[{"handle": "@a", "platform": null, "followers": 10}]',
            "roster.json:1: item 1 (@a): platform: is empty",
        ),
        ('\n [ \n\n"@a" ]', 'roster.json:4: item 1: row: expected an object, got "@a"'),
    ],
)
def test_bad_json_files_are_rejected_with_exact_messages(content: str, expected: str) -> None:
    assert problems(write(Path("roster.json"), content)) == [f"{expected}; nothing was imported"]


def test_json_and_csv_of_the_same_roster_load_alike(tmp_path: Path) -> None:
    creators = load_roster(SAMPLE_ROSTER)
    as_json = write(
        tmp_path / "same.json", json.dumps([c.model_dump(mode="json") for c in creators])
    )
    assert load_roster(as_json) == creators


def test_roster_in_use_prefers_scout_roster_then_the_import_then_the_sample(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().roster_path == SAMPLE_ROSTER
    import_roster(write(Path("good.csv"), GOOD), load_settings())
    assert load_settings().roster_path == isolated_env / "roster.json"
    own = write(Path("own.csv"), GOOD)
    monkeypatch.setenv("SCOUT_ROSTER", str(own))
    assert load_settings().roster_path == own
    assert import_roster(own, load_settings()).overridden_by == str(own)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@greenruner", "@greenrunner"),  # a letter dropped
        ("GreenRunnr", "@greenrunner"),  # no @, other case
        ("@tofu.temp", "@tofu.tempo"),
        ("@greenrunner", "@greenrunner"),
        ("@alex", None),  # too short to be a typo of anything
        ("@someone.else", None),
    ],
)
def test_closest_handle_suggests_only_a_near_miss(typed: str, expected: str | None) -> None:
    handles = ["@greenrunner", "@tofu.tempo", "@alex.beautybench", "@alex.bookpile"]
    assert closest_handle(typed, handles) == expected


@pytest.mark.parametrize("name", ["roster.json", "roster.csv"])
def test_a_json_list_wrapped_in_an_object_is_read_with_its_lines(name: str) -> None:
    # {"data": [...]} as APIs export it was "expected a JSON list of creator objects".
    text = (
        '{"total": 2, "pages": [1],\n "data": [\n'
        '  {"handle": "@a", "platform": "instagram", "followers": 5},\n'
        '  {"handle": "@b", "platform": "tiktok", "followers": 7}\n ]}'
    )
    roster = write(Path(name), text)
    assert [(c.handle, c.followers) for c in load_roster(roster)] == [("@a", 5), ("@b", 7)]
    write(roster, text.replace('"@b"', '"b"'))
    assert problems(roster) == [
        f'{name}:4: item 2: handle: must start with @, got "b" (write "@b"); nothing was imported'
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"creators": []}', "no creators found (the list is empty)"),
        ('{"data": [], "total": 0}', "no creators found (the list is empty)"),
        (
            '{"data": [], "errors": []}',  # which of two empty lists would hold them is unknown
            "expected a JSON list of creator objects (or an object with one such list), "
            'got an object with keys: "data", "errors"',
        ),
    ],
)
def test_an_export_that_found_nobody_is_no_creators_found(text: str, problem: str) -> None:
    # {"creators": []} was "expected a JSON list of creator objects (or an object with one
    # such list), got an object with keys: "creators"".
    roster = write(Path("export.json"), text)
    assert problems(roster) == [f"export.json: {problem}; nothing was imported"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excels_unicode_text_utf16_with_a_bom_is_read(encoding: str) -> None:
    # Excel's "Unicode Text" export; it was rejected as "not UTF-8 text (byte 0xff)".
    text = "Handle\tPlatform\tFollowers\tBio\r\n@zo\tinstagram\t1 200\tZo\u00eb \u2615\r\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    [creator] = load_roster(write(Path("roster.txt"), bom + text.encode(encoding)))
    assert (creator.handle, creator.followers, creator.bio) == ("@zo", 1200, "Zo\u00eb \u2615")
    broken = codecs.BOM_UTF16_LE + "handle".encode("utf-16-le") + b"\x00\xdc"
    assert problems(write(Path("roster.csv"), broken)) == [
        "roster.csv: not valid UTF-16 text after its byte order mark; save it as UTF-8; "
        "nothing was imported"
    ]


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "a PDF document, not CSV or JSON; export the roster from its source as CSV",
        ),
        (
            gzip.compress(b"handle,platform,followers\n@a,instagram,10\n"),
            "a gzip-compressed file, not CSV or JSON; decompress it first",
        ),
    ],
)
def test_a_pdf_or_gzip_renamed_csv_is_named_as_such_not_as_bad_utf8(data: bytes, what: str) -> None:
    # A PDF read "roster.csv:2: not UTF-8 text (byte 0xe2); save the file as UTF-8".
    assert problems(write(Path("roster.csv"), data)) == [
        f"roster.csv: {what}; nothing was imported"
    ]


@pytest.mark.parametrize("name", ["creators.xlsx", "creators.xls", "creators.csv"])
def test_a_spreadsheet_workbook_is_named_as_one_not_as_bad_utf8(name: str) -> None:
    if name.endswith(".xls"):
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4  # OLE2, as Excel 97
    else:  # .xlsx is a zip of XML parts; a workbook renamed to .csv is still one
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as workbook:
            workbook.writestr("xl/workbook.xml", "<workbook>" + "<sheet/>" * 200 + "</workbook>")
        data = buffer.getvalue()
    assert problems(write(Path(name), data)) == [
        f"{name}: a spreadsheet workbook, not CSV or JSON; save or export it as CSV; "
        "nothing was imported"
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ('"niches": ["vegan", ["fitness"]]', 'niches: must be text, got ["fitness"]'),
        ('"niches": [{"tag": "vegan"}]', 'niches: must be text, got {"tag": "vegan"}'),
        ('"bio": {"text": "hi"}', 'bio: must be text, got {"text": "hi"}'),
        ('"name": true', "name: must be text, got true"),
        (
            '"audience_top_country": ["US", "GB"]',
            'audience_top_country: must be text, got ["US", "GB"]',
        ),
    ],
)
def test_a_json_list_or_object_where_text_belongs_is_rejected(cells: str, expected: str) -> None:
    # They were stored as Python's repr: a niche "['fitness']", a bio "{'text': 'hi'}".
    content = f'[{{"handle": "@a", "platform": "tiktok", "followers": 10, {cells}}}]'
    assert problems(write(Path("roster.json"), content)) == [
        f"roster.json:1: item 1 (@a): {expected}; nothing was imported"
    ]


def test_a_null_in_a_json_niche_list_is_no_tag_not_none() -> None:
    content = '[{"handle": "@a", "platform": "tiktok", "followers": 10, "niches": ["vegan", null]}]'
    [creator] = load_roster(write(Path("roster.json"), content))
    assert creator.niches == ["vegan"]


def test_json_nested_past_the_recursion_limit_is_one_line() -> None:
    # json.loads raised RecursionError, a traceback.
    content = "[" * 100_000 + "]" * 100_000
    assert problems(write(Path("roster.json"), content)) == [
        "roster.json: not a roster: lists or objects nested too deeply; nothing was imported"
    ]
