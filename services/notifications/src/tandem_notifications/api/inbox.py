"""The participant's in-app inbox: list, unread count, mark read."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.api.deps import Commands
from tandem_notifications.api.schemas import Done, InboxItem, Unread
from tandem_notifications.handlers import people
from tandem_service.api import IdempotencyKey, Participant, Reads
from tandem_service.commands import run_command

router = APIRouter(prefix="/inbox", tags=["inbox"])


@router.get("", response_model=list[InboxItem])
async def list_inbox(
    caller: Participant,
    pool: Reads,
    unread_only: bool = False,
    limit: int = Query(default=50, ge=1, le=200),
) -> list[InboxItem]:
    """Your newest in-app notifications."""
    async with pool.acquire() as conn:
        entries = await PostgresBook(conn).inbox(caller.subject, limit, unread_only)
    return [InboxItem(**{k: v for k, v in e.__dict__.items() if k != "person_id"}) for e in entries]


@router.get("/unread", response_model=Unread)
async def unread(caller: Participant, pool: Reads) -> Unread:
    """How many of your in-app notifications are unread."""
    async with pool.acquire() as conn:
        return Unread(unread=await PostgresBook(conn).unread(caller.subject))


@router.post("/{notification_id}/read", status_code=204)
async def mark_read(
    notification_id: uuid.UUID, caller: Participant, commands: Commands, command: IdempotencyKey
) -> Response:
    """Mark one of your notifications read (again is fine)."""
    read = str(notification_id)
    await run_command(
        commands, command, lambda c: people.mark_read(c, caller.subject, read), Done.of
    )
    return Response(status_code=204)
