"""Load what a batch of claimed deliveries needs: contacts (cached, else the directory) and more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.directory import Contact
from tandem_notifications.adapters.postgres import PostgresContacts
from tandem_notifications.adapters.records import Claimed
from tandem_notifications.domain.errors import NotificationError, TemporaryFailure, UnknownRecipient
from tandem_notifications.domain.kinds import Kind
from tandem_notifications.domain.planning.keys import program_channel
from tandem_notifications.domain.preferences import PersonChoices
from tandem_notifications.handlers.compose import Surroundings, people_of

Lookup = Callable[[Sequence[str]], Awaitable[dict[str, Contact]]]


class Gathered(Surroundings):
    """Surroundings plus people's choices and why a contact is missing."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, PersonChoices] = {}
        self.erased: set[str] = set()
        self.directory_error: NotificationError | None = None

    def contact(self, person_id: str) -> Contact:
        """The person's contact, or why there is none (erased, unknown, directory down)."""
        found = self.contacts.get(person_id)
        if found is not None:
            return found
        if person_id in self.erased:
            raise UnknownRecipient(f"{person_id} was erased")
        if self.directory_error is not None:
            raise self.directory_error
        raise UnknownRecipient(f"the directory does not know {person_id}")

    def choices_of(self, person_id: str) -> PersonChoices:
        """The person's choices, or the defaults."""
        return self.choices.get(person_id, PersonChoices())


async def gather(
    pool: asyncpg.Pool,
    claimed: Sequence[Claimed],
    lookup: Lookup | None,
    now: datetime,
    contact_ttl: timedelta,
) -> Gathered:
    """Everything the batch needs, in a few queries and at most one directory round."""
    around = Gathered()
    program_ids = {c.program_id for c in claimed if c.program_id}
    pair_ids = {c.pair_id for c in claimed if c.pair_id}
    async with pool.acquire() as conn:
        around.pairs = await reads.pairs(conn, sorted(pair_ids))
        around.programs = await reads.programs(conn, sorted(program_ids))
        people = _people(claimed, around)
        around.choices = await reads.choices(conn, people)
        cache = PostgresContacts(conn)
        around.contacts = await cache.cached(people, now - contact_ttl)
        around.erased = await cache.erased(people)
        for program_id in {c.program_id for c in claimed if c.delivery.kind is Kind.DIGEST}:
            if program_id:
                around.counts[program_id] = await reads.program_counts(conn, program_id)
        missing = sorted(set(people) - set(around.contacts) - around.erased)
        if missing and lookup is not None:
            try:
                fetched = await lookup(missing)
            except TemporaryFailure as exc:
                around.directory_error = exc
            else:
                await cache.remember(list(fetched.values()), now)
                around.contacts.update(fetched)
    return around


def _people(claimed: Sequence[Claimed], around: Surroundings) -> list[str]:
    people: set[str] = set()
    for c in claimed:
        if not c.delivery.recipient_id.startswith(program_channel("")):
            people.add(c.delivery.recipient_id)
        people |= people_of(c)
        people |= set(around.members(c))
    return sorted(people)
