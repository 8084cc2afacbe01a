"""Your preferences, and the unsubscribe link that works without logging in."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse

from tandem_notifications.api.deps import Commands, Wired
from tandem_notifications.api.schemas import PreferencesBody
from tandem_notifications.domain.errors import NotificationError
from tandem_notifications.domain.preferences import PersonChoices, Preferences, Rhythm
from tandem_notifications.domain.timing import LocalHours
from tandem_notifications.handlers.people import choices_of, set_choices, unsubscribe_by_link
from tandem_service.api import IdempotencyKey, Participant, Reads, run

router = APIRouter(tags=["preferences"])


@router.get("/preferences", response_model=PreferencesBody)
async def get_preferences(caller: Participant, pool: Reads) -> PreferencesBody:
    """Your channels per kind and your hours."""
    return _body(await choices_of(pool, caller.subject))


@router.put("/preferences", response_model=PreferencesBody)
async def put_preferences(
    body: PreferencesBody, caller: Participant, commands: Commands, command: IdempotencyKey
) -> JSONResponse:
    """Replace your preferences; they apply to everything not yet sent."""
    choices = _choices(body)
    return await run(commands, command, lambda c: set_choices(c, caller.subject, choices), _body)


@router.get("/unsubscribe", response_class=HTMLResponse)
@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(pool: Reads, wiring: Wired, token: str = Query(max_length=1000)) -> str:
    """Stop all email at once, from the signed link in any email (no login needed)."""
    await unsubscribe_by_link(pool, wiring.unsubscribe_secret, token, wiring.clock())
    return (
        "<p>Done: Tandem will not email you any more. You can change this in your preferences.</p>"
    )


def _choices(body: PreferencesBody) -> PersonChoices:
    rhythm = Rhythm(
        body.timezone,
        body.work_start,
        body.work_end,
        body.quiet_start,
        body.quiet_end,
        frozenset(body.weekend),
    )
    try:
        LocalHours(
            rhythm.timezone or "UTC",
            rhythm.work_start,
            rhythm.work_end,
            rhythm.quiet_start,
            rhythm.quiet_end,
            rhythm.weekend,
        )
    except NotificationError as exc:
        raise type(exc)(exc.message, field="work_start") from None
    channels = {k: frozenset(v) for k, v in body.channels.items()}
    return PersonChoices(
        Preferences(channels, body.email_unsubscribed, body.share_celebrations), rhythm
    )


def _body(choices: PersonChoices) -> PreferencesBody:
    p, r = choices.preferences, choices.rhythm
    return PreferencesBody(
        channels={k: sorted(v) for k, v in p.channels.items()},
        email_unsubscribed=p.email_unsubscribed,
        share_celebrations=p.share_celebrations,
        timezone=r.timezone,
        work_start=r.work_start,
        work_end=r.work_end,
        quiet_start=r.quiet_start,
        quiet_end=r.quiet_end,
        weekend=sorted(r.weekend),
    )
