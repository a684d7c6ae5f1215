"""Retrieval evaluation: recall@k and MRR of each search method on a labelled question set.

A question's answers are verbatim quotes with their source file; a passage is
relevant when it is from that file and contains the quote. Recall@k is the share
of questions with a relevant passage in the top k (any answer counts).

Answers marked `pooled` were not written with the question: they come from pooled
judging, where the top 8 passages of every method were judged blind, and a passage
counts only if two judges, each on their own, found it answers the question.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field, ValidationError

from bot.config import PROJECT_DIR
from bot.knowledge.models import Passage
from bot.knowledge.retriever import METHODS, Method

DEFAULT_EVAL_SET = PROJECT_DIR / "bench" / "data" / "retrieval_eval.json"
MRR_DEPTH = 10


class Answer(BaseModel):
    source: str
    quote: str
    pooled: bool = False  # found by pooled judging, not by the question's writer


class EvalQuestion(BaseModel):
    question: str
    split: str = "dev"
    answers: list[Answer] = Field(min_length=1)


class Metrics(BaseModel):
    method: str
    questions: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: list[str] = Field(default_factory=list)  # questions with nothing in the top 5


class Searcher(Protocol):
    def search(self, query: str, k: int = 5, method: Method = "hybrid") -> list[Passage]: ...


def load_eval_set(path: Path = DEFAULT_EVAL_SET) -> list[EvalQuestion]:
    """The questions of an evaluation set; ValueError unless it is a non-empty JSON list."""
    try:
        items = json.loads(path.read_text("utf-8"))
    except RecursionError:
        raise ValueError("lists or objects nested too deeply") from None
    if not isinstance(items, list):
        raise ValueError("expected a JSON list of questions")
    if not items:
        raise ValueError("it has no questions")
    questions = []
    for number, item in enumerate(items, start=1):
        try:
            questions.append(EvalQuestion.model_validate(item))
        except ValidationError as exc:
            # pydantic's own message runs to several lines with a link; name the question.
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "question"
            raise ValueError(f"question {number}: {where}: {first['msg']}") from None
    return questions


def as_written(questions: list[EvalQuestion]) -> list[EvalQuestion]:
    """The questions with only the answers their writers gave (no pooled ones)."""
    return [
        q.model_copy(update={"answers": [a for a in q.answers if not a.pooled]}) for q in questions
    ]


def is_relevant(passage: Passage, question: EvalQuestion) -> bool:
    return any(a.source == passage.source and a.quote in passage.text for a in question.answers)


def first_relevant_rank(passages: Sequence[Passage], question: EvalQuestion) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    for rank, passage in enumerate(passages, start=1):
        if is_relevant(passage, question):
            return rank
    return None


def score_ranks(method: str, ranks: list[int | None], questions: list[EvalQuestion]) -> Metrics:
    n = len(ranks)
    return Metrics(
        method=method,
        questions=n,
        recall_at_1=sum(r == 1 for r in ranks) / n,
        recall_at_5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1.0 / r for r in ranks if r is not None) / n,
        misses=[q.question for q, r in zip(questions, ranks, strict=True) if r is None or r > 5],
    )


def evaluate(
    searcher: Searcher,
    questions: list[EvalQuestion],
    methods: Sequence[Method] = METHODS,
) -> list[Metrics]:
    """One Metrics per method, in the order given."""
    if not questions:
        raise ValueError("the evaluation set is empty")
    results = []
    for method in methods:
        ranks = [
            first_relevant_rank(searcher.search(q.question, MRR_DEPTH, method), q)
            for q in questions
        ]
        results.append(score_ranks(method, ranks, questions))
    return results
