"""LLM mode through the real `create_agent` loop, driven by a scripted chat model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel

from bot.agent.answer import UNUSABLE_NOTE
from bot.agent.offline import INGEST_NOTE, percent
from bot.agent.tools import ToolBox
from bot.config import load_settings
from bot.embeddings import WordLlamaEmbedder
from bot.knowledge.retriever import Retriever, open_retriever
from bot.scoring.service import Scout
from bot.store.shortlists import ShortlistStore
from tests.agent.conftest import MakeAnswerer, assert_grounded, llm_answerer
from tests.agent.scripted_model import ScriptedChatModel, call

READ_ONLY_TOOLS = [
    "search_guidance",
    "find_creators",
    "closest_creators",
    "browse_roster",
    "find_flagged_creators",
    "score_creator",
    "compare_creators",
    "plan_campaign",
    "read_shortlist",
    "follower_tiers",
    "engagement_benchmarks",
    "scoring_method",
    "typical_rates",
    "total_cost",
    "roster_stats",
]


def tool_outputs(messages: list[BaseMessage]) -> dict[str, Any]:
    """Tool results so far, by tool name, parsed from JSON."""
    return {str(m.name): json.loads(str(m.content)) for m in messages if isinstance(m, ToolMessage)}


def grounded_final(messages: list[BaseMessage]) -> AIMessage:
    """What a well-behaved model writes from the tool results, plus two fabrications."""
    outputs = tool_outputs(messages)
    top = outputs["find_creators"][0]
    passage = outputs["search_guidance"][0]["text"]
    sentence = next(s for s in passage.replace("\n", " ").split(". ") if len(s) > 40)
    text = (
        f'**Partner with {top["handle"]}.** As the guidance puts it, "{sentence}."\n\n'
        f"- {top['handle']} ({top['tier']}): {percent(top['engagement_rate'])} engagement "
        f"rate, score {top['score']:.0f}/100.\n\n"
        "Booking them will triple your sales, a 347% lift. Also try @madeup.star, a rising "
        "name. "
        "Experts agree: “Micro-influencers guarantee a tenfold return on every campaign.”\n\n"
        "Next: add them with the Add to shortlist button."
    )
    return AIMessage(content=text)


def test_agent_loop_calls_tools_and_returns_a_grounded_answer(
    make_answerer: MakeAnswerer,
) -> None:
    model = ScriptedChatModel(
        script=[
            call("find_creators", niche="vegan fitness", n=3),
            call("search_guidance", "c2", query="why micro-influencers engagement trust"),
            grounded_final,
        ]
    )
    result = llm_answerer(make_answerer, model).ask("who should we partner with for vegan fitness?")

    assert model.tool_names == READ_ONLY_TOOLS
    assert result.mode == "llm"
    assert result.note is None
    assert [c.handle for c in result.creators] == ["@greenrunner"]
    assert len(result.citations) == 1
    assert result.citations[0].quote in result.answer
    # The invented figure and the invented quote are gone; the rest stays.
    assert "triple" not in result.answer
    assert "tenfold" not in result.answer
    assert "@madeup.star" not in result.answer
    assert "Add to shortlist" in result.answer
    assert_grounded(result)
    # The model saw the system prompt, then the question, then each tool result.
    first = model.seen[0]
    assert "Creator Scout" in str(first[0].content)
    assert isinstance(first[-1], HumanMessage)
    assert sum(isinstance(m, ToolMessage) for m in model.seen[-1]) == 2


def test_the_model_can_list_flagged_creators_and_rank_by_rate(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        outputs = tool_outputs(messages)
        report, cheapest = outputs["find_flagged_creators"], outputs["find_creators"][0]
        worst = report["creators"][0]
        flag = worst["flags"][0]
        return AIMessage(
            content=f"**{report['total']} fitness creators are flagged.** {worst['handle']} "
            f"is flagged {flag['code']}: {flag['reason']}.\n\nThe cheapest unflagged fit is "
            f"{cheapest['handle']} at ${cheapest['rate_usd']:,.0f} a post."
        )

    model = ScriptedChatModel(
        script=[
            call("find_flagged_creators", niche="fitness", codes=["growth_spike"]),
            call("find_creators", "c2", niche="fitness", n=3, order_by="rate"),
            final,
        ]
    )
    result = llm_answerer(make_answerer, model).ask("any fitness creators with a growth spike?")
    report = scout.flagged("fitness", ["growth_spike"])
    cheapest = scout.rank("fitness", n=3, order="rate")[0]
    assert result.mode == "llm"
    assert result.answer.startswith(f"**{report.total} fitness creators are flagged.**")
    assert report.creators[0].flags[0].reason in result.answer
    assert f"{cheapest.handle} at ${cheapest.rate_usd:,.0f} a post" in result.answer
    assert [c.handle for c in result.creators] == [report.creators[0].handle, cheapest.handle]
    assert_grounded(result, report)


def test_the_model_can_order_by_growth_on_either_of_two_platforms_and_countries(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        outputs = tool_outputs(messages)
        view, skincare = outputs["browse_roster"], outputs["find_creators"][0]
        first = view["creators"][0]
        spiked = view["flagged_by_code"]["growth_spike"]
        return AIMessage(
            content=f"**{first['handle']} grew the fastest: "
            f"{first['follower_growth_30d']:+.1%} followers in 30 days.** {spiked} faster "
            f"growers carry growth_spike and are left out.\n\nOn TikTok alone, the best "
            f"skincare fit is {skincare['handle']} (score {skincare['score']:.0f}/100)."
        )

    platforms, countries = ["instagram", "tiktok"], ["GB", "US"]
    model = ScriptedChatModel(
        script=[
            call(
                "browse_roster",
                sort_by="follower_growth_30d",
                n=3,
                platform=platforms,
                country=countries,
            ),
            # a single platform, as before, still works
            call("find_creators", "c2", niche="skincare", n=1, platform="tiktok"),
            final,
        ]
    )
    result = llm_answerer(make_answerer, model).ask(
        "who grew fastest on instagram or tiktok in the uk or us?"
    )
    view = scout.browse(sort_by="follower_growth_30d", n=3, platform=platforms, country=countries)
    [skincare] = scout.rank("skincare", n=1, platform="tiktok")
    assert result.mode == "llm"
    assert view.creators and all(
        c.platform in platforms and c.audience_top_country in countries for c in view.creators
    )
    first = view.creators[0]
    assert result.answer.startswith(
        f"**{first.handle} grew the fastest: {first.follower_growth_30d:+.1%} followers"
    )
    assert f"{view.flagged_by_code['growth_spike']} faster growers" in result.answer
    assert [c.handle for c in result.creators] == [first.handle, skincare.handle]
    assert_grounded(result, view)


def test_tool_errors_go_back_to_the_model(make_answerer: MakeAnswerer) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        error = tool_outputs(messages)["score_creator"]["error"]
        return AIMessage(content=f"I could not score that creator: {error}.")

    model = ScriptedChatModel(script=[call("score_creator", handle="@nobody.here"), final])
    result = llm_answerer(make_answerer, model).ask("score @nobody.here")
    assert result.mode == "llm"
    assert "@nobody.here" in result.answer
    assert result.creators == []


@pytest.mark.parametrize(
    ("name", "args", "error"),
    [
        ("find_creators", {"niche": "skincare", "order_by": "cheapest"}, "'score' or 'rate'"),
        ("find_creators", {"niche": "skincare", "min_followers": -5}, "0 or more, got -5"),
        (
            "find_creators",
            {"niche": "skincare", "min_followers": 50_000, "max_followers": 1_000},
            "min_followers above max_followers",
        ),
        (
            "plan_campaign",
            {"niche": "skincare", "budget": 500, "min_followers": 9_000, "max_followers": 10},
            "min_followers above max_followers",
        ),
        ("find_flagged_creators", {"codes": ["fake_followers"]}, "unknown flag code"),
        ("browse_roster", {"platform": ["tiktok", "myspace"]}, "unknown platform 'myspace'"),
    ],
)
def test_bad_tool_arguments_go_back_to_the_model_as_an_error(
    make_answerer: MakeAnswerer, name: str, args: dict[str, Any], error: str
) -> None:
    seen: list[str] = []

    def final(messages: list[BaseMessage]) -> AIMessage:
        [reply] = [m for m in messages if isinstance(m, ToolMessage)]
        seen.append(str(reply.content))
        return AIMessage(content="Those settings match no creator; try other ones.")

    model = ScriptedChatModel(script=[call(name, **args), final])
    result = llm_answerer(make_answerer, model).ask("cheapest skincare creators")
    assert result.mode == "llm"  # the run went on: no crash, no fallback
    assert seen and error in seen[0]
    assert "[]" not in seen[0]  # not an empty result that reads as "nobody fits"


def test_a_model_that_never_stops_calling_tools_falls_back_offline(
    make_answerer: MakeAnswerer,
) -> None:
    looping = [call("search_guidance", f"c{i}", query="engagement") for i in range(20)]
    model = ScriptedChatModel(script=looping)
    result = llm_answerer(make_answerer, model).ask("why micro-influencers?")
    assert result.mode == "offline"
    assert result.note == UNUSABLE_NOTE
    assert result.citations
    assert_grounded(result)
    assert len(model.seen) <= 5  # bounded by the model-call limit


def test_an_empty_or_ungrounded_answer_falls_back_offline(make_answerer: MakeAnswerer) -> None:
    for reply in ("", "Sales rise 340% in 12 days with 7 creators."):
        model = ScriptedChatModel(script=[AIMessage(content=reply)])
        result = llm_answerer(make_answerer, model).ask("top vegan fitness creators")
        assert result.mode == "offline"
        assert result.note == UNUSABLE_NOTE  # not "unavailable": the model did answer
        assert result.creators
        assert_grounded(result)


def test_follow_up_reaches_the_model_with_the_thread_history(
    make_answerer: MakeAnswerer,
) -> None:
    model = ScriptedChatModel(
        script=[
            AIMessage(content="Ask me about a niche and I will rank the roster for it."),
            AIMessage(content="Same niche as before: I would start with the earlier picks."),
        ]
    )
    answerer = llm_answerer(make_answerer, model)
    answerer.ask("who should we partner with?", conversation_key="T1:C1:1.0")
    answerer.ask("and with a $2k budget?", conversation_key="T1:C1:1.0")
    second = [m for m in model.seen[1] if isinstance(m, HumanMessage | AIMessage)]
    assert [type(m).__name__ for m in second] == ["HumanMessage", "AIMessage", "HumanMessage"]
    assert second[0].content == "who should we partner with?"
    assert second[-1].content == "and with a $2k budget?"


def test_only_read_only_tools_exist(
    retriever: Retriever, scout: Scout, shortlists: ShortlistStore
) -> None:
    from bot.agent.tools import langchain_tools

    box = ToolBox(retriever=retriever, scout=scout, shortlists=shortlists, team_id="T1")
    tools = langchain_tools(box)
    assert [t.name for t in tools] == READ_ONLY_TOOLS
    for t in tools:
        # Google-style docstrings become the description and per-argument schema docs.
        assert t.description and "Args:" not in t.description
        schema = t.tool_call_schema
        assert isinstance(schema, type) and issubclass(schema, BaseModel)
        properties = schema.model_json_schema()["properties"]
        assert all(p.get("description") for p in properties.values()), t.name


def test_an_answer_that_quotes_nothing_gets_the_best_passage_cited(
    make_answerer: MakeAnswerer,
) -> None:
    model = ScriptedChatModel(
        script=[
            call("search_guidance", query="why do micro-influencers get more engagement"),
            AIMessage(content="Smaller creators tend to have closer, more engaged communities."),
        ]
    )
    result = llm_answerer(make_answerer, model).ask("why do micro-influencers get more engagement?")
    assert result.mode == "llm"
    assert len(result.citations) == 1
    assert f"“{result.citations[0].quote}”" in result.answer
    assert_grounded(result)


def test_an_answer_without_any_tool_gets_the_guidance_for_the_question_cited(
    make_answerer: MakeAnswerer,
) -> None:
    question = "why do micro-influencers get more engagement?"
    model = ScriptedChatModel(
        script=[AIMessage(content="Smaller creators have closer communities, so fans engage.")]
    )
    result = llm_answerer(make_answerer, model).ask(question)
    assert result.mode == "llm"
    assert len(result.citations) == 1
    assert result.answer.startswith("Smaller creators have closer communities")
    assert f"“{result.citations[0].quote}”" in result.answer
    assert_grounded(result)


def test_thanks_or_a_shortlist_answer_gets_no_guidance_quote(make_answerer: MakeAnswerer) -> None:
    for question, reply in [
        ("thanks!", "You're welcome. Ask me about creators or guidance any time."),
        ("what's on the summer shortlist?", "The summer shortlist has nobody on it so far."),
    ]:
        model = ScriptedChatModel(script=[AIMessage(content=reply)])
        result = llm_answerer(make_answerer, model).ask(question)
        assert (result.mode, result.answer, result.citations) == ("llm", reply, [])


def test_a_roster_creator_the_model_names_without_scoring_gets_a_card(
    make_answerer: MakeAnswerer,
) -> None:
    reply = "Partner with @greenrunner: a vegan runner whose fans trust the recommendations."
    model = ScriptedChatModel(script=[AIMessage(content=reply)])
    result = llm_answerer(make_answerer, model).ask("who should we partner with for vegan fitness?")
    assert result.mode == "llm"
    assert result.answer.startswith(reply)
    assert [c.handle for c in result.creators] == ["@greenrunner"]


def test_an_invented_short_quote_goes_and_quoted_labels_and_niches_stay(
    make_answerer: MakeAnswerer,
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        top = tool_outputs(messages)["find_creators"][0]["handle"]
        return AIMessage(
            content=f'**For "vegan fitness", go with {top}.** The guidance is blunt: '
            f'“small always wins”. Keep {top} with the "Add to shortlist" button.'
        )

    model = ScriptedChatModel(script=[call("find_creators", niche="vegan fitness", n=3), final])
    result = llm_answerer(make_answerer, model).ask("who should we partner with for vegan fitness?")
    assert result.mode == "llm"
    assert result.answer.startswith('**For "vegan fitness", go with @greenrunner.**')
    assert "small always wins" not in result.answer
    assert 'Keep @greenrunner with the "Add to shortlist" button.' in result.answer
    assert_grounded(result)


def test_a_short_grounded_answer_is_kept(make_answerer: MakeAnswerer, scout: Scout) -> None:
    score = scout.card("@greenrunner").score
    reply = f"@greenrunner scores {score:.0f}/100."
    model = ScriptedChatModel(
        script=[call("score_creator", handle="@greenrunner"), AIMessage(reply)]
    )
    result = llm_answerer(make_answerer, model).ask("score @greenrunner")
    assert (result.mode, result.note) == ("llm", None)
    assert result.answer.startswith(reply)
    assert [c.handle for c in result.creators] == ["@greenrunner"]
    assert_grounded(result)


def test_without_an_index_the_answer_notes_that_quotes_are_missing(
    make_answerer: MakeAnswerer, tmp_path: Path
) -> None:
    empty = open_retriever(load_settings(scout_data_dir=tmp_path / "empty"), WordLlamaEmbedder())
    reply = "Partner with @greenrunner: their vegan fitness fans trust their picks."
    model = ScriptedChatModel(script=[AIMessage(content=reply)])
    result = llm_answerer(make_answerer, model, retriever=empty).ask(
        "who should we partner with for vegan fitness?"
    )
    assert (result.mode, result.answer, result.citations) == ("llm", reply, [])
    assert result.note == INGEST_NOTE


def test_the_model_answers_what_to_pay_from_the_roster_rates(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        rates = tool_outputs(messages)["typical_rates"]
        passage = tool_outputs(messages)["search_guidance"][0]["text"]
        sentence = next(s for s in passage.replace("\n", " ").split(". ") if len(s) > 40)
        return AIMessage(
            content=f"**{rates['comparable']} comparable Instagram creators charge a median "
            f"${rates['median_rate']:,.0f} a post** (${rates['min_rate']:,.0f} to "
            f'${rates["max_rate"]:,.0f}).\n\nAs the guidance puts it, "{sentence}."\n\n'
            "Most brands pay $9,999 for that. Next: ask who is cheapest for your niche."
        )

    model = ScriptedChatModel(
        script=[
            call("typical_rates", platform="instagram", min_followers=25_000, max_followers=75_000),
            call("search_guidance", "c2", query="micro-influencers lower collaboration fees"),
            final,
        ]
    )
    result = llm_answerer(make_answerer, model).ask(
        "what's a fair rate for a 50k instagram creator?"
    )
    summary = scout.rates(platform="instagram", min_followers=25_000, max_followers=75_000)
    assert result.mode == "llm"
    assert summary.median_rate is not None
    assert result.answer.startswith(
        f"**{summary.comparable} comparable Instagram creators charge a median "
        f"${summary.median_rate:,.0f} a post**"
    )
    assert "9,999" not in result.answer  # not from a tool: dropped
    assert len(result.citations) == 1
    assert_grounded(result, summary)


def test_the_model_adds_up_what_named_creators_cost(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    handles = ["@greenrunner", "@tofu.tempo"]

    def final(messages: list[BaseMessage]) -> AIMessage:
        total = tool_outputs(messages)["total_cost"]
        each = " and ".join(f"{c['handle']} ${c['rate_usd']:,.0f}" for c in total["creators"])
        return AIMessage(
            content=f"**One post from each costs ${total['total_cost']:,.0f} in total:** {each}."
        )

    model = ScriptedChatModel(script=[call("total_cost", handles=handles), final])
    result = llm_answerer(make_answerer, model).ask(
        "how much would @greenrunner and @tofu.tempo cost together?"
    )
    total = scout.total_cost(handles)
    assert result.mode == "llm"
    assert result.answer.startswith(
        f"**One post from each costs ${total.total_cost:,.0f} in total:** "
        f"@greenrunner ${total.creators[0].rate_usd:,.0f} and @tofu.tempo "
    )
    assert [c.handle for c in result.creators] == handles
    assert_grounded(result, total)


def test_the_model_answers_the_rosters_average_engagement_from_its_own_figures(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        stats = tool_outputs(messages)["roster_stats"]
        instagram = next(p for p in stats["platforms"] if p["platform"] == "instagram")
        return AIMessage(
            content=f"**Across your {stats['creators']} creators, Instagram's median "
            f"engagement rate is {percent(instagram['median_engagement_rate'])} per "
            f"follower** (mean {percent(instagram['mean_engagement_rate'])}), "
            f"{instagram['median_benchmark_ratio']:.1f}x their bands' benchmark at the "
            "median.\n\nThat beats 87% of rosters in the industry."
        )

    model = ScriptedChatModel(script=[call("roster_stats"), final])
    result = llm_answerer(make_answerer, model).ask(
        "what's the average engagement rate on our roster?"
    )
    stats = scout.stats()
    instagram = next(p for p in stats.platforms if p.platform == "instagram")
    assert instagram.median_engagement_rate is not None
    assert instagram.mean_engagement_rate is not None
    assert result.mode == "llm"
    assert result.answer.startswith(
        f"**Across your {stats.creators} creators, Instagram's median engagement rate is "
        f"{percent(instagram.median_engagement_rate)} per follower** (mean "
        f"{percent(instagram.mean_engagement_rate)})"
    )
    assert "87%" not in result.answer  # not from a tool: dropped
    assert_grounded(result, stats)


def test_the_models_roster_figures_keep_to_the_follower_limit_and_country(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        stats = tool_outputs(messages)["roster_stats"]
        return AIMessage(content=f"**{stats['creators']} of your creators are that size.**")

    roster_stats = call("roster_stats", max_followers=50_000, country=["GB", "US"])
    model = ScriptedChatModel(script=[roster_stats, final])
    result = llm_answerer(make_answerer, model).ask(
        "what's the average engagement rate of our UK or US creators under 50k?"
    )
    expected = scout.stats(max_followers=50_000, country=["GB", "US"])
    assert 0 < expected.creators < scout.stats().creators
    assert result.answer.startswith(f"**{expected.creators} of your creators are that size.**")


def test_the_model_weighs_a_rate_against_comparable_creators_in_a_country(
    make_answerer: MakeAnswerer, scout: Scout
) -> None:
    def final(messages: list[BaseMessage]) -> AIMessage:
        rates = tool_outputs(messages)["typical_rates"]
        return AIMessage(
            content=f"**{rates['charging_less']} of {rates['comparable']} comparable creators "
            f"charge less than ${rates['rate']:,.0f} a post.** Most brands pay $9,999."
        )

    typical_rates = call(
        "typical_rates",
        min_followers=10_000,
        max_followers=30_000,
        country=["GB", "US"],
        exclude=["tiktok"],
        rate=300,
    )
    model = ScriptedChatModel(script=[typical_rates, final])
    result = llm_answerer(make_answerer, model).ask(
        "is $300 fair for a 20k creator in the UK or US, not on tiktok?"
    )
    summary = scout.rates(
        min_followers=10_000,
        max_followers=30_000,
        country=["GB", "US"],
        exclude=["tiktok"],
        rate=300,
    )
    everyone = scout.rates(min_followers=10_000, max_followers=30_000, rate=300)
    assert 0 < summary.comparable < everyone.comparable
    assert result.answer.startswith(
        f"**{summary.charging_less} of {summary.comparable} comparable creators charge less "
        "than $300 a post.**"
    )
    assert "9,999" not in result.answer  # not from a tool: dropped
    assert_grounded(result, summary)
