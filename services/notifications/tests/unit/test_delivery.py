"""A delivery's life: claim (intent) before send, outcome after, retries with backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.errors import (
    InvalidTransition,
    PermanentFailure,
    TemporaryFailure,
)
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.retry import RetryPolicy

NOW = datetime(2026, 3, 4, 10, tzinfo=UTC)
LEASE = timedelta(minutes=2)
POLICY = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5), max_attempts=3)


def scheduled(due: datetime = NOW) -> Delivery:
    return Delivery("n1", Channel.EMAIL, "alice", Kind.INTRODUCTION, Status.SCHEDULED, due)


def test_claim_records_one_more_attempt_and_a_lease() -> None:
    claimed = scheduled().claim(NOW, LEASE)
    assert (claimed.status, claimed.attempts, claimed.lease_until) == (
        Status.SENDING,
        1,
        NOW + LEASE,
    )


def test_a_delivery_not_yet_due_or_already_in_flight_cannot_be_claimed() -> None:
    with pytest.raises(InvalidTransition):
        scheduled(NOW + timedelta(seconds=1)).claim(NOW, LEASE)
    in_flight = scheduled().claim(NOW, LEASE)
    with pytest.raises(InvalidTransition):
        in_flight.claim(NOW + timedelta(seconds=30), LEASE)


def test_a_sender_that_died_mid_send_leaves_a_lease_that_expires_and_is_reclaimed() -> None:
    in_flight = scheduled().claim(NOW, LEASE)
    again = in_flight.claim(NOW + LEASE, LEASE)
    assert again.attempts == 2


def test_temporary_failures_back_off_then_fail_for_good() -> None:
    delivery = scheduled()
    waits = []
    for attempt in range(1, 4):
        delivery = delivery.claim(delivery.due_at, LEASE).fail(
            TemporaryFailure("421 try later"), delivery.due_at, POLICY, jitter=0.0
        )
        if attempt < 3:
            assert delivery.status is Status.SCHEDULED
            assert delivery.will_retry
            waits.append(delivery.due_at)
    assert delivery.status is Status.FAILED
    assert delivery.last_error == "421 try later"
    assert waits[0] - NOW == timedelta(seconds=5)  # half of 10 s with no jitter
    assert waits[1] - waits[0] == timedelta(seconds=10)  # half of 20 s


def test_permanent_failures_are_not_retried() -> None:
    failed = (
        scheduled().claim(NOW, LEASE).fail(PermanentFailure("550 no such user"), NOW, POLICY, 0.5)
    )
    assert failed.status is Status.FAILED
    assert not failed.will_retry


def test_jitter_spreads_retries_between_half_and_all_of_the_ceiling() -> None:
    assert POLICY.delay(1, 0.0) == timedelta(seconds=5)
    assert POLICY.delay(1, 0.999) < timedelta(seconds=10)
    assert POLICY.delay(20, 0.0) == timedelta(minutes=2, seconds=30)  # capped
    with pytest.raises(ValueError):
        POLICY.delay(1, 1.0)


def test_only_a_scheduled_delivery_is_cancelled_and_outcomes_need_an_attempt() -> None:
    assert scheduled().cancel().status is Status.CANCELLED
    sent = scheduled().claim(NOW, LEASE).succeed()
    with pytest.raises(InvalidTransition):
        sent.cancel()
    with pytest.raises(InvalidTransition):
        scheduled().succeed()
    with pytest.raises(InvalidTransition):
        sent.defer(NOW)
