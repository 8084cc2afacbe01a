"""A generated, deterministic history of an organisation's mentorship programs.

Feeds the tests (whose expected figures are computed from these events independently of
the views), the benchmark (a 100,000-person year) and the dashboard's demo data.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CadenceAgreed,
    CheckInLogged,
    FeedbackGiven,
    GoalCompleted,
    GoalSet,
    MilestoneReached,
    PairHealth,
    PairHealthChanged,
    PulseSubmitted,
)
from tandem_events.catalog.matching import (
    MatchingPolicy,
    MatchRoundCompleted,
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantLeftUnmatched,
    ParticipantProfile,
    ParticipantWithdrew,
    ProgramAdminAdded,
    ProgramAdminRemoved,
    ProgramLaunched,
)

SEALED = "sealed:v1:p:AAAA"
ZONES = ("Europe/Paris", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
END_REASONS = ("completed", "withdrawal", "rematch")


@dataclass(frozen=True)
class HistoryShape:
    """How big the organisation is and how long the history runs."""

    people: int = 400
    programs: int = 2
    months: int = 8
    seed: int = 7
    start: datetime = datetime(2026, 1, 5, 9, tzinfo=UTC)
    # The last department is tiny on purpose: its groups fall under the k-anonymity floor.
    departments: tuple[str, ...] = ("Engineering", "Sales", "Finance", "Design", "Legal")
    weights: tuple[float, ...] = (0.4, 0.25, 0.2, 0.145, 0.005)
    mean_pair_days: float = 150.0

    @property
    def horizon(self) -> datetime:
        """When the history stops."""
        return self.start + timedelta(days=30 * self.months)


@dataclass
class _Person:
    person_id: str
    department: str
    level: int
    zone: str
    enrolled: dict[str, datetime] = field(default_factory=dict)
    withdrawn: set[str] = field(default_factory=set)
    busy_until: datetime | None = None


def generate(shape: HistoryShape) -> list[DomainEvent]:
    """Every event of the history, in the order they happened."""
    rng = random.Random(shape.seed)  # noqa: S311 - synthetic data, not a secret
    events = list(_history(shape, rng))
    events.sort(key=lambda e: e.occurred_at)
    return [e for e in events if e.occurred_at <= shape.horizon]


def _history(shape: HistoryShape, rng: random.Random) -> Iterator[DomainEvent]:
    programs = [f"program-{p}" for p in range(shape.programs)]
    for i, program_id in enumerate(programs):
        yield ProgramLaunched(
            occurred_at=shape.start + timedelta(hours=i),
            actor_id=f"admin-{i + 1}",
            program_id=program_id,
            name=f"Peer program {i + 1}",
            purpose="growth",
            starts_on=shape.start.date(),
            suggested_cadence_days=14,
            policy=MatchingPolicy(),
        )
        yield from _co_admins(shape, i, program_id)
    people = [
        _Person(
            f"person-{n}",
            rng.choices(shape.departments, shape.weights)[0],
            rng.randint(1, 6),
            rng.choice(ZONES),
        )
        for n in range(shape.people)
    ]
    enrol_window = max(1, 30 * (shape.months - 2))
    for n, person in enumerate(people):
        joins = [programs[n % len(programs)]]
        if rng.random() < 0.1 and len(programs) > 1:
            joins.append(programs[(n + 1) % len(programs)])
        for program_id in joins:
            at = shape.start + timedelta(days=rng.uniform(0, enrol_window), hours=1)
            person.enrolled[program_id] = at
            yield ParticipantEnrolled(
                occurred_at=at,
                actor_id=person.person_id,
                program_id=program_id,
                person_id=person.person_id,
                level=person.level,
                department=person.department,
                profile=ParticipantProfile(timezone=person.zone),
            )
    pair_count = 0
    for month in range(1, shape.months):
        at = shape.start + timedelta(days=30 * month)
        for program_id in programs:
            pool = [
                p
                for p in people
                if p.enrolled.get(program_id, at) < at
                and program_id not in p.withdrawn
                and (p.busy_until is None or p.busy_until < at)
            ]
            rng.shuffle(pool)
            unmatched = {p.person_id: "no_compatible_peer" for p in pool[:1] if len(pool) > 20}
            pool = pool[len(unmatched) :]
            groups = [pool[i : i + 2] for i in range(0, len(pool) - 1, 2)]
            if len(pool) % 2:
                unmatched[pool[-1].person_id] = "odd_one_out"
            for members in groups:
                pair_count += 1
                yield from _pair(shape, rng, program_id, f"pair-{pair_count}", members, at)
            round_id, done_at = f"{program_id}-round-{month}", at + timedelta(seconds=1)
            yield MatchRoundCompleted(
                occurred_at=done_at,
                actor_id="admin-1",
                program_id=program_id,
                round_id=round_id,
                pairs=len(groups),
                triads=0,
                people_matched=2 * len(groups),
                unmatched=dict(Counter(unmatched.values())),
                total_score=float(len(groups)),
                exact=True,
            )
            for person_id, reason in unmatched.items():
                yield ParticipantLeftUnmatched(
                    occurred_at=done_at,
                    actor_id="admin-1",
                    program_id=program_id,
                    round_id=round_id,
                    person_id=person_id,
                    reason=reason,
                )


def _co_admins(shape: HistoryShape, i: int, program_id: str) -> Iterator[DomainEvent]:
    # Each program gets a co-admin; another is added and later removed again.
    at = shape.start + timedelta(days=1, hours=i)
    owner = f"admin-{i + 1}"
    for person_id in (f"coadmin-{i}", f"ex-coadmin-{i}"):
        yield ProgramAdminAdded(
            occurred_at=at, actor_id=owner, program_id=program_id, person_id=person_id
        )
    yield ProgramAdminRemoved(
        occurred_at=at + timedelta(days=30),
        actor_id=owner,
        program_id=program_id,
        person_id=f"ex-coadmin-{i}",
    )


def _pair(
    shape: HistoryShape,
    rng: random.Random,
    program_id: str,
    pair_id: str,
    members: list[_Person],
    at: datetime,
) -> Iterator[DomainEvent]:
    ids = tuple(p.person_id for p in members)
    yield PairCreated(
        occurred_at=at,
        actor_id="admin-1",
        pair_id=pair_id,
        program_id=program_id,
        member_ids=ids,
        score=1.0,
    )
    end = at + timedelta(days=rng.expovariate(1 / shape.mean_pair_days))
    for person in members:
        person.busy_until = end
    every = rng.choice((7, 14, 21))
    agreed = at + timedelta(days=rng.uniform(0.5, 5))
    common = {"pair_id": pair_id}
    yield CadenceAgreed(
        occurred_at=agreed,
        actor_id=ids[0],
        every_days=every,
        meeting_minutes=30,
        agreed_by=ids,
        **common,
    )
    yield MilestoneReached(
        occurred_at=agreed,
        actor_id="system",
        milestone="cadence_agreed",
        reached_on=agreed.date(),
        **common,
    )
    yield from _meetings(rng, pair_id, ids, agreed, min(end, shape.horizon), every)
    for g in range(rng.randint(0, 2)):
        goal_id = f"{pair_id}-goal-{g}"
        set_at = at + timedelta(days=rng.uniform(1, 14))
        yield GoalSet(
            occurred_at=set_at,
            actor_id=ids[0],
            goal_id=goal_id,
            owner_id=ids[0],
            category="skills",
            title=SEALED,
            **common,
        )
        if rng.random() < 0.5:
            yield GoalCompleted(
                occurred_at=set_at + timedelta(days=rng.uniform(10, 90)),
                actor_id=ids[0],
                goal_id=goal_id,
                **common,
            )
    if end - at >= timedelta(days=90):
        yield MilestoneReached(
            occurred_at=at + timedelta(days=90),
            actor_id="system",
            milestone="days_together",
            count=90,
            reached_on=(at + timedelta(days=90)).date(),
            **common,
        )
    if end <= shape.horizon:
        reason = rng.choice(END_REASONS)
        yield PairEnded(
            occurred_at=end,
            actor_id="admin-1",
            pair_id=pair_id,
            program_id=program_id,
            member_ids=ids,
            reason=reason,
        )
        if reason == "withdrawal":
            members[0].withdrawn.add(program_id)
            yield ParticipantWithdrew(
                occurred_at=end - timedelta(seconds=1),
                actor_id=ids[0],
                program_id=program_id,
                person_id=ids[0],
            )


def _meetings(
    rng: random.Random,
    pair_id: str,
    ids: tuple[str, ...],
    agreed: datetime,
    until: datetime,
    every: int,
) -> Iterator[DomainEvent]:
    day, n, health = agreed + timedelta(days=every), 0, None
    while day < until:
        if rng.random() < 0.75:
            n += 1
            met_on = day.date()
            yield CheckInLogged(
                occurred_at=day,
                actor_id=ids[0],
                pair_id=pair_id,
                check_in_id=f"{pair_id}-ci-{n}",
                met_on=met_on,
                duration_minutes=30,
            )
            if n == 1:
                yield MilestoneReached(
                    occurred_at=day,
                    actor_id="system",
                    pair_id=pair_id,
                    milestone="first_check_in",
                    reached_on=met_on,
                )
            if n in (4, 8):
                yield MilestoneReached(
                    occurred_at=day,
                    actor_id="system",
                    pair_id=pair_id,
                    milestone="streak",
                    count=n,
                    reached_on=met_on,
                )
            if rng.random() < 0.3:
                yield FeedbackGiven(
                    occurred_at=day + timedelta(hours=2),
                    actor_id=ids[0],
                    pair_id=pair_id,
                    feedback_id=f"{pair_id}-fb-{n}",
                    to_person_id=ids[1],
                    helpfulness=rng.randint(1, 5),
                    kind="general",
                )
        for person in ids:
            if rng.random() < 0.25:
                yield PulseSubmitted(
                    occurred_at=day + timedelta(hours=3),
                    actor_id=person,
                    pair_id=pair_id,
                    stress=rng.randint(1, 5),
                    belonging=rng.randint(1, 5),
                    confidence=rng.randint(1, 5),
                )
        current: PairHealth = rng.choice(("thriving", "steady", "steady", "at_risk"))
        if current != health and rng.random() < 0.3:
            yield PairHealthChanged(
                occurred_at=day + timedelta(hours=4),
                actor_id="system",
                pair_id=pair_id,
                previous=health,
                current=current,
            )
            health = current
        day += timedelta(days=every + rng.uniform(-2, 2))
