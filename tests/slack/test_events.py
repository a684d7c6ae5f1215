"""Mentions and DMs, end to end: signed events in, threaded Block Kit answers out, once."""

from __future__ import annotations

import time
from typing import Any

from bot.agent.offline import usd
from bot.slack.events import strip_mention
from tests.slack.conftest import ServedApp, assert_within_block_kit_limits, posts_in_thread
from tests.support.slack_http import mention_event

QUESTION = "who should we partner with for vegan fitness?"


def _settle(seconds: float = 0.5) -> None:
    """Give the worker pool time to (not) act before asserting silence."""
    time.sleep(seconds)


def test_a_mention_is_answered_in_its_thread(app: ServedApp) -> None:
    started = time.perf_counter()
    response = app.send_event(mention_event(QUESTION, ts="200.0001"), event_id="EvMention1")
    assert response.status_code == 200
    assert time.perf_counter() - started < 3.0  # Slack's ack limit
    app.slack.wait_for("reactions.remove")
    [answer] = posts_in_thread(app.slack, "C111", "200.0001")
    blocks = answer["blocks"]
    assert_within_block_kit_limits(answer)
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["text"]
    creators = [b for b in blocks if b.get("block_id", "").startswith("creator:")]
    assert creators, "the answer lists creators"
    assert "score *" in creators[0]["text"]["text"]
    assert creators[0]["accessory"]["action_id"] == "shortlist_add"
    assert any(b["type"] == "context" for b in blocks), "the answer cites its sources"
    assert blocks[-1]["block_id"] == "feedback"
    reactions = [c.body for c in app.slack.calls_to("reactions.add")]
    assert {"channel": "C111", "timestamp": "200.0001", "name": "eyes"}.items() <= reactions[
        -1
    ].items()


def test_a_reply_in_a_thread_is_answered_in_that_thread(app: ServedApp) -> None:
    event = mention_event("and for plant-based cooking?", ts="201.0002", thread_ts="201.0001")
    app.send_event(event, event_id="EvThreaded")
    _wait_for_post(app, "C111", "201.0001")


def test_a_direct_message_is_answered_in_its_thread(app: ServedApp) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": "D111",
        "user": "U222",
        "text": QUESTION,
        "ts": "202.0001",
    }
    assert app.send_event(dm, event_id="EvDM1").status_code == 200
    answer = _wait_for_post(app, "D111", "202.0001")
    assert any(b.get("block_id") == "feedback" for b in answer["blocks"])


def test_the_bots_own_messages_and_edits_are_ignored(app: ServedApp) -> None:
    own = {"type": "message", "channel_type": "im", "channel": "D111", "ts": "203.0001"}
    app.send_event({**own, "user": "UBOT", "text": "hi"}, event_id="EvOwn1")
    app.send_event(
        {**own, "ts": "203.0002", "bot_id": "B1", "user": "U9", "text": "x"}, event_id="EvOwn2"
    )
    app.send_event(
        {**own, "ts": "203.0003", "subtype": "message_changed", "user": "U222"},
        event_id="EvEdit",
    )
    _settle()
    for ts in ("203.0001", "203.0002", "203.0003"):
        assert posts_in_thread(app.slack, "D111", ts) == []


def test_a_retried_event_gets_no_second_answer(app: ServedApp) -> None:
    event = mention_event(QUESTION, ts="204.0001")
    app.send_event(event, event_id="EvRetry")
    _wait_for_post(app, "C111", "204.0001")
    for retry in (1, 2):
        assert app.send_event(event, event_id="EvRetry", retry_num=retry).status_code == 200
    _settle()
    assert len(posts_in_thread(app.slack, "C111", "204.0001")) == 1


def test_a_mention_that_also_arrives_as_a_message_event_is_answered_once(
    app: ServedApp,
) -> None:
    as_mention = mention_event(QUESTION, ts="205.0001")
    as_message = {**as_mention, "type": "message", "channel_type": "channel"}
    app.send_event(as_message, event_id="EvBoth2")
    app.send_event(as_mention, event_id="EvBoth1")
    _wait_for_post(app, "C111", "205.0001")
    _settle()
    assert len(posts_in_thread(app.slack, "C111", "205.0001")) == 1


