"""Digest fixtures: real SQLite and PostgreSQL, the fake Slack Web API, a controllable clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.config import load_settings
from bot.digests.runner import DigestRunner
from bot.scoring.models import ScoreCard
from bot.store.db import open_database
from bot.store.digests import DigestStore
from bot.store.shortlists import ShortlistStore
from tests.support.fake_slack import FakeSlack

_TABLES = ("digest_posts", "digest_subscriptions", "shortlist_changes", "shortlist_entries")


def wipe(engine: Engine) -> None:
    """Empty the tables digests touch (the PostgreSQL database is shared by the session)."""
    with engine.begin() as conn:
        for table in _TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database URL; the shared PostgreSQL database is emptied around each test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scout.db'}"
        return
    url = load_settings(database_url=request.getfixturevalue("pg_url")).sqlalchemy_url
    engine = open_database(url)
    wipe(engine)
    yield url
    wipe(engine)
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url, retry_handlers=[])


@dataclass
class FakeClock:
    """Time that only moves when told to (or when a runner sleeps)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_card(handle: str, score: float) -> ScoreCard:
    """A plausible score card; only handle and score matter to digests."""
    return ScoreCard(
        handle=handle,
        name=handle.strip("@").title(),
        platform="instagram",
        niches=["vegan"],
        followers=20_000,
        tier="micro",
        in_micro_range=True,
        engagements_per_post=900,
        engagement_rate=0.045,
        cost_per_engagement=0.5,
        cpm=None,
        rate_usd=450,
        flags=[],
        score=score,
        breakdown=[],
    )


@dataclass
class Roster:
    """Current scores by handle, as the scoring engine would report them."""

    scores: dict[str, float] = field(default_factory=dict)

    def card(self, handle: str) -> ScoreCard | None:
        score = self.scores.get(handle)
        return make_card(handle, score) if score is not None else None

    def score(self, handle: str) -> float | None:
        return self.scores.get(handle)


@pytest.fixture
def roster() -> Roster:
    return Roster({"@alba": 81.0, "@bruno": 74.0, "@chen": 66.0, "@dee": 58.0})


def make_runner(
    engine: Engine, client: WebClient, clock: FakeClock, roster: Roster, **kwargs: object
) -> DigestRunner:
    return DigestRunner(
        store=DigestStore(engine),
        shortlists=ShortlistStore(engine),
        client=client,
        cards=roster.card,
        clock=clock,
        sleep=clock.sleep,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def runner(engine: Engine, client: WebClient, clock: FakeClock, roster: Roster) -> DigestRunner:
    return make_runner(engine, client, clock, roster)
