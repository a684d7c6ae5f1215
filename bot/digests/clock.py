"""The `clock` process: an in-process scheduler that runs the digest runner every minute."""

from __future__ import annotations

import logging
from collections.abc import Callable
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


def digest_tick(deps: Deps, watch: RosterWatch | None = None) -> None:
    """One pass of `digest run`, logged; a failure is logged and the clock keeps going.
    `watch` carries what the roster looked like from one tick to the next."""
    from bot.digests.runner import build_runner

    try:
        outcomes = build_runner(deps, watch).run()
    except Exception:
        logger.exception("digest run failed; the next tick retries")
        return
    for outcome in outcomes:
        logger.info(
            "digest %s for %s in %s: %s (%d changes)",
            outcome.status,
            outcome.campaign,
            outcome.channel_id,
            outcome.period_key,
            outcome.changes,
        )


def run_clock(deps: Deps, interval_s: float) -> None:
    """Block, running due digests every `interval_s` seconds until interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.digests.runner import RosterWatch, slack_client

    slack_client(deps)  # fail fast, naming SLACK_BOT_TOKEN, before the first tick
    deps.engine  # noqa: B018 - open and migrate the database now
    scheduler = BlockingScheduler(timezone=UTC)
    watch = RosterWatch()
    schedule_digests(scheduler, lambda: digest_tick(deps, watch), interval_s)
    logger.info("digest clock started: every %ss", interval_s)
    scheduler.start()
