"""Workspaces built from events, and a clock the tests move by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce

from tandem_engagement.domain.cadence import agree, propose
from tandem_engagement.domain.checkins import CheckInDraft, log_check_in
from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.workspace import CadenceTerms, Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import WorkspaceOpened

OPENED = datetime(2026, 1, 5, 10, tzinfo=UTC)
SEALED = "sealed:v1:YW5h:AAAA"


@dataclass
class Clock:
    """A hand-moved clock."""

    now: datetime = OPENED

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def opened(pair_id: str = "p1", members: tuple[str, ...] = ("ana", "ben")) -> Workspace:
    event = WorkspaceOpened(
        occurred_at=OPENED,
        actor_id="engagement",
        pair_id=pair_id,
        program_id="prog",
        member_ids=members,
        purpose="onboarding",
        timezones={"ana": "Europe/Paris", "ben": "America/Los_Angeles"},
        opened_on=OPENED.date(),
    )
    return fold(Workspace(), event)


def fold_all(state: Workspace, events: Sequence[DomainEvent]) -> Workspace:
    return reduce(fold, events, state)


def with_cadence(state: Workspace, every_days: int, now: datetime) -> Workspace:
    terms = CadenceTerms(every_days, 30)
    state = fold_all(state, propose(state, terms, proposal_id="c1", actor="ana", now=now))
    return fold_all(state, agree(state, proposal_id="c1", actor="ben", now=now))


def draft(check_in_id: str, met_on: date, **changes: object) -> CheckInDraft:
    values: dict[str, object] = {
        "check_in_id": check_in_id,
        "met_on": met_on,
        "duration_minutes": 30,
        "mode": "video",
        "asynchronous": False,
        "topics": ("Career", "career ", "feedback"),
        "felt": 4,
        "sealed_notes": SEALED,
        "notes_shared": False,
    }
    values.update(changes)
    return CheckInDraft(**values)  # type: ignore[arg-type]  # test values of the right types


def met(state: Workspace, check_in_id: str, now: datetime, actor: str = "ana") -> Workspace:
    met_on = state.local_date(actor, now)
    return fold_all(state, log_check_in(state, draft(check_in_id, met_on), actor=actor, now=now))
