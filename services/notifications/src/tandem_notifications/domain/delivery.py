"""One notification on one channel: scheduled, sending (intent recorded), then an outcome."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from tandem_notifications.domain.errors import InvalidTransition, NotificationError
from tandem_notifications.domain.kinds import Channel, Kind
from tandem_notifications.domain.retry import RetryPolicy


class Status(StrEnum):
    """Where a delivery stands."""

    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


FINAL = frozenset({Status.SENT, Status.FAILED, Status.CANCELLED, Status.SKIPPED})


@dataclass(frozen=True)
class Delivery:
    """The state of one (notification, channel); each move returns a new value."""

    notification_id: str
    channel: Channel
    recipient_id: str
    kind: Kind
    status: Status
    due_at: datetime
    attempts: int = 0
    lease_until: datetime | None = None
    last_error: str | None = None

    def check_claimable(self, now: datetime) -> None:
        """Only a due scheduled delivery, or one whose sender died mid-send, may be claimed."""
        if self.status is Status.SCHEDULED and self.due_at <= now:
            return
        if self.status is Status.SENDING and self.lease_until and self.lease_until <= now:
            return
        raise InvalidTransition(f"{self.status} delivery due {self.due_at} is not claimable")

    def check_in_flight(self) -> None:
        """Outcomes belong to a delivery being sent."""
        if self.status is not Status.SENDING:
            raise InvalidTransition(f"no attempt in flight ({self.status})")

    def claim(self, now: datetime, lease: timedelta) -> Delivery:
        """Record the intent to send before sending: one more attempt, leased to this sender."""
        self.check_claimable(now)
        return replace(
            self, status=Status.SENDING, attempts=self.attempts + 1, lease_until=now + lease
        )

    def defer(self, until: datetime) -> Delivery:
        """Not now (quiet hours, a weekend): due again at ``until``; a claim that sent nothing
        gives its attempt back."""
        if self.status in FINAL:
            raise InvalidTransition(f"a {self.status} delivery cannot be deferred")
        attempts = self.attempts - 1 if self.status is Status.SENDING else self.attempts
        return replace(
            self, status=Status.SCHEDULED, due_at=until, lease_until=None, attempts=attempts
        )

    def skip(self, reason: str) -> Delivery:
        """Nobody wants it on this channel (preferences, unsubscribed, no program channel)."""
        self.check_in_flight()
        return replace(self, status=Status.SKIPPED, lease_until=None, last_error=reason)

    def succeed(self) -> Delivery:
        """The channel accepted it."""
        self.check_in_flight()
        return replace(self, status=Status.SENT, lease_until=None, last_error=None)

    def fail(
        self, error: NotificationError, now: datetime, policy: RetryPolicy, jitter: float
    ) -> Delivery:
        """A temporary failure waits and retries (within the policy); anything else is final."""
        self.check_in_flight()
        if not error.permanent and policy.allows_another(self.attempts):
            later = now + policy.delay(self.attempts, jitter)
            return replace(
                self,
                status=Status.SCHEDULED,
                due_at=later,
                lease_until=None,
                last_error=error.message,
            )
        return replace(self, status=Status.FAILED, lease_until=None, last_error=error.message)

    def cancel(self) -> Delivery:
        """Its cause went away (pair ended, cadence changed, person withdrew) before sending."""
        if self.status is not Status.SCHEDULED:
            raise InvalidTransition(f"a {self.status} delivery cannot be cancelled")
        return replace(self, status=Status.CANCELLED, lease_until=None)

    @property
    def will_retry(self) -> bool:
        """True when a failure left it scheduled for another attempt."""
        return self.status is Status.SCHEDULED and self.last_error is not None
