"""Check-ins (a meeting or an asynchronous one) and the feedback that follows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from tandem_engagement.domain.errors import Conflict, InvalidInput, NotFound
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import CheckInLogged, FeedbackGiven

Mode = Literal["video", "in_person", "call", "chat"]
MAX_TOPICS = 10
TOPIC_MAX = 40


@dataclass(frozen=True)
class CheckInDraft:
    """What a member logs; ``sealed_notes`` is already sealed with the author's key."""

    check_in_id: str
    met_on: date
    duration_minutes: int
    mode: Mode
    asynchronous: bool
    topics: tuple[str, ...]
    felt: int
    sealed_notes: str | None
    notes_shared: bool


def check_score(value: int, field: str) -> None:
    """Scores (how it felt, usefulness, pulse answers) are 1 to 5."""
    if not 1 <= value <= 5:
        raise InvalidInput(f"{field} is 1 to 5", field=field)


def check_date(state: Workspace, met_on: date, actor: str, now: datetime) -> None:
    """Not in the future and not before the pair existed, in the member's own timezone."""
    if met_on > state.local_date(actor, now):
        raise InvalidInput("a check-in cannot be dated in the future", field="met_on")
    opened = state.opened_at
    if opened is not None and met_on < state.local_date(actor, opened):
        raise InvalidInput("a check-in cannot predate the pair", field="met_on")


def topics_of(raw: tuple[str, ...]) -> tuple[str, ...]:
    """Topics as short lowercase tags, each once."""
    tags = tuple(dict.fromkeys(t.strip().lower() for t in raw if t.strip()))
    if len(tags) > MAX_TOPICS or any(len(t) > TOPIC_MAX for t in tags):
        raise InvalidInput("at most 10 topics of 40 characters", field="topics")
    return tags


def log_check_in(
    state: Workspace, draft: CheckInDraft, *, actor: str, now: datetime
) -> list[DomainEvent]:
    """Log a check-in for the pair."""
    state.check_member(actor)
    state.check_open()
    if draft.check_in_id in state.check_ins:
        raise Conflict("that check-in is already logged", field="check_in_id")
    check_score(draft.felt, "felt")
    if not 1 <= draft.duration_minutes <= 600:
        raise InvalidInput("duration is 1 to 600 minutes", field="duration_minutes")
    check_date(state, draft.met_on, actor, now)
    return [
        CheckInLogged(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            check_in_id=draft.check_in_id,
            met_on=draft.met_on,
            duration_minutes=draft.duration_minutes,
            mode=draft.mode,
            notes=draft.sealed_notes,
            asynchronous=draft.asynchronous,
            topics=topics_of(draft.topics),
            felt=draft.felt,
            notes_shared=draft.notes_shared,
        )
    ]


def give_feedback(
    state: Workspace,
    *,
    feedback_id: str,
    check_in_id: str,
    to_person_id: str,
    helpfulness: int,
    kind: Literal["appreciation", "suggestion"],
    sealed_text: str | None,
    actor: str,
    now: datetime,
) -> list[DomainEvent]:
    """Give a partner feedback on a check-in, once per check-in and giver."""
    state.check_member(actor)
    state.check_open()
    if check_in_id not in state.check_ins:
        raise NotFound("no such check-in in this workspace", field="check_in_id")
    if to_person_id not in state.partner_of(actor):
        raise InvalidInput("feedback goes to a partner in this pair", field="to_person_id")
    if (check_in_id, actor) in state.feedback_given:
        raise Conflict("feedback on that check-in was already given", field="check_in_id")
    check_score(helpfulness, "helpfulness")
    return [
        FeedbackGiven(
            occurred_at=now,
            actor_id=actor,
            pair_id=state.pair_id,
            feedback_id=feedback_id,
            to_person_id=to_person_id,
            helpfulness=helpfulness,
            kind=kind,
            text=sealed_text,
            check_in_id=check_in_id,
        )
    ]
