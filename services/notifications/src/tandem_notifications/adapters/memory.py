"""In-memory notification tables for unit tests; the contract suite holds them to Postgres'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tandem_notifications.adapters.ports import (
    Announced,
    ChoiceBook,
    Claimed,
    DeliveryBook,
    InboxEntry,
    ProgramChannels,
    Settled,
)
from tandem_notifications.domain.delivery import Delivery, Status
from tandem_notifications.domain.errors import InvalidTransition
from tandem_notifications.domain.kinds import PRIORITY
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.preferences import PersonChoices


@dataclass
class _Row:
    claimed: Claimed
    tags: tuple[str, ...]
    announced: bool = False


class MemoryBook:
    """Holds deliveries and the inbox in dictionaries."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _Row] = {}
        self.entries: dict[str, InboxEntry] = {}

    async def schedule(self, planned: Sequence[Planned]) -> None:
        """Record each (notification, channel) once."""
        for p in planned:
            for channel in p.channels:
                key = (p.notification_id, channel.value)
                if key in self.rows:
                    continue
                delivery = Delivery(
                    p.notification_id, channel, p.recipient_id, p.kind, Status.SCHEDULED, p.due_at
                )
                claimed = Claimed(delivery, p.cause_id, p.program_id, p.pair_id, dict(p.data))
                self.rows[key] = _Row(claimed, p.tags)

    async def announce(self, limit: int, due_by: datetime | None = None) -> list[Announced]:
        """Take deliveries not announced yet (due by ``due_by``), soonest due first."""
        new = sorted(
            (
                r
                for r in self.rows.values()
                if not r.announced and (due_by is None or r.claimed.delivery.due_at <= due_by)
            ),
            key=lambda r: (
                r.claimed.delivery.due_at,
                r.claimed.delivery.notification_id,
                r.claimed.delivery.channel.value,
            ),
        )[:limit]
        for row in new:
            row.announced = True
        taken = [
            Announced(
                d.notification_id, d.channel, d.recipient_id, d.kind, d.due_at, r.claimed.pair_id
            )
            for r in new
            for d in (r.claimed.delivery,)
        ]
        return sorted(taken, key=lambda a: (a.due_at, a.notification_id, a.channel.value))

    async def cancel(self, tags: Sequence[str], now: datetime) -> int:
        """Cancel scheduled deliveries carrying any of ``tags``."""
        count = 0
        for row in self.rows.values():
            d = row.claimed.delivery
            if d.status is Status.SCHEDULED and set(tags) & set(row.tags):
                row.claimed = replace(row.claimed, delivery=d.cancel())
                count += 1
        return count

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        """Take due deliveries, most urgent first."""
        due = []
        for row in self.rows.values():
            try:
                row.claimed.delivery.check_claimable(now)
            except InvalidTransition:
                continue
            if not row.announced:
                continue
            due.append(row)
        due.sort(key=lambda r: (PRIORITY[r.claimed.delivery.kind], r.claimed.delivery.due_at))
        taken = []
        for row in due[:limit]:
            row.claimed = replace(row.claimed, delivery=row.claimed.delivery.claim(now, lease))
            taken.append(row.claimed)
        return taken

    async def settle(self, settled: Sequence[Settled], now: datetime) -> list[bool]:
        """Store outcomes whose attempt is still current."""
        done = []
        for s in settled:
            row = self.rows[(s.outcome.notification_id, s.outcome.channel.value)]
            current = row.claimed.delivery
            ok = current.status is Status.SENDING and current.attempts == s.claimed.attempts
            if ok:
                row.claimed = replace(row.claimed, delivery=s.outcome)
            done.append(ok)
        return done

    async def get(self, notification_id: str, channel: str) -> Delivery | None:
        """One delivery's state."""
        row = self.rows.get((notification_id, channel))
        return row.claimed.delivery if row else None

    async def deliver_in_app(self, entries: Sequence[InboxEntry]) -> None:
        """Put entries in the inbox once each."""
        for entry in entries:
            self.entries.setdefault(entry.notification_id, entry)

    async def inbox(self, person_id: str, limit: int, unread_only: bool) -> list[InboxEntry]:
        """The person's newest entries."""
        mine = [
            e
            for e in self.entries.values()
            if e.person_id == person_id and not (unread_only and e.read_at)
        ]
        mine.sort(key=lambda e: (-e.created_at.timestamp(), e.notification_id))
        return mine[:limit]

    async def unread(self, person_id: str) -> int:
        """How many entries the person has not read."""
        return sum(1 for e in self.entries.values() if e.person_id == person_id and not e.read_at)

    async def mark_read(self, person_id: str, notification_id: str, now: datetime) -> bool:
        """Mark one of the person's entries read."""
        entry = self.entries.get(notification_id)
        if entry is None or entry.person_id != person_id:
            return False
        if entry.read_at is None:
            self.entries[notification_id] = replace(entry, read_at=now)
        return True


class MemoryChoices:
    """People's choices, programs' settings and template overrides in dictionaries."""

    def __init__(self) -> None:
        self.people: dict[str, PersonChoices] = {}
        self.programs: dict[str, ProgramChannels] = {}
        self.templates: dict[tuple[str, str, str], str] = {}

    def know_program(self, program_id: str) -> None:
        """A program launched (the planner's part in Postgres)."""
        self.programs.setdefault(program_id, ProgramChannels({}, None, None, ""))

    async def save_person(self, person_id: str, choices: PersonChoices, now: datetime) -> None:
        """Replace a person's choices."""
        self.people[person_id] = choices

    async def person(self, person_id: str) -> PersonChoices | None:
        """A person's stored choices."""
        return self.people.get(person_id)

    async def unsubscribe_email(self, person_id: str, now: datetime) -> None:
        """Stop every email to the person, keeping their other choices."""
        mine = self.people.get(person_id, PersonChoices())
        prefs = replace(mine.preferences, email_unsubscribed=True)
        self.people[person_id] = replace(mine, preferences=prefs)

    async def save_program(
        self,
        program_id: str,
        defaults: dict[str, list[str]],
        webhook_url: str | None,
        webhook_secret: str | None,
        support: str,
    ) -> None:
        """Store a known program's settings (a None secret keeps the current one)."""
        known = self.programs.get(program_id)
        if known is None:
            return
        secret = None if webhook_url is None else webhook_secret or known.webhook_secret
        self.programs[program_id] = ProgramChannels(dict(defaults), webhook_url, secret, support)

    async def program(self, program_id: str) -> ProgramChannels | None:
        """A known program's settings."""
        return self.programs.get(program_id)

    async def put_template(self, program_id: str, kind: str, part: str, source: str) -> None:
        """Override one part of one kind."""
        self.templates[(program_id, kind, part)] = source

    async def template(self, program_id: str, kind: str, part: str) -> str | None:
        """A program's override of one part."""
        return self.templates.get((program_id, kind, part))

    async def drop_template(self, program_id: str, kind: str, part: str) -> bool:
        """Drop an override; False when there was none."""
        return self.templates.pop((program_id, kind, part), None) is not None


class MemoryNotificationTables:
    """The notification tables in memory."""

    def __init__(self) -> None:
        self.memory_book = MemoryBook()
        self.memory_choices = MemoryChoices()

    @property
    def book(self) -> DeliveryBook:
        """Deliveries and the inbox."""
        return self.memory_book

    @property
    def choices(self) -> ChoiceBook:
        """Preferences and program settings."""
        return self.memory_choices
