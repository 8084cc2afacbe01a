"""Send what is due: claim (intent recorded), compose, send, then settle the outcome.

A batch is claimed in one statement (attempts counted, leases taken) and committed before any
send, so a crash mid-send leaves the intent behind: after the lease the delivery is claimed
again with the same Message-ID / Idempotency-Key, which the receiver uses to drop the copy.
In-app deliveries commit with their outcome, so they are exactly once outright.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import asyncpg

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.notifications import NotificationFailed, NotificationSent
from tandem_events.store import EventStore
from tandem_events.timers import TimerSweep
from tandem_notifications.adapters.email import Envelope, OutgoingMail, build_email
from tandem_notifications.adapters.ports import Claimed, InboxEntry, Settled
from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.domain import unsubscribe
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.errors import NotificationError
from tandem_notifications.domain.identity import message_id
from tandem_notifications.domain.kinds import Channel
from tandem_notifications.domain.preferences import celebrate_in_program_channel
from tandem_notifications.domain.retry import RetryPolicy
from tandem_notifications.domain.timing import next_moment
from tandem_notifications.handlers.compose import calendar_for, compose
from tandem_notifications.handlers.gather import Gathered, Lookup, gather
from tandem_notifications.handlers.plans import announce
from tandem_notifications.handlers.throttle import Throttle
from tandem_service.logging import get_logger

ACTOR = "notifications"
log = get_logger("tandem.notifications.dispatch")


class EmailSender(Protocol):
    """Anything that submits an email (the SMTP channel)."""

    async def send(self, mail: OutgoingMail) -> None: ...


class WebhookSender(Protocol):
    """Anything that posts a signed webhook."""

    async def send(
        self, url: str, secret: str, text: str, idempotency_key: str, now: datetime
    ) -> None: ...


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
    rate_per_second: float = 500.0
    contact_ttl: timedelta = timedelta(days=1)
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class _Result:
    settled: Settled
    inbox: InboxEntry | None = None


class Dispatcher:
    """Delivers due notifications in batches."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        store: EventStore,
        clock: Callable[[], datetime],
        email: EmailSender,
        webhook: WebhookSender,
        lookup: Lookup | None,
        config: DispatchConfig,
        jitter: Callable[[], float] = random.random,
        sweeps: Sequence[TimerSweep] = (),
    ) -> None:
        self._pool, self._store, self._clock = pool, store, clock
        self._email, self._webhook, self._lookup = email, webhook, lookup
        self._config, self._jitter, self._sweeps = config, jitter, sweeps
        self._throttle = Throttle(config.rate_per_second)
        self._slots = asyncio.Semaphore(config.concurrency)

    async def run_once(self) -> int:
        """Plan due series on and release held notifications, announce what is newly
        scheduled, then deliver one batch of what is due; how many it settled."""
        now = self._clock()
        for sweep in self._sweeps:
            await sweep.sweep(now)
        await announce(self._pool, self._config.announce_batch, now, self._config.announce_ahead)
        async with self._pool.acquire() as conn:
            claimed = await PostgresBook(conn).claim(now, self._config.lease, self._config.batch)
        if not claimed:
            return 0
        around = await gather(self._pool, claimed, self._lookup, now, self._config.contact_ttl)
        results = await asyncio.gather(*(self._one(c, around, now) for c in claimed))
        await self._settle(claimed, results)
        return len(results)

    async def _settle(self, claimed: Sequence[Claimed], results: Sequence[_Result]) -> None:
        now = self._clock()
        async with self._pool.acquire() as conn, conn.transaction():
            book = PostgresBook(conn)
            current = await book.settle([r.settled for r in results], now)
            events: list[DomainEvent] = []
            entries: list[InboxEntry] = []
            for c, r, ok in zip(claimed, results, current, strict=True):
                if not ok:
                    continue  # another sender took it over after our lease ran out
                if r.inbox is not None:
                    entries.append(r.inbox)
                if r.settled.publishes:
                    events.append(_outcome_event(c, r.settled.outcome, now))
            await book.deliver_in_app(entries)
            if events:
                # One append per batch: the delivery rows are the state and the store is the
                # outbox; on Kafka each event is still keyed by its notification.
                stream = f"notification-outcomes-{uuid.uuid4()}"
                await self._store.append(stream, 0, events, conn=conn)

    async def _one(self, c: Claimed, around: Gathered, now: datetime) -> _Result:
        d = c.delivery
        try:
            if d.channel is Channel.WEBHOOK:
                return await self._program_channel(c, around, now)
            contact = around.contact(d.recipient_id)
            choices = around.choices_of(d.recipient_id)
            program = around.programs.get(c.program_id or "")
            if not choices.preferences.wants(
                d.kind, d.channel, program.defaults if program else None
            ):
                return _Result(Settled(d, d.skip("not wanted on this channel")))
            if d.channel is Channel.EMAIL:
                moment = next_moment(now, choices.rhythm.hours(contact.timezone))
                if moment > now:
                    return _Result(Settled(d, d.defer(moment)))
            words = compose(c, around, contact.name)
            if d.channel is Channel.IN_APP:
                entry = InboxEntry(
                    d.notification_id, d.recipient_id, d.kind.value, words.subject, words.text, now
                )
                return _Result(Settled(d, d.succeed()), entry)
            cfg = self._config
            token = unsubscribe.issue(
                cfg.unsubscribe_secret, d.recipient_id, now + cfg.unsubscribe_ttl
            )
            envelope = Envelope(
                cfg.sender,
                contact.name,
                contact.email,
                message_id(d.notification_id, d.channel.value, cfg.mail_domain),
                f"{cfg.public_url.rstrip('/')}/unsubscribe?token={token}",
                now,
            )
            ics = calendar_for(c, contact, cfg.sender, cfg.mail_domain, words.subject)
            message = build_email(envelope, words, ics)
            async with self._slots:
                await self._throttle.take()
                await self._email.send(message)
            return _Result(Settled(d, d.succeed()))
        except NotificationError as exc:
            outcome = d.fail(exc, self._clock(), self._config.policy, self._jitter())
            return _Result(Settled(d, outcome))

    async def _program_channel(self, c: Claimed, around: Gathered, now: datetime) -> _Result:
        d = c.delivery
        program = around.programs.get(c.program_id or "")
        if program is None or not program.webhook_url or not program.webhook_secret:
            return _Result(Settled(d, d.skip("the program has no channel")))
        members = around.members(c)
        if not celebrate_in_program_channel([around.choices_of(m).preferences for m in members]):
            return _Result(Settled(d, d.skip("not every member opted in")))
        words = compose(c, around, program.name)
        async with self._slots:
            await self._throttle.take()
            await self._webhook.send(
                program.webhook_url,
                program.webhook_secret,
                words.chat,
                f"{d.notification_id}.{d.channel.value}",
                now,
            )
        return _Result(Settled(d, d.succeed()))


