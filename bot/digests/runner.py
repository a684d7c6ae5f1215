"""Posts due digests: claim in the database, post to Slack, confirm; safe to run anywhere, any time.

How each change is posted exactly once (see DigestStore for the locking):
- Concurrent runners: a post row per (subscription, period) is claimed under the
  subscription's lock, covering changes (last_change_id, newest]; only one
  pending post per subscription exists at a time, so ranges never overlap.
- Failed posts (Slack 5xx, 429, network): the row stays pending with a backoff,
  last_change_id does not move, and the next attempt re-posts the same range.
- Crash between posting and confirming: every message carries Slack metadata
  naming its post id; before any retry the runner looks for it in the channel
  history and confirms it instead of posting again.
"""

from __future__ import annotations

import logging
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from bot.digests.compose import TopEntry, build_digest, net_changes, rank_top
from bot.digests.schedule import as_utc
from bot.digests.score_moves import ROSTER_UPDATE_ACTOR, record_score_moves
from bot.store.db import database_problem
from bot.store.digests import Claim, DigestStore, SubscriptionInfo
from bot.store.schema import utcnow
from bot.store.shortlists import ShortlistStore

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.deps import Deps
    from bot.scoring.models import ScoreCard

logger = logging.getLogger(__name__)

METADATA_EVENT = "scout_digest"
CardLookup = Callable[[str], "ScoreCard | None"]
# (channel_id, cards, title, thread_ts): posts the shortlist chart under the digest.
ChartPoster = Callable[[str, list["ScoreCard"], str, str], None]

_TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable"}
# What to do about a refusal that retrying alone will not fix. A subscription to a channel
# the app left, or that is gone, fails every run until it is stopped: say how ({stop}; an
# archived channel takes no commands, so only the CLI can: {stop_cli}).
_REMEDIES = {
    "not_in_channel": "invite the app to the channel (/invite @Creator Scout), or {stop}",
    "channel_not_found": "the channel is gone or private: invite the app, or {stop}",
    "is_archived": "the channel is archived: {stop_cli}",
    # The bot token itself: nothing a rerun fixes until SLACK_BOT_TOKEN does.
    "invalid_auth": "Slack refused SLACK_BOT_TOKEN: check it, or reinstall the app",
    "not_authed": "Slack refused SLACK_BOT_TOKEN: check it, or reinstall the app",
    "token_revoked": "SLACK_BOT_TOKEN was revoked: reinstall the app and set the new token",
    "account_inactive": "SLACK_BOT_TOKEN belongs to a deleted app or user: reinstall the app",
}
_HISTORY_PAGES = 5
# A chart small enough to read in a thread.
CHART_CREATORS = 10


class DigestOutcome(BaseModel):
    """What one runner did for one subscription."""

    subscription_id: int
    team_id: str
    channel_id: str
    campaign: str
    period_key: str | None = None  # None: it failed before a digest was claimed
    status: Literal["posted", "recovered", "failed", "quiet"]  # quiet: the changes cancelled out
    changes: int
    attempt: int
    message_ts: str | None = None
    error: str | None = None


@dataclass
class _Failure:
    message: str
    transient: bool
    retry_after_s: float | None = None


def _stop_hints(sub: SubscriptionInfo) -> dict[str, str]:
    """How to stop a subscription: from the CLI, or also by /scout in its channel."""
    command = (
        f"scout digest unsubscribe {shlex.quote(sub.campaign)} "
        f"--channel {sub.channel_id} --team {sub.team_id}"
    )
    stop_cli = f"stop this digest with `{command}`"
    in_slack = f"/scout digest unsubscribe {sub.campaign}"
    return {"stop_cli": stop_cli, "stop": f"{stop_cli} (or {in_slack} in that channel)"}


def _classify(exc: Exception, sub: SubscriptionInfo) -> _Failure:
    """Slack 5xx/429 and network errors are worth retrying soon; anything else, later."""
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        data = exc.response.data
        error = str(data.get("error", "")) if isinstance(data, dict) else ""
        retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
            "retry-after"
        )
        transient = status >= 500 or status == 429 or error in _TRANSIENT_ERRORS
        remedy = f": {_REMEDIES[error].format(**_stop_hints(sub))}" if error in _REMEDIES else ""
        return _Failure(
            f"Slack {status} {error}".strip() + remedy,
            transient,
            float(retry_after) if retry_after and str(retry_after).isdigit() else None,
        )
    return _Failure(f"{type(exc).__name__}: {exc}", isinstance(exc, OSError))


