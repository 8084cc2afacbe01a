"""A person's own commands: preferences, marking read, and unsubscribing by an emailed link."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from tandem_notifications.adapters import surroundings as reads
from tandem_notifications.adapters.postgres import PostgresChoices
from tandem_notifications.domain import unsubscribe
from tandem_notifications.domain.errors import NotFound
from tandem_notifications.domain.preferences import PersonChoices
from tandem_notifications.handlers.context import Context


async def choices_of(pool: asyncpg.Pool, person_id: str) -> PersonChoices:
    """The person's choices (the defaults when they made none)."""
    async with pool.acquire() as conn:
        return (await reads.choices(conn, [person_id])).get(person_id, PersonChoices())


async def set_choices(ctx: Context, person_id: str, choices: PersonChoices) -> PersonChoices:
    """Replace the person's choices; they apply to the next delivery, already scheduled or not."""
    async with ctx.transaction() as tx:
        await tx.tables.choices.save_person(person_id, choices, ctx.now())
    return choices


async def mark_read(ctx: Context, person_id: str, notification_id: str) -> None:
    """Mark one of the person's inbox entries read (again is fine)."""
    async with ctx.transaction() as tx:
        if not await tx.tables.book.mark_read(person_id, notification_id, ctx.now()):
            raise NotFound(f"no notification {notification_id} in your inbox")


async def unsubscribe_by_link(pool: asyncpg.Pool, secret: bytes, token: str, now: datetime) -> str:
    """Honour an unsubscribe link at once; returns the person it named."""
    person_id = unsubscribe.read(secret, token, now)
    await PostgresChoices(pool).unsubscribe_email(person_id, now)
    return person_id