def test_rate_limits_and_server_errors_are_retried(app: ServedApp) -> None:
    app.slack.fail_next(
        "chat.postMessage",
        429,
        headers={"Retry-After": "1"},
        body={"ok": False, "error": "ratelimited"},
    )
    app.slack.fail_next("chat.postMessage", 502)
    started = time.perf_counter()
    app.send_event(mention_event(QUESTION, ts="206.0001"), event_id="EvRateLimited")
    attempts = _wait_for_posts(app, "C111", "206.0001", count=3)
    assert time.perf_counter() - started >= 1.0  # Retry-After was honoured
    assert attempts[-1]["blocks"], "the third attempt delivers the answer"


def test_a_refused_answer_is_followed_by_an_apology(app: ServedApp) -> None:
    app.slack.fail_next("chat.postMessage", 200, body={"ok": False, "error": "invalid_blocks"})
    app.send_event(mention_event(QUESTION, ts="207.0001"), event_id="EvRefused")
    attempts = _wait_for_posts(app, "C111", "207.0001", count=2)
    assert attempts[-1]["text"].startswith("Sorry")
    assert "blocks" not in attempts[-1]


def test_an_empty_mention_gets_the_usage(app: ServedApp) -> None:
    app.send_event(mention_event("", ts="208.0001"), event_id="EvEmpty")
    answer = _wait_for_post(app, "C111", "208.0001")
    assert "/scout" in answer["text"]


def test_a_slash_command_typed_as_a_mention_reads_its_niche(app: ServedApp) -> None:
    # The usage reply to an empty mention lists `/scout rank NICHE`; people then type it here.
    app.send_event(mention_event("/scout rank vegan fitness", ts="208.0002"), event_id="EvRank")
    answer = _wait_for_post(app, "C111", "208.0002")
    assert answer["blocks"][0]["text"]["text"].startswith("*For vegan fitness, start with")
    assert "ignored rank" not in str(answer["blocks"])


def test_asking_for_help_gets_help_not_confusion(app: ServedApp) -> None:
    app.send_event(mention_event("help", ts="208.0003"), event_id="EvHelp")
    answer = _wait_for_post(app, "C111", "208.0003")
    first = answer["blocks"][0]["text"]["text"]
    assert first.startswith("I pick and explain creators") and "`/scout help`" in first


def test_asking_to_add_a_creator_says_nothing_was_changed(app: ServedApp) -> None:
    handle = app.deps.scout.handles()[0]
    question = f"add {handle} to summer glow"
    app.send_event(mention_event(question, ts="208.0004"), event_id="EvAddAsk")
    answer = _wait_for_post(app, "C111", "208.0004")
    assert "nothing was changed" in answer["blocks"][0]["text"]["text"]
    assert "/scout shortlist add" in answer["blocks"][0]["text"]["text"]
    assert app.deps.shortlists.entries("T111", "summer glow") == []


def test_a_colleague_mentioned_in_a_question_is_not_read_as_a_creator(app: ServedApp) -> None:
    question = f"{QUESTION} cc <@U0123ABC> <!subteam^S1|@brand-team> <!here>"
    app.send_event(mention_event(question, ts="209.0001"), event_id="EvColleague")
    answer = _wait_for_post(app, "C111", "209.0001")
    assert "No creator" not in answer["text"]
    assert any(b.get("block_id", "").startswith("creator:") for b in answer["blocks"])


def _creator_blocks(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in answer["blocks"] if b.get("block_id", "").startswith("creator:")]


def _answer_sections(answer: dict[str, Any]) -> list[str]:
    """The answer's own text: the sections before the creators (or the sources)."""
    texts = []
    for block in answer["blocks"]:
        if block["type"] != "section" or block["text"]["text"] == "*Creators*":
            break
        texts.append(block["text"]["text"])
    return texts


def test_the_cheapest_creators_show_their_rate_in_the_answers_order(app: ServedApp) -> None:
    app.send_event(
        mention_event("who is the cheapest skincare creator?", ts="210.0001"), event_id="EvCheap"
    )
    answer = _wait_for_post(app, "C111", "210.0001")
    assert_within_block_kit_limits(answer)
    expected = app.deps.scout.rank("skincare", n=5, order="rate")
    creators = _creator_blocks(answer)
    assert [b["block_id"] for b in creators] == [f"creator:{c.handle}" for c in expected]
    for block, card in zip(creators, expected, strict=True):
        assert (
            f"${card.rate_usd:,.2f} a post · score *{card.score:.0f}*/100"
            in (block["text"]["text"])
        )
        assert block["accessory"]["action_id"] == "shortlist_add"
    [text] = _answer_sections(answer)
    assert text.startswith("*For skincare, the cheapest fit")
    assert "**" not in text and "\n• *" in text  # bold and bullets in mrkdwn
    assert answer["blocks"][-1]["block_id"] == "feedback"


