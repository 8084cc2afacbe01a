"""The participant's in-app inbox: list, unread count, mark read."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from tandem_notifications.adapters.postgres import PostgresBook
from tandem_notifications.api.deps import Wired
from tandem_notifications.api.schemas import InboxItem, Unread
from tandem_notifications.domain.errors import NotFound
from tandem_service.api import Participant, Reads

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
    notification_id: uuid.UUID, caller: Participant, pool: Reads, wiring: Wired
) -> Response:
    """Mark one of your notifications read (again is fine)."""
    async with pool.acquire() as conn:
        found = await PostgresBook(conn).mark_read(
            caller.subject, str(notification_id), wiring.clock()
        )
    if not found:
        raise NotFound(f"no notification {notification_id} in your inbox")
    return Response(status_code=204)
