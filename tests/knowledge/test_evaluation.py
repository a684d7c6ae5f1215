"""The evaluation set and its metrics."""

from __future__ import annotations

import re

import pytest

from bot.knowledge.evaluation import (
    DEFAULT_EVAL_SET,
    EvalQuestion,
    as_written,
    first_relevant_rank,
    load_eval_set,
    score_ranks,
)
from bot.knowledge.loader import load_documents
from bot.knowledge.models import Passage
from tests.knowledge.conftest import KNOWLEDGE


def test_the_eval_set_has_enough_questions_quoting_the_corpus_verbatim() -> None:
    questions = load_eval_set(DEFAULT_EVAL_SET)
    documents = {d.source: d.text for d in load_documents([KNOWLEDGE])}

    assert len(questions) >= 30
    splits = {q.split for q in questions}
    assert {"dev", "test", "holdout"} <= splits
    assert all(re.fullmatch(r"dev|test|holdout\d*", split) for split in splits), splits
    for question in questions:
        for answer in question.answers:
            assert answer.quote in documents[answer.source], question.question


def passage(source: str, text: str) -> Passage:
    return Passage(text=text, source=source, title="t", chunk_id=text[:8], score=0.0)


def test_rank_is_that_of_the_first_passage_holding_any_answer() -> None:
    question = EvalQuestion.model_validate(
        {"question": "q", "answers": [{"source": "a.md", "quote": "needle"}]}
    )
    hits = [passage("a.md", "hay"), passage("b.md", "needle"), passage("a.md", "a needle here")]
    assert first_relevant_rank(hits, question) == 3
    assert first_relevant_rank(hits[:2], question) is None


def test_metrics_from_ranks() -> None:
    questions = [
        EvalQuestion(question=str(i), answers=[{"source": "a", "quote": "b"}]) for i in range(4)
    ]
    metrics = score_ranks("hybrid", [1, 2, 6, None], questions)

    assert metrics.recall_at_1 == 0.25
    assert metrics.recall_at_5 == 0.5
    assert metrics.mrr == pytest.approx((1 + 1 / 2 + 1 / 6) / 4)
    assert metrics.misses == ["2", "3"]


def test_as_written_keeps_only_the_writers_answers() -> None:
    question = EvalQuestion.model_validate(
        {
            "question": "q",
            "answers": [
                {"source": "a.md", "quote": "needle"},
                {"source": "a.md", "quote": "pin", "pooled": True},
            ],
        }
    )
    hits = [passage("a.md", "a pin"), passage("a.md", "a needle")]

    assert first_relevant_rank(hits, question) == 1
    (written,) = as_written([question])
    assert first_relevant_rank(hits, written) == 2
    assert len(question.answers) == 2  # the original is left as it was