def test_who_to_avoid_lists_flagged_creators_in_whole_paragraphs(app: ServedApp) -> None:
    app.send_event(mention_event("anyone I should avoid?", ts="211.0001"), event_id="EvAvoid")
    answer = _wait_for_post(app, "C111", "211.0001")
    assert_within_block_kit_limits(answer)
    report = app.deps.scout.flagged()
    creators = _creator_blocks(answer)
    assert [b["block_id"] for b in creators] == [f"creator:{c.handle}" for c in report.creators]
    for block, card in zip(creators, report.creators, strict=True):
        for flag in card.flags:
            assert f":warning: `{flag.code}`" in block["text"]["text"]
    sections = _answer_sections(answer)
    assert len(sections) > 1, "long enough to need a second section"
    assert sections[0].startswith(f"*{report.total} creators on the roster are flagged.*")
    # Each section holds whole paragraphs: none starts or ends mid-sentence.
    assert all(s.rstrip().endswith((".", ":", ")", "”")) for s in sections)
    assert any(s.startswith("What raises each flag: `over_sponsored`: ") for s in sections)


def test_thread_follow_ups_narrow_the_cheapest_and_keep_it_for_a_new_niche(
    app: ServedApp,
) -> None:
    scout = app.deps.scout
    turns = [
        ("who is the cheapest skincare creator?", scout.rank("skincare", 5, order="rate")),
        (
            "and over 20k followers?",
            scout.rank("skincare", 5, order="rate", min_followers=20_001),
        ),
        ("what about fitness?", scout.rank("fitness", 5, order="rate", min_followers=20_001)),
    ]
    for i, (question, expected) in enumerate(turns):
        extra = {"thread_ts": "212.0001"} if i else {}
        event = mention_event(question, ts=f"212.000{i + 1}", **extra)
        app.send_event(event, event_id=f"EvCheapThread{i}")
        answer = _wait_for_posts(app, "C111", "212.0001", count=i + 1)[-1]
        assert_within_block_kit_limits(answer)
        handles = [b["block_id"].removeprefix("creator:") for b in _creator_blocks(answer)]
        assert handles == [c.handle for c in expected], question
        assert "the cheapest fit" in _answer_sections(answer)[0]
    assert "(within your follower limit)" in _answer_sections(answer)[0]


def _assert_mrkdwn_answer(answer: dict[str, Any]) -> str:
    """Within Block Kit's limits, in mrkdwn Slack renders (no `**bold**` or `# heading`),
    ending in the feedback buttons; returns the answer's own text."""
    assert_within_block_kit_limits(answer)
    text = "\n".join(_answer_sections(answer))
    assert text.startswith("*")
    assert "**" not in str(answer["blocks"]) and "\n#" not in text
    assert answer["blocks"][-1]["block_id"] == "feedback"
    return text


def _dm(text: str, ts: str, **extra: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D111",
        "user": "U222",
        "text": text,
        "ts": ts,
        **extra,
    }


def test_pricing_answers_in_a_thread_cite_sources_and_name_no_creators(app: ServedApp) -> None:
    turns = ["what should we pay a 10k creator?", "is $300 a fair rate for a 20k creator?"]
    for i, question in enumerate(turns):
        extra = {"thread_ts": "213.0001"} if i else {}
        app.send_event(mention_event(question, ts=f"213.000{i + 1}", **extra), event_id=f"EvPay{i}")
        answer = _wait_for_posts(app, "C111", "213.0001", count=i + 1)[-1]
        text = _assert_mrkdwn_answer(answer)
        assert " a post" in text, question
        # No creator is named, so no creator sections and no shortlist pickers.
        assert _creator_blocks(answer) == [] and "*Creators*" not in str(answer["blocks"])
        assert "shortlist_add" not in str(answer["blocks"])
        [sources] = [b for b in answer["blocks"] if b["type"] == "context"]
        assert sources["elements"][0]["text"].startswith(":page_facing_up: *")
    assert "$300 a post" in text


