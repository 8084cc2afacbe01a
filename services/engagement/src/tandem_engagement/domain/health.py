"""Pair health: an explicit state machine over check-in recency, usefulness and pulses.

States, best to worst: ``thriving`` (cadence kept and found useful), ``steady``,
``at_risk`` (overdue, low usefulness, strained pulse, no cadence yet) and ``stalled``
(silent for three cadences). The worst condition that holds decides the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import fmean

from tandem_engagement.domain.milestones import detect, longest_streak, next_anniversary
from tandem_engagement.domain.pulse import HIGH_STRESS, invite, next_invitation
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import PairHealth, PairHealthChanged

DEFAULT_EVERY_DAYS = 14  # until a cadence is agreed
AT_RISK_AFTER = 1.5  # cadences without a check-in
STALLED_AFTER = 3.0
CADENCE_GRACE_DAYS = 21  # to agree a cadence after the pair opened
LOW_USEFULNESS = 2.5  # mean of the latest ratings at or below this
THRIVING_STREAK = 3
THRIVING_USEFULNESS = 4.0
SEVERITY: dict[PairHealth, int] = {"thriving": 0, "steady": 1, "at_risk": 2, "stalled": 3}


@dataclass(frozen=True)
class Assessment:
    """A health state and the reasons that put the pair there."""

    state: PairHealth
    reasons: tuple[str, ...]


def _every(state: Workspace) -> int:
    return state.cadence.every_days if state.cadence else DEFAULT_EVERY_DAYS


def assess(state: Workspace, now: datetime) -> Assessment:
    """The pair's health at ``now``."""
    today = now.date()
    every = _every(state)
    last = state.last_check_in() or state.opened_on or today
    silent = (today - last).days
    found: list[tuple[PairHealth, str]] = []
    if silent > STALLED_AFTER * every:
        found.append(("stalled", "no_check_in_for_three_cadences"))
    elif silent > AT_RISK_AFTER * every:
        found.append(("at_risk", "check_in_overdue"))
    opened = state.opened_on or today
    if state.cadence is None and (today - opened).days > CADENCE_GRACE_DAYS:
        found.append(("at_risk", "no_cadence_agreed"))
    if len(state.usefulness) >= 2 and fmean(state.usefulness) <= LOW_USEFULNESS:
        found.append(("at_risk", "low_usefulness"))
    if any(s >= HIGH_STRESS for s in state.stress.values()):
        found.append(("at_risk", "strained_pulse"))
    if found:
        worst = max((s for s, _ in found), key=SEVERITY.__getitem__)
        return Assessment(worst, tuple(reason for _, reason in found))
    useful = not state.usefulness or fmean(state.usefulness) >= THRIVING_USEFULNESS
    if state.cadence is not None and longest_streak(state) >= THRIVING_STREAK and useful:
        return Assessment("thriving", ("cadence_kept", "found_useful"))
    return Assessment("steady", ("on_track",))


def transition(state: Workspace, now: datetime) -> list[DomainEvent]:
    """A PairHealthChanged when the assessed state differs from the recorded one."""
    if not state.pair_id or state.closed:
        return []
    assessment = assess(state, now)
    if assessment.state == state.health:
        return []
    return [
        PairHealthChanged(
            occurred_at=now,
            actor_id="engagement",
            pair_id=state.pair_id,
            previous=state.health,
            current=assessment.state,
            reasons=assessment.reasons,
        )
    ]


def next_review(state: Workspace, now: datetime) -> datetime | None:
    """When time alone could next change the health, reach a milestone or invite a pulse."""
    if not state.pair_id or state.closed:
        return None
    today = now.date()
    every = _every(state)
    last = state.last_check_in() or state.opened_on or today
    opened = state.opened_on or today
    ahead: list[date] = [
        last + timedelta(days=int(AT_RISK_AFTER * every) + 1),
        last + timedelta(days=int(STALLED_AFTER * every) + 1),
    ]
    if state.cadence is None:
        ahead.append(opened + timedelta(days=CADENCE_GRACE_DAYS + 1))
    ahead += [d for d in (next_anniversary(state, today), next_invitation(state)) if d]
    upcoming = [d for d in ahead if d > today]
    return datetime.combine(min(upcoming), time(), UTC) if upcoming else None


def follow_ups(state: Workspace, now: datetime) -> list[DomainEvent]:
    """What the pair's new state implies: milestones, a pulse invitation, a health change."""
    return [*detect(state, now), *invite(state, now), *transition(state, now)]
