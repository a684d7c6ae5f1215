"""Due periods and period keys: pure, with properties checked by hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.digests.schedule import Schedule, manual_period_key, parse_at_time, resolve_timezone
from bot.errors import ScoutError

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
schedules = st.builds(
    Schedule,
    frequency=st.sampled_from(["daily", "weekly"]),
    at_time=st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    timezone=st.sampled_from(ZONES),
)


@given(schedules, moments)
# 02:30 does not exist in Berlin on 29 March 2026; at 03:00 CEST its slot (03:30) was ahead.
@example(Schedule(at_time="02:30", timezone="Europe/Berlin"), datetime(2026, 3, 29, 1, tzinfo=UTC))
def test_latest_slot_is_the_most_recent_scheduled_moment(schedule: Schedule, now: datetime) -> None:
    slot = schedule.latest_slot(now)
    period = timedelta(days=7 if schedule.frequency == "weekly" else 1)
    assert slot <= now
    # A DST change can stretch one period by an hour.
    assert now - slot < period + timedelta(hours=1)
    local = slot.astimezone(ZoneInfo(schedule.timezone))
    if schedule.frequency == "weekly":
        assert local.weekday() == 0


@given(schedules, moments, st.integers(0, 60 * 24 * 30))
def test_each_period_has_one_key_and_keys_never_repeat(
    schedule: Schedule, now: datetime, minutes_later: int
) -> None:
    later = now + timedelta(minutes=minutes_later)
    first, second = schedule.latest_slot(now), schedule.latest_slot(later)
    same_key = schedule.period_key(first) == schedule.period_key(second)
    assert same_key == (first == second)


@given(schedules, moments, st.integers(0, 60 * 24 * 30))
# 01:30 comes twice in New York on 1 November 2026: at 01:00 EST, after the first 01:30
# (EDT), the latest slot stepped back to the day before.
@example(
    Schedule(at_time="01:30", timezone="America/New_York"),
    datetime(2026, 11, 1, 5, 55, tzinfo=UTC),
    5,
)
def test_the_latest_slot_never_moves_back(
    schedule: Schedule, now: datetime, minutes_later: int
) -> None:
    later = now + timedelta(minutes=minutes_later)
    assert schedule.latest_slot(later) >= schedule.latest_slot(now)


def test_due_only_once_a_slot_has_passed_since_subscribing() -> None:
    schedule = Schedule(frequency="daily", at_time="09:00", timezone="Europe/Berlin")
    subscribed = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
    assert schedule.due_period(subscribed + timedelta(hours=5), subscribed) is None
    assert schedule.due_period(datetime(2026, 11, 24, 7, 59, tzinfo=UTC), subscribed) is None
    assert schedule.due_period(datetime(2026, 11, 24, 8, 0, tzinfo=UTC), subscribed) == "2026-11-24"
    # Three days of downtime: only the latest period is due.
    assert schedule.due_period(datetime(2026, 11, 27, 9, 0, tzinfo=UTC), subscribed) == "2026-11-27"


def test_weekly_keys_are_iso_weeks_on_mondays() -> None:
    schedule = Schedule(frequency="weekly", at_time="08:30", timezone="America/New_York")
    sunday_night = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # Sun 23:00 in New York
    assert schedule.latest_slot(sunday_night) == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert schedule.period_key(schedule.latest_slot(sunday_night)) == "2026-W48"
    monday = datetime(2026, 11, 30, 13, 30, tzinfo=UTC)
    assert schedule.period_key(schedule.latest_slot(monday)) == "2026-W49"


def test_naive_datetimes_from_sqlite_are_utc() -> None:
    schedule = Schedule()
    naive, aware = datetime(2026, 11, 23, 9, 0), datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert schedule.latest_slot(naive) == schedule.latest_slot(aware)


@pytest.mark.parametrize(
    ("text", "normal"), [("9:30", "09:30"), ("23:59", "23:59"), ("0:00", "00:00")]
)
def test_at_time_is_normalised(text: str, normal: str) -> None:
    assert parse_at_time(text) == normal


@pytest.mark.parametrize("text", ["24:00", "9", "9.30", "nine", "12:60", ""])
def test_bad_at_time_names_the_value(text: str) -> None:
    with pytest.raises(ScoutError, match="HH:MM"):
        parse_at_time(text)


def test_unknown_or_missing_zones_fall_back_to_utc() -> None:
    assert resolve_timezone("Europe/Berlin") == "Europe/Berlin"
    assert resolve_timezone("Mars/Olympus") == "UTC"
    assert resolve_timezone(None) == "UTC"
    assert Schedule(timezone="../etc/passwd").timezone == "UTC"


def test_manual_keys_differ_when_news_arrived() -> None:
    assert manual_period_key(7) != manual_period_key(8)
    assert len(manual_period_key(2**31)) <= 32
