"""Working hours, quiet hours, weekends and time zones decide when a message may go."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem_notifications.domain.timing import InvalidHours, LocalHours, next_moment

LISBON = LocalHours(timezone="Europe/Lisbon")
TOKYO = LocalHours(timezone="Asia/Tokyo")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_due_inside_working_hours_goes_at_once() -> None:
    due = utc(2026, 3, 4, 10, 15)  # Wednesday, 10:15 in Lisbon (UTC+0 in March)
    assert next_moment(due, LISBON) == due


def test_due_at_two_in_the_morning_waits_for_the_start_of_work() -> None:
    due = utc(2026, 3, 4, 2, 0)
    assert next_moment(due, LISBON) == utc(2026, 3, 4, 9, 0)


def test_the_same_instant_is_evening_in_tokyo_and_waits_for_its_morning() -> None:
    due = utc(2026, 3, 4, 10, 0)  # 19:00 in Tokyo, after work
    assert next_moment(due, TOKYO) == utc(2026, 3, 5, 0, 0)  # 09:00 Thursday in Tokyo


def test_friday_evening_waits_for_monday_morning() -> None:
    due = utc(2026, 3, 6, 18, 0)  # Friday 18:00 Lisbon
    assert next_moment(due, LISBON) == utc(2026, 3, 9, 9, 0)


def test_quiet_hours_inside_the_working_day_are_skipped() -> None:
    lunch = LocalHours(timezone="UTC", quiet_start=time(12, 0), quiet_end=time(13, 30))
    assert next_moment(utc(2026, 3, 4, 12, 10), lunch) == utc(2026, 3, 4, 13, 30)


def test_summer_time_moves_the_utc_instant_of_the_local_morning() -> None:
    due = utc(2026, 7, 1, 3, 0)  # Lisbon is UTC+1 in July
    assert next_moment(due, LISBON) == utc(2026, 7, 1, 8, 0)


def test_a_custom_weekend_is_respected() -> None:
    fri_sat = LocalHours(timezone="Asia/Dubai", weekend=frozenset({4, 5}))
    due = utc(2026, 3, 6, 6, 0)  # Friday 10:00 in Dubai
    assert next_moment(due, fri_sat) == utc(2026, 3, 8, 5, 0)  # Sunday 09:00


def test_hours_that_leave_no_moment_are_refused() -> None:
    with pytest.raises(InvalidHours):
        LocalHours(work_start=time(18), work_end=time(9))
    with pytest.raises(InvalidHours):
        LocalHours(timezone="Mars/Olympus")
    always_quiet = LocalHours(quiet_start=time(8), quiet_end=time(18))
    with pytest.raises(InvalidHours):
        next_moment(utc(2026, 3, 4, 10), always_quiet)


zones = st.sampled_from(["UTC", "Europe/Lisbon", "America/Los_Angeles", "Asia/Kolkata"])


@given(
    zone=zones,
    due=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)
def test_the_answer_is_never_early_and_always_a_working_quiet_free_local_time(
    zone: str, due: datetime
) -> None:
    hours = LocalHours(timezone=zone)
    moment = next_moment(due, hours)
    local = moment.astimezone(hours.zone)
    assert moment >= due
    assert local.weekday() not in hours.weekend
    assert hours.work_start <= local.time() < hours.work_end
    assert time(8) <= local.time() < time(21)
