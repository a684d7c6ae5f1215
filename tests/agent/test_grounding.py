"""Grounding checks: numbers must come from tool outputs, quotes verbatim from knowledge/."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.agent.grounding import (
    QuoteChecker,
    allowed_numbers,
    drop_unknown_handles,
    drop_unsupported,
    ground_quotes,
    number_tokens,
    unsupported_numbers,
)
from bot.agent.models import Citation
from bot.agent.offline import followers, percent, usd
from bot.config import PROJECT_DIR
from bot.knowledge.loader import load_documents

KNOWLEDGE = PROJECT_DIR / "knowledge"


def test_number_tokens_read_money_percent_and_suffixes() -> None:
    tokens = number_tokens("@fit4life has 48.2k followers, 5.8% ER, costs $1,250 and 3x more.")
    assert [(t.value, t.decimals, t.unit) for t in tokens] == [
        (48.2, 1, "k"),
        (5.8, 1, "%"),
        (1250.0, 0, ""),
        (3.0, 0, ""),
    ]


def test_rendered_tool_numbers_are_supported_and_invented_ones_are_not() -> None:
    allowed = allowed_numbers([{"followers": 48213, "engagement_rate": 0.0581, "rate_usd": 1250}])
    text = "48.2k followers, 48,213 exactly, 5.8% engagement, $1,250 a post."
    assert unsupported_numbers(text, allowed) == []
    assert unsupported_numbers("It will reach 2 million people, 12% more.", allowed) == [
        "2",
        "12%",
    ]


def test_numbers_inside_tool_texts_and_list_lengths_count() -> None:
    allowed = allowed_numbers([["a", "b", "c"], {"reason": "engagement is 2.9x the benchmark"}])
    assert unsupported_numbers("Top 3 picks; 2.9x the benchmark.", allowed) == []


def test_drop_unsupported_removes_only_the_offending_sentence() -> None:
    allowed = allowed_numbers([{"score": 82.4}])
    text = "**@a scores 82/100.** It will double your sales by 40%. Book it.\n- line with 7 days"
    kept, dropped = drop_unsupported(text, allowed)
    assert kept == "**@a scores 82/100.** Book it."
    assert dropped == ["It will double your sales by 40%.", "- line with 7 days"]


def test_a_hyphenated_youtube_handle_is_one_handle_and_not_a_number() -> None:
    text = "@user-8841 scores 82/100. @user-99 is great."
    kept, invented = drop_unknown_handles(text, {"@user-8841"})
    assert (kept, invented) == ("@user-8841 scores 82/100.", ["@user-99 is great."])
    assert unsupported_numbers(kept, allowed_numbers([{"score": 82}])) == []


@given(
    count=st.integers(min_value=0, max_value=50_000_000),
    fraction=st.floats(min_value=0, max_value=1, allow_nan=False),
    amount=st.floats(min_value=0, max_value=1e7, allow_nan=False),
)
def test_offline_formatting_always_passes_the_number_check(
    count: int, fraction: float, amount: float
) -> None:
    allowed = allowed_numbers([{"followers": count, "er": fraction, "rate": amount}])
    text = f"{followers(count)} followers, {percent(fraction)} ER, {usd(amount)}."
    assert unsupported_numbers(text, allowed) == []


def _checker() -> QuoteChecker:
    return QuoteChecker(load_documents([KNOWLEDGE]))


def test_exact_quote_keeps_its_citation_and_gets_the_true_source() -> None:
    doc = load_documents([KNOWLEDGE])[0]
    sentence = doc.text.split("\n\n")[1].split(". ")[0]
    checked = _checker().verify(Citation(source="wrong.md", title="?", quote=sentence))
    assert checked == Citation(source=doc.source, title=doc.title, quote=sentence)


def test_quote_with_drifted_whitespace_and_quotes_is_repaired_to_the_exact_span() -> None:
    doc = next(d for d in load_documents([KNOWLEDGE]) if "’" in d.text)
    start = doc.text.index("’") - 30
    exact = doc.text[start : start + 80].strip()
    drifted = "  ".join(exact.replace("’", "'").split(" "))
    checked = _checker().verify(Citation(source="", title="", quote=drifted))
    assert checked is not None
    assert checked.quote in doc.text
    assert checked.quote == exact


def test_invented_quote_is_dropped_with_its_line() -> None:
    doc = load_documents([KNOWLEDGE])[0]
    real = doc.text.split("\n\n")[1].split(". ")[0]
    text = (
        f"Lead.\n> “{real}” (_T_)\n> “Micro-influencers always triple your revenue overnight.” "
        f'(_T_)\nAs one guide puts it, "Brands must always pay creators in gold bars." Fine.'
    )
    grounded, citations = ground_quotes(text, _checker())
    assert [c.quote for c in citations] == [real]
    assert "triple" not in grounded
    assert "gold bars" not in grounded
    assert grounded.endswith("Fine.")


def test_every_knowledge_file_is_checked(tmp_path: Path) -> None:
    (tmp_path / "extra.md").write_text("---\ntitle: Extra\n---\nNew guidance sentence here.\n")
    checker = QuoteChecker(load_documents([tmp_path]))
    checked = checker.verify(Citation(source="x", title="", quote="New guidance sentence here."))
    assert checked is not None
    assert checked.source == "extra.md"
    assert checked.title == "Extra"


def test_a_short_quotation_is_checked_too_but_not_cited() -> None:
    doc = load_documents([KNOWLEDGE])[0]
    phrase = next(w for w in doc.text.split(". ") if len(w) > 40)[:16].strip()
    text = (
        f"The guidance says “{phrase}”. It is blunt: “small always wins”. "
        'Click "Add to shortlist" to keep them. Nobody fits "plant snacks" yet.'
    )
    grounded, citations = ground_quotes(
        text, _checker(), data=['{"niche":"plant snacks"}', 'the "Add to shortlist" button']
    )
    assert citations == []
    assert f"“{phrase}”" in grounded
    assert "small always wins" not in grounded
    assert 'Click "Add to shortlist" to keep them. Nobody fits "plant snacks" yet.' in grounded
