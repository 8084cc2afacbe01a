"""How the dispatcher behaves: batch sizes, pacing, leases and the links it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tandem_notifications.domain.retry import RetryPolicy


@dataclass(frozen=True)
class DispatchConfig:
    """How the dispatcher behaves; settings fill it."""

    unsubscribe_secret: bytes
    sender: str = "tandem@tandem.local"
    mail_domain: str = "tandem.local"
    public_url: str = "http://127.0.0.1:8003"
    unsubscribe_ttl: timedelta = timedelta(days=60)
    lease: timedelta = timedelta(minutes=2)
    batch: int = 200
    announce_batch: int = 1000  # a little ahead of the claims, so the first sends start soon
    # Announced this long before due, not when planned: a round's prompts due in three days
    # would otherwise be announced ahead of (and slow) the introductions due now.
    announce_ahead: timedelta = timedelta(hours=1)
    concurrency: int = 16
    # Outcomes commit every this many completed sends: what a crash can send twice.
    settle_every: int = 16
    rate_per_second: float = 500.0
    contact_ttl: timedelta = timedelta(days=1)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
