"""Block Kit builders: pure functions checked against Slack's limits and the pinned layout."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.agent.models import AskResult, Citation
from bot.scoring.models import Flag, PlanResult, PlanSkip
from bot.slack.blocks import (
    ACTION_FEEDBACK_DOWN,
    ACTION_FEEDBACK_UP,
    ACTION_SHARE,
    ACTION_SHORTLIST_ADD,
    MAX_BLOCKS,
    MAX_SECTION_TEXT,
    NEW_CAMPAIGN_VALUE,
    build_answer_message,
    build_cards_message,
    build_plan_message,
    build_sources_block,
    creator_line,
    escape,
    plain_text,
    split_text,
    to_mrkdwn,
    with_share_button,
)
from tests.slack.cards import make_card


def _texts(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_escape_stops_pings_and_links() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_plain_text_reads_slack_formatting_as_typed() -> None:
    assert plain_text("r&amp;d &lt;b&gt; <#C1|launch> <https://x.io|site> <mailto:a@b.c>") == (
        "r&d <b> #launch site a@b.c"
    )
    assert plain_text("<!here> <@U1|ann> <@U2>") == "@here @ann @U2"


@given(st.text())
def test_plain_text_undoes_escape(text: str) -> None:
    assert plain_text(escape(text)) == text


def test_to_mrkdwn_converts_markdown_after_escaping() -> None:
    assert to_mrkdwn("## Picks\n**@a** <b>\n- one\n> quoted > x") == (
        "*Picks*\n*@a* &lt;b&gt;\n• one\n> quoted &gt; x"
    )


@given(st.text(alphabet=st.sampled_from("ab \n"), max_size=9000), st.integers(20, 3000))
def test_split_text_keeps_every_word_within_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_split_text_prefers_paragraph_then_line_breaks() -> None:
    bullets = "\n".join(f"- creator {i}" + " word" * 20 for i in range(24))
    rules = "What raises each flag:" + " a reason;" * 40
    chunks = split_text(f"**Lead.**\n\n{bullets}\n\n{rules}", 3000)
    assert chunks == [f"**Lead.**\n\n{bullets}", rules]
    lines = split_text(bullets, 1000)
    assert all(chunk.startswith("- creator") for chunk in lines)
    assert "\n".join(lines) == bullets


def test_answer_has_text_creators_sources_and_buttons() -> None:
    result = AskResult(
        answer="**Pick @greenrunner**: strong engagement.",
        citations=[
            Citation(source="a.md", title="Guide A", quote="q1"),
            Citation(source="a.md", title="Guide A", quote="q2"),
            Citation(source="b.md", title="Guide <B>", quote="q3"),
        ],
        creators=[make_card(), make_card("@plantpower", 74.0)],
    )
    message = build_answer_message(result, question="who fits?", campaigns=["spring launch"])
    blocks = message["blocks"]
    assert blocks[0]["text"]["text"] == "*Pick @greenrunner*: strong engagement."
    creators = [b for b in blocks if b.get("block_id", "").startswith("creator:")]
    assert [b["block_id"] for b in creators] == ["creator:@greenrunner", "creator:@plantpower"]
    picker = creators[0]["accessory"]
    assert picker["action_id"] == ACTION_SHORTLIST_ADD
    assert [o["value"] for o in picker["options"]] == ["spring launch", NEW_CAMPAIGN_VALUE]
    sources = next(b for b in blocks if b["type"] == "context")
    assert len(sources["elements"]) == 2  # one per document
    assert "Guide &lt;B&gt;" in sources["elements"][1]["text"]
    buttons = blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == [ACTION_FEEDBACK_UP, ACTION_FEEDBACK_DOWN]
    assert buttons[0]["value"] == "who fits?"


def test_creator_line_shows_handle_tier_er_score_and_why() -> None:
    line = creator_line(make_card(flags=[Flag(code="over_sponsored", reason="62% sponsored")]))
    assert "*@greenrunner*" in line
    assert "micro" in line
    assert "ER 5.8%" in line
    assert "score *82*/100" in line
    assert "24,000 followers · ER 5.8% · $400 a post · score" in line
    assert "Engagement 2.1x" in line
    assert "`over_sponsored`" in line


def test_creator_line_leaves_out_what_is_not_on_file() -> None:
    card = make_card().model_copy(update={"followers": 0, "engagement_rate": 0.0, "rate_usd": 0.0})
    line = creator_line(card)
    assert "followers unknown · score *82*/100" in line
    assert "ER" not in line and "$0" not in line
    assert "$49.50 a post" in creator_line(make_card().model_copy(update={"rate_usd": 49.5}))


def test_creator_reasons_from_the_roster_are_escaped() -> None:
    line = creator_line(make_card(reason="bio says <!channel> hi"))
    assert "<!channel>" not in line
    assert "&lt;!channel&gt;" in line


def test_a_very_long_answer_stays_within_block_kit_limits() -> None:
    answer = "\n\n".join(f"Paragraph {i}. " + "word " * 500 for i in range(200))
    result = AskResult(answer=answer, creators=[make_card(f"@c{i}") for i in range(15)])
    message = build_answer_message(result, question="q" * 5000, campaigns=["x"] * 300)
    blocks = message["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_SECTION_TEXT for t in _texts(blocks))
    texts = _texts(blocks)
    last_answer_chunk = texts[texts.index("*Creators*") - 1]
    assert last_answer_chunk.endswith("(answer shortened to fit in Slack)")
    assert len(blocks[-1]["elements"][0]["value"]) <= 2000
    options = blocks[-2]["accessory"]["options"]
    assert len(options) <= 100
    assert len(message["text"]) <= 300
    json.dumps(message)  # serialisable as sent


def test_sources_keep_at_most_ten_elements() -> None:
    citations = [Citation(source=f"{i}.md", title=f"T{i}", quote="q") for i in range(14)]
    assert len(build_sources_block(citations)["elements"]) == 10


def test_share_button_carries_the_command_text() -> None:
    message = with_share_button(build_cards_message([make_card()], "Score card"), "score @a")
    button = message["blocks"][-1]["elements"][0]
    assert (button["action_id"], button["value"]) == (ACTION_SHARE, "score @a")


def test_a_command_too_long_to_rerun_from_a_button_gets_no_share_button() -> None:
    message = build_cards_message([make_card()], "Score card")
    fits = "rank " + "x" * 1995
    assert with_share_button(message, fits)["blocks"][-1]["elements"][0]["value"] == fits
    assert with_share_button(message, fits + "!") == message


def test_single_card_message_includes_the_breakdown() -> None:
    blocks = build_cards_message([make_card()], "Score card for @greenrunner")["blocks"]
    assert "niche_fit: 0.50 × 0.30 — Tags match vegan" in blocks[-1]["text"]["text"]


def test_a_cost_per_engagement_under_a_cent_is_not_shown_as_free() -> None:
    card = make_card().model_copy(update={"cost_per_engagement": 0.004})
    blocks = build_cards_message([card], "Score card for @greenrunner")["blocks"]
    assert "$0.004 per engagement" in blocks[-1]["text"]["text"]


def test_the_breakdown_prints_money_as_scout_score_does() -> None:
    # It read "rate $0 · $0.00 per engagement · CPM $0.00" for a creator with no rate on
    # file, where `scout score` prints "-", and "CPM $1234.50" without the thousands comma.
    unrated = make_card().model_copy(update={"rate_usd": 0.0, "cost_per_engagement": 0.0})
    unrated = unrated.model_copy(update={"cpm": 0.0})
    text = build_cards_message([unrated], "Score card")["blocks"][-1]["text"]["text"]
    assert text.endswith("rate - · - per engagement · CPM -")
    pricey = make_card().model_copy(update={"rate_usd": 2500.0, "cpm": 1234.5})
    text = build_cards_message([pricey], "Score card")["blocks"][-1]["text"]["text"]
    assert text.endswith("rate $2,500 · $0.29 per engagement · CPM $1,234.50")


def test_a_plan_budget_in_cents_is_not_rounded_up() -> None:
    # "within $50" for a $49.99 budget read as though $50 creators were out of reach.
    plan = PlanResult(
        creators=[],
        total_cost=0.0,
        expected_engagements=0.0,
        budget=49.99,
        remaining=49.99,
        candidates=3,
    )
    texts = _texts(build_plan_message(plan, "vegan")["blocks"])
    assert "of $49.99" in texts[0] and "affordable within $49.99." in texts[1]


def test_plan_message_names_creators_left_out_and_why() -> None:
    plan = PlanResult(
        creators=[make_card()],
        total_cost=400.0,
        expected_engagements=1392.0,
        budget=1000.0,
        remaining=600.0,
        skipped=[PlanSkip(handle="@unpriced", reason="no rate on file")],
    )
    texts = _texts(build_plan_message(plan, "vegan fitness")["blocks"])
    assert texts[-1] == "Left out: @unpriced (no rate on file)"


def test_a_long_list_of_cards_shows_everyone_within_block_kit_limits() -> None:
    cards = [make_card(f"@creator{i:03d}", reason="why " * 40) for i in range(800)]
    message = with_share_button(build_cards_message(cards, "Compared"), "compare ...")
    blocks = message["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    texts = _texts(blocks)
    assert all(len(t) <= MAX_SECTION_TEXT for t in texts)
    shown = sum(f"*@creator{i:03d}*" in "\n".join(texts) for i in range(800))
    assert texts[-1].startswith("…and ")
    assert f"…and {800 - shown} more" in texts[-1]
    few = build_cards_message(cards[:30], "Compared")["blocks"]
    assert all(f"*@creator{i:03d}*" in "\n".join(_texts(few)) for i in range(30))
