"""The `clock` process: an in-process scheduler that runs the digest runner every minute."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.deps import Deps
    from bot.digests.runner import RosterWatch

logger = logging.getLogger(__name__)

JOB_ID = "digests"


def schedule_digests(
    scheduler: BaseScheduler, tick: Callable[[], object], interval_s: float
) -> None:
    """Run `tick` now and every `interval_s` seconds; a slow tick is never run twice at once.

    Overlap with other processes (cron, replicas) is harmless: the database
    decides who posts. Missed ticks coalesce into one, like missed periods do.
    """
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=interval_s),
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )


@dataclass
class DatabaseOutage:
    """Whether the last tick found the database down, so an outage is logged once when it
    starts and once when it ends, not with a traceback every minute in between."""

    down: bool = False


def digest_tick(
    deps: Deps, watch: RosterWatch | None = None, outage: DatabaseOutage | None = None
) -> None:
    """One pass of `digest run`, logged; a failure is logged and the clock keeps going.
    `watch` and `outage` carry the roster's look and the database's state between ticks."""
    from bot.digests.runner import build_runner
    from bot.store.db import database_problem

    outage = outage or DatabaseOutage()
    try:
        outcomes = build_runner(deps, watch).run()
    except Exception as exc:
        problem = database_problem(exc)
        if problem is None:
            logger.exception("digest run failed; the next tick retries")
        elif not outage.down:
            outage.down = True
            logger.warning("%s; digests wait until it is back, checking every tick", problem)
        return
    if outage.down:
        outage.down = False
        logger.info("the database is back; digests run again")
    for outcome in outcomes:
        period = f" ({outcome.period_key})" if outcome.period_key else ""
        where = f"{outcome.campaign} in {outcome.channel_id}{period}"
        if outcome.status == "failed":
            logger.warning("digest for %s failed: %s", where, outcome.error)
        else:
            logger.info("digest %s for %s: %d change(s)", outcome.status, where, outcome.changes)


def run_clock(deps: Deps, interval_s: float) -> None:
    """Block, running due digests every `interval_s` seconds until interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.digests.runner import RosterWatch, slack_client

    slack_client(deps)  # fail fast, naming SLACK_BOT_TOKEN, before the first tick
    deps.engine  # noqa: B018 - open and migrate the database now
    scheduler = BlockingScheduler(timezone=UTC)
    watch, outage = RosterWatch(), DatabaseOutage()
    schedule_digests(scheduler, lambda: digest_tick(deps, watch, outage), interval_s)
    logger.info("digest clock started: every %ss", interval_s)
    scheduler.start()