def test_what_all_of_them_cost_prices_the_creators_the_thread_named(app: ServedApp) -> None:
    app.send_event(mention_event(QUESTION, ts="214.0001"), event_id="EvAllCost0")
    first = _wait_for_post(app, "C111", "214.0001")
    named = [b["block_id"].removeprefix("creator:") for b in _creator_blocks(first)]
    assert named
    event = mention_event("how much would all of them cost?", ts="214.0002", thread_ts="214.0001")
    app.send_event(event, event_id="EvAllCost1")
    answer = _wait_for_posts(app, "C111", "214.0001", count=2)[-1]
    text = _assert_mrkdwn_answer(answer)
    assert [b["block_id"].removeprefix("creator:") for b in _creator_blocks(answer)] == named
    total = sum(app.deps.scout.card(handle).rate_usd for handle in named)
    assert f"costs {usd(total)} in total*" in text
    assert all(b["accessory"]["action_id"] == "shortlist_add" for b in _creator_blocks(answer))


def test_roster_figures_then_most_views_in_a_direct_message_thread(app: ServedApp) -> None:
    app.send_event(
        _dm("what's the average engagement rate on our roster?", "215.0001"), event_id="EvStats"
    )
    figures = _wait_for_post(app, "D111", "215.0001")
    text = _assert_mrkdwn_answer(figures)
    assert "\n• *Instagram* (" in text and "mean" in text
    assert _creator_blocks(figures) == []
    app.send_event(
        _dm("who has the most views?", "215.0002", thread_ts="215.0001"), event_id="EvViews"
    )
    views = _wait_for_posts(app, "D111", "215.0001", count=2)[-1]
    text = _assert_mrkdwn_answer(views)
    expected = app.deps.scout.browse(sort_by="avg_views", n=5).creators
    assert [b["block_id"] for b in _creator_blocks(views)] == [
        f"creator:{c.handle}" for c in expected
    ]
    assert " views a post" in text


def test_an_either_or_platform_lists_only_those_platforms_creators(app: ServedApp) -> None:
    question = "skincare creators on instagram or tiktok"
    app.send_event(mention_event(question, ts="216.0001"), event_id="EvEitherOr")
    answer = _wait_for_post(app, "C111", "216.0001")
    _assert_mrkdwn_answer(answer)
    handles = [b["block_id"].removeprefix("creator:") for b in _creator_blocks(answer)]
    assert handles
    assert {app.deps.scout.card(h).platform for h in handles} <= {"instagram", "tiktok"}


def _wait_for_post(app: ServedApp, channel: str, thread_ts: str) -> dict[str, Any]:
    return _wait_for_posts(app, channel, thread_ts, count=1)[-1]


def _wait_for_posts(
    app: ServedApp, channel: str, thread_ts: str, count: int, timeout: float = 30.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while len(found := posts_in_thread(app.slack, channel, thread_ts)) < count:
        assert time.monotonic() < deadline, f"expected {count} post(s) in {channel}/{thread_ts}"
        time.sleep(0.02)
    return found


def test_the_question_is_read_as_typed() -> None:
    text = "<@UBOT> creators for health &amp; fitness, like <https://x.io|this one>?"
    assert strip_mention(text, "UBOT") == "creators for health & fitness, like this one?"


def test_slack_emphasis_is_not_part_of_the_question() -> None:
    text = "<@UBOT> who fits *vegan* _fitness_ ~today~? score @a_b_c_ and `@greenrunner`"
    assert strip_mention(text, "UBOT") == (
        "who fits vegan fitness today? score @a_b_c_ and @greenrunner"
    )


def test_a_bold_niche_is_read_as_the_niche(app: ServedApp) -> None:
    app.send_event(mention_event("who fits *vegan* _fitness_?", ts="208.0005"), event_id="EvBold")
    answer = _wait_for_post(app, "C111", "208.0005")
    assert answer["blocks"][0]["text"]["text"].startswith("*For vegan fitness, start with")


def test_mentions_of_people_are_dropped_from_the_question() -> None:
    text = "<@UBOT> <@W0123|ann> asks: creators for vegan? cc <@U0999> <!channel> <!here|here>"
    assert strip_mention(text, "UBOT") == "asks: creators for vegan? cc"
    assert strip_mention("<@UBOT> score @greenrunner in <#C1|general>", "UBOT") == (
        "score @greenrunner in #general"
    )
