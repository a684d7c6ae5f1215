"""`/scout` end to end: every subcommand acks at once and answers through response_url."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.slack.commands import UsageError, parse_budget, split_args
from tests.slack.conftest import TEAM, ServedApp, assert_within_block_kit_limits
from tests.support.slack_http import block_actions


def _run(app: ServedApp, text: str, key: str, **extra: str) -> dict[str, Any]:
    started = time.perf_counter()
    response = app.send_command(text, key=key, **extra)
    assert response.status_code == 200
    assert time.perf_counter() - started < 3.0  # acked within Slack's limit
    [reply] = app.responses(key)
    assert reply["response_type"] == "ephemeral"
    assert_within_block_kit_limits(reply)
    return reply


def _text(reply: dict[str, Any]) -> str:
    return "\n".join(
        b["text"]["text"] for b in reply.get("blocks", []) if b["type"] == "section"
    ) or reply.get("text", "")


def _share_button(reply: dict[str, Any]) -> dict[str, Any] | None:
    for block in reply.get("blocks", []):
        for element in block.get("elements", []):
            if element.get("action_id") == "share_in_channel":
                return element
    return None


@pytest.fixture(scope="module")
def handles(app: ServedApp) -> list[str]:
    return app.deps.scout.handles()[:3]


@pytest.mark.parametrize(
    "text", ["help", "", "dance", "score", "compare @one", "compare @one @One", "plan vegan"]
)
def test_help_unknown_and_malformed_input_get_the_usage(app: ServedApp, text: str) -> None:
    reply = _run(app, text, key=f"usage-{text or 'empty'}".replace(" ", "-"))
    assert "/scout score @handle" in _text(reply)
    assert _share_button(reply) is None


@pytest.mark.parametrize("text", ["x" * 5000, "digest " + "y" * 5000])
def test_an_unknown_word_is_quoted_back_short(app: ServedApp, text: str) -> None:
    # A 5,000-character word was quoted back whole, split across sections.
    reply = _run(app, text, key=f"long-{text[:6]}")
    assert "/scout" in _text(reply) and "…`" in _text(reply)
    assert len(_text(reply)) < 3000


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # What Slack sends when someone types "<!channel>" literally, and for real @here.
        ("shortlist remove launch &lt;!channel&gt;", "&lt;!channel&gt;"),
        ("plan vegan <!here>", "@here"),
        ("<!everyone>", "@everyone"),
    ],
)
def test_user_text_in_replies_cannot_ping(app: ServedApp, text: str, shown: str) -> None:
    reply = _run(app, text, key=f"ping-{abs(hash(text))}")
    rendered = [reply["text"], _text(reply)]  # button values are data, not mrkdwn
    assert not any("<!" in r for r in rendered)
    assert shown in _text(reply)


def test_slack_escapes_are_read_as_typed(app: ServedApp) -> None:
    # Slack sends "health & fitness" as "health &amp; fitness".
    reply = _run(app, "rank health &amp; fitness n=3", key="amp")
    assert "Best for health &amp; fitness" in _text(reply)
    assert "&amp;amp;" not in _text(reply)


def test_score_shows_a_card_with_a_share_button(app: ServedApp, handles: list[str]) -> None:
    reply = _run(app, f"score {handles[0]}", key="score")
    assert handles[0] in _text(reply)
    assert "score *" in _text(reply)
    button = _share_button(reply)
    assert button is not None and button["value"] == f"score {handles[0]}"


def test_score_of_an_unknown_handle_names_it(app: ServedApp) -> None:
    reply = _run(app, "score @nobody_here", key="score-unknown")
    assert "@nobody_here" in _text(reply)


def test_score_of_a_mistyped_handle_suggests_the_one_on_the_roster(
    app: ServedApp, handles: list[str]
) -> None:
    typo = handles[0][:-1]
    reply = _run(app, f"score {typo}", key="score-typo")
    assert f"did you mean {handles[0]}?" in _text(reply)


def test_compare_attaches_a_chart(app: ServedApp, handles: list[str]) -> None:
    uploads = len(app.slack.calls_to("upload"))
    reply = _run(app, f"compare {handles[0]} {handles[1]}", key="compare")
    assert handles[0] in _text(reply) and handles[1] in _text(reply)
    image = next(b for b in reply["blocks"] if b["type"] == "image")
    assert image["slack_file"]["id"].startswith("F")
    assert len(app.slack.calls_to("upload")) == uploads + 1
    complete = app.slack.calls_to("files.completeUploadExternal")[-1].body
    assert "channel_id" not in complete  # private upload: the reply is ephemeral


def test_rank_attaches_a_chart(app: ServedApp) -> None:
    reply = _run(app, "rank vegan fitness -n 3", key="rank")
    assert "Best for vegan fitness" in _text(reply)
    cards = [
        b for b in reply["blocks"] if b["type"] == "section" and "score *" in b["text"]["text"]
    ]
    assert 1 <= len(cards) <= 3
    assert any(b["type"] == "image" for b in reply["blocks"])


def test_rank_of_a_brief_nobody_fits_whole_shows_the_closest(app: ServedApp) -> None:
    # It said "Best for eco fitness" over "No creators matched."
    reply = _run(app, "rank eco fitness -n 3", key="rank-closest")
    text = _text(reply)
    assert "No creator fits all of eco fitness; closest" in text
    assert "No creators matched" not in text
    assert text.count("score *") == 3 and "@plantpowered.lifts" in text


def test_plan_stays_within_the_budget(app: ServedApp) -> None:
    reply = _run(app, "plan vegan fitness $2,000", key="plan")
    title = _text(reply).splitlines()[0]
    assert "of $2,000" in title


def _shown_handles(reply: dict[str, Any], handles: list[str]) -> list[str]:
    text = _text(reply)
    return [h for h in handles if f"*{h}*" in text]


def test_rank_compare_and_plan_show_every_creator_they_count(
    app: ServedApp, handles: list[str]
) -> None:
    ranked = app.deps.scout.rank("fitness", 50)
    assert len(ranked) > 10, "the sample roster has enough fitness creators to test this"
    reply = _run(app, "rank fitness n=50", key="rank-50")
    every = [c.handle for c in ranked]
    assert _shown_handles(reply, every) == every
    assert any(b["type"] == "image" for b in reply["blocks"])
    assert _share_button(reply) is not None

    many = app.deps.scout.handles()[:25]
    reply = _run(app, "compare " + " ".join(many), key="compare-25")
    assert sorted(_shown_handles(reply, many)) == sorted(many)

    plan = app.deps.scout.plan("fitness", 100_000)
    assert len(plan.creators) > 10
    reply = _run(app, "plan fitness $100000", key="plan-big")
    assert f"{len(plan.creators)} creator(s)" in _text(reply)
    chosen = [c.handle for c in plan.creators]
    assert sorted(_shown_handles(reply, chosen)) == sorted(chosen)


def test_shortlist_add_list_remove(app: ServedApp, handles: list[str]) -> None:
    added = _run(app, f'shortlist add "Spring Launch" {handles[0]} {handles[1]}', key="sl-add")
    assert "Added *spring launch*" in _text(added)
    listed = _run(app, "shortlist list 'spring launch'", key="sl-list")
    assert handles[0] in _text(listed) and handles[1] in _text(listed)
    unquoted = _run(app, "shortlist list Spring Launch", key="sl-list-unquoted")
    assert _text(unquoted) == _text(listed)
    removed = _run(app, f"shortlist remove “Spring Launch” {handles[1]}", key="sl-remove")
    assert "Removed from *spring launch*" in _text(removed)
    assert [i.handle for i in app.deps.shortlists.entries("T111", "spring launch")] == [handles[0]]
    campaigns = _run(app, "shortlist", key="sl-campaigns")
    assert "spring launch" in _text(campaigns)


def test_another_workspace_cannot_read_a_shortlist(app: ServedApp, handles: list[str]) -> None:
    _run(app, f"shortlist add secret-launch {handles[2]}", key="xw-add")
    other = _run(app, "shortlist list secret-launch", key="xw-list", team_id="T999")
    assert handles[2] not in _text(other)
    # Not even as a suggestion: to T999 there is no shortlist at all.
    assert _text(other) == (
        "No shortlist named 'secret-launch' yet. This workspace has no shortlists yet."
    )
    assert "secret-launch" not in _text(_run(app, "shortlist", key="xw-all", team_id="T999"))
    assert app.deps.shortlists.entries("T999", "secret-launch") == []


def test_listing_a_misspelt_campaign_names_the_closest_one(
    app: ServedApp, handles: list[str]
) -> None:
    # It answered "Shortlist 'autumn-lanch': 0 creator(s)" and "Nobody yet".
    _run(app, f"shortlist add autumn-launch {handles[0]}", key="typo-add")
    reply = _run(app, "shortlist list autumn-lanch", key="typo-list")
    assert "No shortlist named 'autumn-lanch' yet. Did you mean 'autumn-launch'" in _text(reply)
    _run(app, f"shortlist remove autumn-launch {handles[0]}", key="typo-remove")
    emptied = _run(app, "shortlist list autumn-launch", key="typo-emptied")
    assert "Shortlist 'autumn-launch': 0 creator(s)" in _text(emptied)


def test_digest_is_routed_to_the_digest_handler(app: ServedApp) -> None:
    reply = _run(app, "digest list", key="digest")
    assert _text(reply)
    assert _share_button(reply) is None


@pytest.mark.parametrize("word", ["2000", "$2,000", "2k", "2K", "$2k", "2000 USD", "2,000.00"])
def test_a_budget_reads_like_the_cli_and_roster_rates(word: str) -> None:
    assert parse_budget(word) == 2000


@pytest.mark.parametrize("word", ["1,5k", "2,00", "-5", "two", "inf"])
def test_a_budget_that_is_not_an_amount_is_refused_not_misread(word: str) -> None:
    with pytest.raises(UsageError, match="is not a budget"):
        parse_budget(word)  # "1,5k" once read as 15,000


def test_shortlist_add_and_remove_read_an_unquoted_campaign_like_list_does(
    app: ServedApp, handles: list[str]
) -> None:
    bare = handles[1].removeprefix("@")
    added = _run(app, f"shortlist add Summer Drop {handles[0]} {bare}", key="sl-unquoted-add")
    assert f"Added *summer drop*: {handles[0]}" in _text(added)
    assert f"Added *summer drop*: {handles[1]}" in _text(added)
    entries = app.deps.shortlists.entries("T111", "summer drop")
    assert [i.handle for i in entries] == [handles[0], handles[1]]
    removed = _run(app, f"shortlist remove summer drop {handles[0]}", key="sl-unquoted-remove")
    assert f"Removed from *summer drop*: {handles[0]}" in _text(removed)
    assert [i.handle for i in app.deps.shortlists.entries("T111", "summer drop")] == [handles[1]]
    assert app.deps.shortlists.entries("T111", "summer") == []


@pytest.mark.parametrize(
    "text", ["plan vegan fitness 2000 USD", "plan $2000 vegan fitness", "plan vegan fitness 2k"]
)
def test_plan_reads_the_budget_as_marketers_write_it(app: ServedApp, text: str) -> None:
    reply = _run(app, text, key=f"plan-{abs(hash(text))}")
    assert _text(reply).startswith("*Plan for vegan fitness:")
    assert "of $2,000" in _text(reply).splitlines()[0]


@pytest.mark.parametrize("text", ["plan vegan fitness €2000", "plan vegan fitness 2000 EUR"])
def test_plan_in_another_currency_says_budgets_are_in_dollars(app: ServedApp, text: str) -> None:
    # '€2000' was 'not a budget', and '2000 EUR' planned $2,000 for a niche 'vegan fitness EUR'.
    reply = _run(app, text, key=f"plan-currency-{abs(hash(text))}")
    assert "US dollars and don't convert currencies" in _text(reply)
    assert "Plan for" not in _text(reply)


def test_rank_keeps_to_the_platforms_named(app: ServedApp) -> None:
    # "on instagram or tiktok" was only part of the niche text: YouTube creators ranked too.
    reply = _run(app, "rank skincare on instagram or tiktok n=50", key="rank-platforms")
    shown = [c for c in app.deps.scout.rank("skincare", 50) if f"*{c.handle}*" in _text(reply)]
    assert shown, "the sample roster has Instagram and TikTok skincare creators"
    assert {c.platform for c in shown} == {"instagram", "tiktok"}
    # The platforms filter; they are not niche words the creators fail to match.
    assert "ignored" not in _text(reply).lower()


def test_plan_keeps_to_the_platform_named(app: ServedApp) -> None:
    reply = _run(app, "plan skincare on tiktok $2000", key="plan-platform")
    chosen = [c for c in app.deps.scout.rank("skincare", 50) if f"*{c.handle}*" in _text(reply)]
    assert chosen and {c.platform for c in chosen} == {"tiktok"}


@pytest.mark.parametrize("joined", ["{a},{b}", "{a} vs {b}", "{a} and {b}", "{a}, & {b}"])
def test_compare_reads_a_list_of_handles_as_typed(
    app: ServedApp, handles: list[str], joined: str
) -> None:
    text = "compare " + joined.format(a=handles[0], b=handles[1])
    reply = _run(app, text, key=f"compare-list-{abs(hash(joined))}")
    assert _text(reply).startswith("*Compared, best first*")
    assert sorted(_shown_handles(reply, handles[:2])) == sorted(handles[:2])


def test_a_question_mark_after_a_handle_is_not_part_of_it(
    app: ServedApp, handles: list[str]
) -> None:
    reply = _run(app, f"score {handles[0]}?", key="score-question-mark")
    assert _text(reply).startswith(f"*Score card for {handles[0]}*")
    added = _run(app, f"shortlist add fall {handles[0]},{handles[1]}", key="sl-comma")
    assert f"Added *fall*: {handles[1]}" in _text(added)


@pytest.mark.parametrize(
    ("text", "niche"),
    [
        ("rank women's fitness n=3", "women's fitness"),
        ("rank women’s fitness n=3", "women's fitness"),
        ("rank women's and men's fitness n=3", "women's and men's fitness"),
    ],
)
def test_an_apostrophe_in_a_word_is_not_a_quote(app: ServedApp, text: str, niche: str) -> None:
    reply = _run(app, text, key=f"apostrophe-{abs(hash(text))}")
    assert _text(reply).startswith(f"*Best for {niche}*")


def test_quotes_around_words_still_group_them() -> None:
    assert split_args("shortlist add 'bob's picks' @a") == ["shortlist", "add", "bob's picks", "@a"]
    assert split_args("shortlist list 'spring launch'") == ["shortlist", "list", "spring launch"]
    with pytest.raises(UsageError, match="Unbalanced"):
        split_args('score "@a')


@pytest.mark.parametrize(
    "text",
    [
        "score\u00a0 {handle}",  # two spaces typed in Slack's composer
        "score \u00a0{handle}",
        "score\u00a0{handle}",
        "score\u2009{handle}\u3000",  # thin and ideographic spaces, pasted
    ],
)
def test_a_no_break_space_separates_words_like_a_space(
    app: ServedApp, handles: list[str], text: str
) -> None:
    reply = _run(app, text.format(handle=handles[0]), key=f"nbsp-{abs(hash(text))}")
    assert _text(reply).startswith(f"*Score card for {handles[0]}*")


def test_a_no_break_space_inside_a_niche_reads_as_a_space(app: ServedApp) -> None:
    reply = _run(app, "rank vegan\u00a0fitness\u00a0n=3", key="nbsp-niche")
    assert _text(reply).startswith("*Best for vegan fitness*\n")
    assert len(_shown_handles(reply, app.deps.scout.handles())) == 3


@pytest.mark.parametrize(
    "link",
    [
        "https://www.instagram.com/{name}/",
        "instagram.com/{name}",
        # Slack wraps a link it recognised: with a label, or the address alone.
        "<https://www.instagram.com/{name}/|instagram.com/{name}>",
        "<https://www.tiktok.com/@{name}?lang=en>",
    ],
)
def test_a_pasted_profile_link_reads_as_its_handle(
    app: ServedApp, handles: list[str], link: str
) -> None:
    first, second = (link.format(name=h.removeprefix("@")) for h in handles[:2])
    reply = _run(app, f"score {first}", key=f"link-score-{abs(hash(link))}")
    assert _text(reply).startswith(f"*Score card for {handles[0]}*")
    reply = _run(app, f"compare {first} {second}", key=f"link-compare-{abs(hash(link))}")
    assert sorted(_shown_handles(reply, handles)) == sorted(handles[:2])


def test_shortlist_add_takes_a_profile_link(app: ServedApp, handles: list[str]) -> None:
    link = f"https://www.instagram.com/{handles[0].removeprefix('@')}/"
    reply = _run(app, f"shortlist add link launch {link}", key="link-add")
    assert _text(reply) == f"Added *link launch*: {handles[0]}"
    assert [e.handle for e in app.deps.shortlists.entries(TEAM, "link launch")] == handles[:1]


def test_a_digest_for_a_campaign_with_apostrophes_subscribes_to_it(
    app: ServedApp, handles: list[str]
) -> None:
    _run(app, f"shortlist add \"women's and men's\" {handles[0]}", key="apos-add")
    reply = _run(app, "digest subscribe women's and men's weekly", key="apos-digest")
    assert "of the *women's and men's* shortlist" in _text(reply)


@pytest.mark.parametrize("text", ["rank top 3 vegan fitness", "rank vegan fitness top 3"])
def test_rank_reads_top_n_as_the_count(app: ServedApp, text: str) -> None:
    reply = _run(app, text, key=f"rank-top-{abs(hash(text))}")
    assert _text(reply).startswith("*Best for vegan fitness*\n")
    assert len(_shown_handles(reply, app.deps.scout.handles())) == 3


@pytest.mark.parametrize("sub", ["rank", "plan"])
def test_a_pasted_brief_as_the_niche_stays_within_block_kit_limits(
    app: ServedApp, sub: str
) -> None:
    brief = "vegan fitness & wellness for busy parents " * 80  # ~3,400 characters
    reply = _run(app, f"{sub} {brief} $2000", key=f"long-brief-{sub}")
    assert _text(reply).startswith(("*Best for vegan fitness", "*Plan for vegan fitness"))
    # A share button re-runs the command from its value (2,000 characters at most): cut,
    # this one would lose its budget and share an error instead of this answer.
    assert _share_button(reply) is None


def test_a_shared_long_command_shares_the_same_answer(app: ServedApp) -> None:
    brief = "vegan fitness & wellness for busy parents " * 46  # just under 2,000 characters
    text = f"plan {brief.strip()} $2000"
    assert len(text) <= 2000
    reply = _run(app, text, key="long-share")
    button = _share_button(reply)
    assert button is not None and button["value"] == text
    payload = block_actions(
        {"type": "button", "action_id": "share_in_channel", "value": button["value"]},
        team_id=TEAM,
        response_url=app.slack.response_url("long-share-click"),
        message_ts="320.0001",
    )
    app.send_action(payload)
    shared = app.responses("long-share-click")[0]
    assert shared["response_type"] == "in_channel"
    assert shared["text"] == reply["text"]


def test_a_reply_slack_refuses_is_followed_by_an_apology(app: ServedApp) -> None:
    app.slack.fail_next("response_url", 400, body={"ok": False, "error": "invalid_blocks"})
    app.send_command("rank vegan fitness n=2", key="refused")
    refused, apology = app.responses("refused", count=2)
    assert refused["blocks"]
    assert apology["text"].startswith("Sorry") and "blocks" not in apology
    assert apology["response_type"] == "ephemeral"


def test_a_plan_whose_budget_is_too_small_says_the_budget_is_short(app: ServedApp) -> None:
    reply = _run(app, "plan vegan fitness $50", key="plan-too-small")
    candidates = app.deps.scout.plan("vegan fitness", 50).candidates
    assert candidates > 0
    assert f"None of the {candidates} unflagged creators with a rate who fit" in _text(reply)
    assert "affordable within $50" in _text(reply)
    nobody = _run(app, "plan zzzqqq $5000", key="plan-no-fit")
    assert "No unflagged creator with a rate on the roster fits this niche." in _text(nobody)


def test_compare_for_a_niche_scores_niche_fit(app: ServedApp) -> None:
    pair = ["@greenrunner", "@tofu.tempo"]
    reply = _run(app, "compare @greenrunner @tofu.tempo for vegan fitness", key="compare-niche")
    assert _text(reply).startswith("*Compared for vegan fitness, best first*")
    expected = app.deps.scout.compare(pair, "vegan fitness")
    assert f"score *{expected[0].score:.0f}*/100" in _text(reply)
    assert _shown_handles(reply, [c.handle for c in expected]) == [c.handle for c in expected]


def test_a_handle_given_twice_is_one_creator(app: ServedApp, handles: list[str]) -> None:
    twice = f"{handles[0]} {handles[0].upper()}"
    added = _run(app, f"shortlist add twice {twice}", key="sl-twice-add")
    assert _text(added) == f"Added *twice*: {handles[0]}"
    removed = _run(app, f"shortlist remove twice {twice}", key="sl-twice-remove")
    assert _text(removed) == f"Removed from *twice*: {handles[0]}"
    assert app.deps.shortlists.entries("T111", "twice") == []