class DispatchLoop:
    """Runs the dispatcher until stopped (a service component)."""

    def __init__(
        self, dispatcher: Dispatcher, idle_seconds: float = 1.0, grace_seconds: float = 20.0
    ) -> None:
        self._dispatcher = dispatcher
        self._idle = idle_seconds
        # Below Kubernetes' default 30 s termination grace: the batch settles before SIGKILL.
        self._grace = grace_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin delivering in the background."""
        self._stopping = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="notifications-dispatch")

    async def stop(self) -> None:
        """Let the batch in flight finish and record its outcomes, then stop.

        Cancelling mid-batch would leave mail the server already accepted unsettled, and it
        would be sent again when its lease ends. Only past the grace period is it cancelled.
        """
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._grace)
        except TimeoutError:
            log.warning("dispatch batch cancelled after the grace period", grace=self._grace)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = await self._dispatcher.run_once()
            except Exception:  # keep delivering: claimed rows come back when their leases end
                log.exception("dispatch batch failed")
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._idle)


def _outcome_event(c: Claimed, outcome: Delivery, now: datetime) -> DomainEvent:
    """NotificationSent, or NotificationFailed with the reason and whether it will retry."""
    common = {
        "occurred_at": now,
        "actor_id": ACTOR,
        "notification_id": outcome.notification_id,
        "recipient_id": outcome.recipient_id,
        "channel": outcome.channel.value,
        "attempt": c.delivery.attempts,
    }
    if outcome.status is Status.SENT:
        return NotificationSent(**common)
    error = (outcome.last_error or "")[:1000]
    return NotificationFailed(**common, error=error, will_retry=outcome.will_retry)
