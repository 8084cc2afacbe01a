"""A person's own commands: preferences, and unsubscribing through an emailed link."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.postgres import PostgresChoices
from tandem_notifications.domain import unsubscribe
from tandem_notifications.domain.preferences import PersonChoices


async def choices_of(pool: asyncpg.Pool, person_id: str) -> PersonChoices:
    """The person's choices (the defaults when they made none)."""
    async with pool.acquire() as conn:
        return (await reads.choices(conn, [person_id])).get(person_id, PersonChoices())


async def set_choices(
    pool: asyncpg.Pool, person_id: str, choices: PersonChoices, now: datetime
) -> None:
    """Replace the person's choices; they apply to the next delivery, already scheduled or not."""
    await PostgresChoices(pool).save_person(person_id, choices, now)


async def unsubscribe_by_link(pool: asyncpg.Pool, secret: bytes, token: str, now: datetime) -> str:
    """Honour an unsubscribe link at once; returns the person it named."""
    person_id = unsubscribe.read(secret, token, now)
    await PostgresChoices(pool).unsubscribe_email(person_id, now)
    return person_id