@dataclass
class DigestRunner:
    """One pass over every active subscription; construct with real clients, call `run`."""

    store: DigestStore
    shortlists: ShortlistStore
    client: WebClient
    cards: CardLookup
    chart: ChartPoster | None = None
    # Logs score moves from the roster as it is now, before any digest is claimed.
    record_moves: Callable[[], object] | None = None
    # Longer than any single post can take, so a live runner never loses its claim.
    lease: timedelta = timedelta(minutes=5)
    attempts_per_run: int = 3
    # Longer backoffs (a long Retry-After) are left to the next run.
    max_wait_s: float = 10.0
    permanent_retry: timedelta = timedelta(hours=1)
    clock: Callable[[], datetime] = utcnow
    sleep: Callable[[float], None] = field(default=time.sleep)

    def run(self, *, manual: bool = False) -> list[DigestOutcome]:
        """Post every due digest (`manual`: every subscription with news is due)."""
        subscriptions = self.store.active_subscriptions()
        if subscriptions and self.record_moves is not None:
            try:
                self.record_moves()
            except Exception as exc:
                # An unreadable roster fails each digest that needs it, with its reason.
                reason = database_problem(exc) or exc
                logger.warning("could not check the roster for score moves: %s", reason)
        outcomes = []
        for sub in subscriptions:
            try:
                outcome = self.run_subscription(sub.id, manual=manual)
            except Exception as exc:
                # One broken subscription must not starve the others; its claim lease
                # runs out and a later run retries it. It is reported as failed, so
                # `digest run` does not exit 0 over changes it could not post.
                problem = database_problem(exc)
                if problem is None:
                    logger.exception("digest for subscription %s failed", sub.id)
                else:
                    logger.warning("digest for subscription %s failed: %s", sub.id, problem)
                outcome = DigestOutcome(
                    subscription_id=sub.id,
                    team_id=sub.team_id,
                    channel_id=sub.channel_id,
                    campaign=sub.campaign,
                    status="failed",
                    changes=0,
                    attempt=0,
                    error=problem or f"{type(exc).__name__}: {exc}",
                )
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def run_subscription(self, subscription_id: int, *, manual: bool) -> DigestOutcome | None:
        """Claim, post and confirm one subscription's digest, retrying transient failures."""
        outcome = None
        for attempt in range(1, self.attempts_per_run + 1):
            claim = self.store.claim(subscription_id, self.clock(), manual=manual, lease=self.lease)
            if claim is None:
                return outcome
            outcome, wait_s = self._attempt(claim)
            if wait_s is None or wait_s > self.max_wait_s or attempt == self.attempts_per_run:
                return outcome
            self.sleep(wait_s)
        return outcome

    def _attempt(self, claim: Claim) -> tuple[DigestOutcome, float | None]:
        """One attempt; returns the outcome and, after a transient failure, how long to wait."""
        sub = claim.subscription
        changes = net_changes(
            [
                c
                for c in self.shortlists.changes_since(
                    sub.team_id, sub.campaign, claim.from_change_id
                )
                if c.id <= claim.to_change_id
            ]
        )
        if not changes:
            # Added and removed again since the last digest: the list is as it was.
            self.store.confirm(claim, None, self.clock())
            return self._outcome(claim, "quiet", 0), None
        if claim.is_retry:
            found = self._find_posted(claim)
            if found is not None:
                self.store.confirm(claim, found, self.clock())
                logger.info("digest post %s was already in the channel", claim.post_id)
                return self._outcome(claim, "recovered", len(changes), message_ts=found), None
        entries = self.shortlists.entries(sub.team_id, sub.campaign)
        try:
            # A roster that cannot be read fails this attempt like a refused post: released
            # with its reason, not left holding the claim until the lease runs out.
            cards = {e.handle: self.cards(e.handle) for e in entries}
            now_on_list = [
                TopEntry(handle=e.handle, score=card.score if (card := cards[e.handle]) else None)
                for e in entries
            ]
            message = build_digest(
                sub.campaign,
                changes,
                rank_top(now_on_list),
                shortlist_size=len(entries),
                since=sub.last_posted_at,
            )
            response = self.client.chat_postMessage(
                channel=sub.channel_id,
                text=message["text"],
                blocks=message["blocks"],
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"digest_post_id": claim.post_id},
                },
                unfurl_links=False,
            )
        except Exception as exc:
            failure = _classify(exc, sub)
            wait_s = failure.retry_after_s or min(2.0 ** (claim.attempt - 1), 60.0)
            retry_at = self.clock() + (
                timedelta(seconds=wait_s) if failure.transient else self.permanent_retry
            )
            self.store.release(claim, failure.message, retry_at)
            logger.warning(
                "digest post %s attempt %s failed: %s",
                claim.post_id,
                claim.attempt,
                failure.message,
            )
            outcome = self._outcome(claim, "failed", len(changes), error=failure.message)
            return outcome, wait_s if failure.transient else None
        ts = str(response["ts"])
        if not self.store.confirm(claim, ts, self.clock()):
            logger.warning("digest post %s lost its claim after posting", claim.post_id)
        self._post_chart(sub.channel_id, [c for c in cards.values() if c], sub.campaign, ts)
        return self._outcome(claim, "posted", len(changes), message_ts=ts), None

    def _find_posted(self, claim: Claim) -> str | None:
        """The ts of this post's message if an earlier attempt reached the channel."""
        from slack_sdk.errors import SlackApiError

        oldest = as_utc(claim.post_created_at) - timedelta(minutes=1)
        cursor = None
        for _ in range(_HISTORY_PAGES):
            try:
                page: Any = self.client.conversations_history(
                    channel=claim.subscription.channel_id,
                    oldest=f"{oldest.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            except (SlackApiError, OSError) as exc:
                # Without history (no channels:history scope) we cannot tell; posting
                # again risks one duplicate, which beats silently losing the digest.
                logger.warning("cannot check channel history for post %s: %s", claim.post_id, exc)
                return None
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and payload.get("digest_post_id") == claim.post_id
                ):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def _post_chart(self, channel_id: str, cards: list[ScoreCard], campaign: str, ts: str) -> None:
        # The digest is confirmed already: a chart failure is logged, never retried,
        # so it can never cause the digest itself to be posted twice.
        if self.chart is None or not cards:
            return
        try:
            self.chart(channel_id, cards, f"{campaign}: shortlist scores", ts)
        except Exception:
            logger.exception("could not post the shortlist chart to %s", channel_id)

    @staticmethod
    def _outcome(
        claim: Claim,
        status: Literal["posted", "recovered", "failed", "quiet"],
        changes: int,
        *,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> DigestOutcome:
        sub = claim.subscription
        return DigestOutcome(
            subscription_id=sub.id,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            campaign=sub.campaign,
            period_key=claim.period_key,
            status=status,
            changes=changes,
            attempt=claim.attempt,
            message_ts=message_ts,
            error=error,
        )


def slack_client(deps: Deps) -> WebClient:
    """The Web API client runners post with; no built-in retries, the runner owns those."""
    from slack_sdk import WebClient

    from bot.errors import ConfigError

    token = deps.settings.slack_bot_token
    if token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set; digests are posted with the bot token")
    kwargs: dict[str, Any] = {"token": token.get_secret_value(), "retry_handlers": []}
    if deps.settings.slack_api_url:
        kwargs["base_url"] = deps.settings.slack_api_url
    return WebClient(**kwargs)


def slack_chart_poster(client: WebClient) -> ChartPoster:
    """Render the shortlist's scores as a bar chart and upload it in the digest's thread."""
    from bot.slack.charts import render_score_chart, upload_chart

    def post(channel_id: str, cards: list[ScoreCard], title: str, thread_ts: str) -> None:
        best_first = sorted(cards, key=lambda card: -card.score)[:CHART_CREATORS]
        upload_chart(client, channel_id, render_score_chart(best_first, title), title, thread_ts)

    return post


def roster_cards(deps: Deps) -> CardLookup:
    """Current score cards from the roster on disk, loaded on first use.

    Built per runner rather than taken from `deps.scout`, so a long-lived clock
    process sees a roster re-imported by another process at its next tick.
    """
    from bot.errors import ScoutError
    from bot.scoring.service import Scout

    loaded: list[Scout] = []

    def card(handle: str) -> ScoreCard | None:
        if not loaded:
            loaded.append(Scout.from_settings(deps.settings, deps.embedder))
        try:
            return loaded[0].card(handle)
        except ScoutError:
            return None  # no longer in the roster: the digest says so

    return card


@dataclass
class RosterWatch:
    """What the roster and scoring files looked like when score moves were last checked, so
    a clock ticking every minute re-scores the roster only after one of them changed."""

    seen: tuple[tuple[str, int, int], ...] | None = None

    @staticmethod
    def look(paths: list[Path]) -> tuple[tuple[str, int, int], ...] | None:
        """Each file's path, modification time and size; None if one cannot be read."""
        try:
            return tuple((str(p), (stat := p.stat()).st_mtime_ns, stat.st_size) for p in paths)
        except OSError:
            return None  # loading it will say what is wrong


def roster_score_moves(
    deps: Deps, cards: CardLookup, watch: RosterWatch | None = None
) -> Callable[[], object]:
    """Logs the score moves of shortlisted creators on the roster as `cards` reads it; with
    a `watch`, only when the roster or scoring file changed since its last check."""
    settings = deps.settings
    files = [settings.roster_path, *filter(None, [settings.scout_scoring_config])]

    def score_of(handle: str) -> float | None:
        card = cards(handle)
        return None if card is None else card.score

    def check() -> None:
        now = RosterWatch.look(files) if watch is not None else None
        if watch is not None and now is not None and now == watch.seen:
            return
        record_score_moves(
            deps.engine,
            score_of,
            threshold=settings.scout_digest_score_threshold,
            actor=ROSTER_UPDATE_ACTOR,
        )
        if watch is not None:
            watch.seen = now

    return check


def build_runner(deps: Deps, watch: RosterWatch | None = None) -> DigestRunner:
    """A runner on the configured database, Slack workspace and roster (`watch`: see
    `roster_score_moves`)."""
    client = slack_client(deps)
    cards = roster_cards(deps)
    return DigestRunner(
        store=DigestStore(deps.engine),
        shortlists=ShortlistStore(deps.engine),
        client=client,
        cards=cards,
        chart=slack_chart_poster(client),
        record_moves=roster_score_moves(deps, cards, watch),
    )
