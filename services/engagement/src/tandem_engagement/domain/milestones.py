"""Milestones, each detected once from the pair's own events (and the days it has lasted)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tandem_engagement.domain.folding import milestone_key
from tandem_engagement.domain.workspace import Workspace
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import MilestoneReached

STREAKS = (4, 8, 12)
DAYS_TOGETHER = (30, 90, 180)
# A meeting keeps the streak when it comes within the cadence plus half of it again.
GRACE = 1.5


def longest_streak(state: Workspace) -> int:
    """The longest run of meetings, each within the agreed cadence (plus grace) of the last."""
    if state.cadence is None:
        return 0
    allowed = timedelta(days=int(state.cadence.every_days * GRACE))
    best = run = 0
    previous: date | None = None
    for met_on in state.meetings():
        if previous is not None and met_on == previous:
            continue  # two logs of one day's meeting count once
        run = run + 1 if previous is not None and met_on - previous <= allowed else 1
        best, previous = max(best, run), met_on
    return best


def _candidates(state: Workspace, today: date) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    if state.cadence is not None:
        found.append(("cadence_agreed", None))
    if state.check_ins:
        found.append(("first_check_in", None))
    streak = longest_streak(state)
    found += [("streak", n) for n in STREAKS if streak >= n]
    if any(g.status == "completed" for g in state.goals.values()):
        found.append(("first_goal_completed", None))
    if state.opened_on is not None and not state.closed:
        together = (today - state.opened_on).days
        found += [("days_together", n) for n in DAYS_TOGETHER if together >= n]
    return found


def detect(state: Workspace, now: datetime) -> list[DomainEvent]:
    """Milestones the workspace has reached and not yet recorded."""
    if not state.pair_id:
        return []
    return [
        MilestoneReached(
            occurred_at=now,
            actor_id="engagement",
            pair_id=state.pair_id,
            milestone=kind,
            count=count,
            reached_on=now.date(),
        )
        for kind, count in _candidates(state, now.date())
        if milestone_key(kind, count) not in state.milestones
    ]


def next_anniversary(state: Workspace, today: date) -> date | None:
    """The next days-together milestone still ahead, if any."""
    if state.opened_on is None or state.closed:
        return None
    ahead = [state.opened_on + timedelta(days=n) for n in DAYS_TOGETHER]
    return min((d for d in ahead if d > today), default=None)
