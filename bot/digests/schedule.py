"""When a digest is due, and the period key that makes each period's digest once-only.

Pure functions over aware datetimes; every time zone name is an IANA name.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, field_validator

from bot.errors import ScoutError

Frequency = Literal["daily", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = ("daily", "weekly")
DEFAULT_AT = "09:00"
# Weekly digests go out on Mondays: the start of a planning week for most teams.
WEEKLY_WEEKDAY = 0

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_at_time(text: str) -> str:
    """Normalise "9:30" to "09:30"; anything that is not a 24-hour HH:MM is a ScoutError."""
    match = _HHMM.match(text.strip())
    if match is None:
        raise ScoutError(f'"{text}" is not a time of day; use 24-hour HH:MM, e.g. 09:30')
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def resolve_timezone(name: str | None) -> str:
    """The IANA zone `name` if it is one, else "UTC" (Slack profiles may lack a zone)."""
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; naive values are UTC already (SQLite drops the offset on the way back)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class Schedule(BaseModel):
    """How often a channel wants its digest, at what local time, in which zone."""

    frequency: Frequency = "daily"
    at_time: str = DEFAULT_AT
    timezone: str = "UTC"

    @field_validator("at_time")
    @classmethod
    def _check_at_time(cls, value: str) -> str:
        return parse_at_time(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        return resolve_timezone(value)

    def _local_slot(self, day: date) -> datetime:
        hours, minutes = (int(part) for part in self.at_time.split(":"))
        return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(self.timezone))

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent scheduled moment at or before `now`, in UTC."""
        local_now = as_utc(now).astimezone(ZoneInfo(self.timezone))
        day = local_now.date()
        step = 1
        if self.frequency == "weekly":
            day -= timedelta(days=(day.weekday() - WEEKLY_WEEKDAY) % 7)
            step = 7
        slot = self._local_slot(day).astimezone(UTC)
        # Compared in UTC: two times in one zone compare by wall clock, so across a DST
        # change a slot could lie ahead of `now`, or step back to the day before.
        if slot > as_utc(now):
            slot = self._local_slot(day - timedelta(days=step)).astimezone(UTC)
        return slot

    def period_key(self, slot: datetime) -> str:
        """ "2026-11-22" for a daily slot, "2026-W47" for a weekly one (local calendar)."""
        local = as_utc(slot).astimezone(ZoneInfo(self.timezone))
        if self.frequency == "weekly":
            year, week, _ = local.isocalendar()
            return f"{year}-W{week:02d}"
        return local.date().isoformat()

    def due_period(self, now: datetime, active_since: datetime) -> str | None:
        """The period key due at `now`, or None when no slot has passed since subscribing.

        Only the latest slot is ever considered, so after downtime the missed
        periods collapse into one digest instead of one per period.
        """
        slot = self.latest_slot(now)
        if slot < as_utc(active_since):
            return None
        return self.period_key(slot)


def manual_period_key(to_change_id: int) -> str:
    """The key for `digest run --now`: simultaneous runs collide, later ones with news do not."""
    return f"now-upto-{to_change_id}"
