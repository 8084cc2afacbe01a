"""The pair workspace: what a pair has agreed, logged and reached, folded from its events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tandem_engagement.domain.errors import Conflict, Forbidden, PairNotYetKnown
from tandem_events.catalog.engagement import PairHealth, TimeOfDay, Weekday

GoalStatus = Literal["open", "completed", "dropped"]
EMPTY: Mapping[str, str] = MappingProxyType({})


def zone_of(name: str) -> ZoneInfo:
    """The named timezone, UTC when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def workspace_stream(pair_id: str) -> str:
    """The event stream of one pair's workspace."""
    return f"workspace-{pair_id}"


@dataclass(frozen=True)
class CadenceTerms:
    """How often, how long and when a pair meets (times in each member's own timezone)."""

    every_days: int
    meeting_minutes: int
    time_of_day: TimeOfDay = "any"
    weekday: Weekday | None = None


@dataclass(frozen=True)
class Proposal:
    """Cadence terms one member put forward, waiting for the other."""

    proposal_id: str
    proposed_by: str
    terms: CadenceTerms


@dataclass(frozen=True)
class Goal:
    """A goal's owner and where it stands (its title is sealed, held only in the events)."""

    goal_id: str
    owner_id: str
    shared: bool
    status: GoalStatus = "open"
    progress_percent: int = 0


@dataclass(frozen=True)
class CheckIn:
    """A logged check-in: who logged it, when the pair met and how it felt."""

    check_in_id: str
    author_id: str
    met_on: date
    asynchronous: bool
    felt: int | None


@dataclass(frozen=True)
class Workspace:
    """A pair's workspace as its events left it."""

    pair_id: str = ""
    program_id: str = ""
    member_ids: tuple[str, ...] = ()
    purpose: str = ""
    timezones: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    opened_on: date | None = None
    opened_at: datetime | None = None
    closed: bool = False
    proposal: Proposal | None = None
    cadence: CadenceTerms | None = None
    cadence_agreed_on: date | None = None
    goals: Mapping[str, Goal] = field(default_factory=dict)
    check_ins: Mapping[str, CheckIn] = field(default_factory=dict)
    feedback_given: frozenset[tuple[str, str]] = frozenset()  # (check-in, giver)
    usefulness: tuple[int, ...] = ()  # latest ratings last
    stress: Mapping[str, int] = field(default_factory=dict)  # each member's latest pulse
    milestones: frozenset[str] = frozenset()
    health: PairHealth | None = None
    pulse_invitations: int = 0  # the latest monthly pulse round invited

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Workspace:
        """A workspace from a value for every field, without the dataclass ``__init__``.

        Sweeps build a hundred thousand of these, and the frozen ``__init__`` (one
        ``object.__setattr__`` per field) was 16 us of each: eight times this.
        """
        if values.keys() != _FIELDS:
            raise TypeError(f"a workspace takes exactly these fields: {sorted(_FIELDS)}")
        state = object.__new__(cls)
        state.__dict__.update(values)
        return state

    def check_known(self) -> None:
        """Refuse commands until the pair's workspace exists (matching may be ahead)."""
        if not self.pair_id:
            raise PairNotYetKnown("this pair's workspace has not opened yet; retry shortly")

    def check_member(self, person_id: str) -> None:
        """Only the pair's members act in and read its workspace."""
        self.check_known()
        if person_id not in self.member_ids:
            raise Forbidden("only the pair's members may use its workspace")

    def check_open(self) -> None:
        """An ended pair's workspace is read-only."""
        if self.closed:
            raise Conflict(f"pair {self.pair_id} has ended; its workspace is read-only")

    def local_date(self, person_id: str, moment: datetime) -> date:
        """The calendar date of ``moment`` in the member's own timezone."""
        return moment.astimezone(zone_of(self.timezones.get(person_id, "UTC"))).date()

    def partner_of(self, person_id: str) -> tuple[str, ...]:
        """The other member(s) of the pair."""
        return tuple(m for m in self.member_ids if m != person_id)

    def meetings(self) -> list[date]:
        """Dates of synchronous meetings since the cadence was agreed, oldest first."""
        since = self.cadence_agreed_on
        return sorted(
            c.met_on
            for c in self.check_ins.values()
            if not c.asynchronous and (since is None or c.met_on >= since)
        )

    def last_check_in(self) -> date | None:
        """The most recent date the pair checked in (meeting or asynchronous)."""
        return max((c.met_on for c in self.check_ins.values()), default=None)

    def with_goal(self, goal: Goal) -> Workspace:
        """A copy with ``goal`` added or replaced."""
        return replace(self, goals={**self.goals, goal.goal_id: goal})


_FIELDS = frozenset(f.name for f in fields(Workspace))
