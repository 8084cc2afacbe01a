"""The ports the handlers use for the delivery book; Postgres and an in-memory fake fill them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from tandem_notifications.adapters.records import (
    Announced,
    Claimed,
    InboxEntry,
    ProgramChannels,
    Settled,
)
from tandem_notifications.domain.delivery import Delivery
from tandem_notifications.domain.planned import Planned
from tandem_notifications.domain.preferences import PersonChoices


class DeliveryBook(Protocol):
    """Scheduled, in-flight and settled deliveries, and the inbox they fill."""

    async def schedule(self, planned: Sequence[Planned]) -> None:
        """Record each (notification, channel) once; a repeat of the same cause changes nothing.

        Answers nothing, so that a projection's writes can be queued and sent in runs."""
        ...

    async def announce(self, limit: int, due_by: datetime | None = None) -> list[Announced]:
        """Take up to ``limit`` deliveries not announced yet (soonest due first; only those due
        by ``due_by`` when given), marking them announced; a delivery is claimed for sending
        only once announced."""
        ...

    async def cancel(self, tags: Sequence[str], now: datetime) -> int:
        """Cancel scheduled deliveries carrying any of ``tags``; how many were cancelled."""
        ...

    async def claim(self, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
        """Take due deliveries (most urgent first) and record the attempt before any send."""
        ...

    async def settle(self, settled: Sequence[Settled], now: datetime) -> list[bool]:
        """Store each outcome if its attempt is still the current one (not taken over)."""
        ...

    async def get(self, notification_id: str, channel: str) -> Delivery | None:
        """One delivery's state."""
        ...

    async def deliver_in_app(self, entries: Sequence[InboxEntry]) -> None:
        """Put entries in their people's inboxes (once per notification)."""
        ...

    async def inbox(self, person_id: str, limit: int, unread_only: bool) -> list[InboxEntry]:
        """The person's newest entries."""
        ...

    async def unread(self, person_id: str) -> int:
        """How many entries the person has not read."""
        ...

    async def mark_read(self, person_id: str, notification_id: str, now: datetime) -> bool:
        """Mark one of the person's entries read; False when it is not theirs or not there."""
        ...


class ChoiceBook(Protocol):
    """People's preferences and program owners' settings and template overrides."""

    async def save_person(self, person_id: str, choices: PersonChoices, now: datetime) -> None:
        """Replace a person's choices."""
        ...

    async def person(self, person_id: str) -> PersonChoices | None:
        """A person's stored choices (None: they made none)."""
        ...

    async def unsubscribe_email(self, person_id: str, now: datetime) -> None:
        """Stop every email to the person at once, keeping their other choices."""
        ...

    async def save_program(
        self,
        program_id: str,
        defaults: dict[str, list[str]],
        webhook_url: str | None,
        webhook_secret: str | None,
        support: str,
    ) -> None:
        """Store a known program's channel settings (a None secret keeps the current one)."""
        ...

    async def program(self, program_id: str) -> ProgramChannels | None:
        """A known program's channel settings."""
        ...

    async def put_template(self, program_id: str, kind: str, part: str, source: str) -> None:
        """Override one part of one kind for a program."""
        ...

    async def template(self, program_id: str, kind: str, part: str) -> str | None:
        """A program's override of one part, if any."""
        ...

    async def drop_template(self, program_id: str, kind: str, part: str) -> bool:
        """Go back to Tandem's template for one part; False when there was no override."""
        ...


class NotificationTables(Protocol):
    """The write side one command reaches, inside its transaction."""

    @property
    def book(self) -> DeliveryBook:
        """Deliveries and the inbox."""
        ...

    @property
    def choices(self) -> ChoiceBook:
        """Preferences and program settings."""
        ...
