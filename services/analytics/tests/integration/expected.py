"""The figures the views must show, computed from the events in plain Python.

Written from the definitions in docs/analytics.md, independently of the SQL: no shared code
with the views, so a wrong view and a right expectation cannot agree by accident.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tandem_analytics.domain.categories import unmatched_reason
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.engagement import (
    CadenceAgreed,
    CheckInLogged,
    FeedbackGiven,
    GoalCompleted,
    GoalSet,
    MilestoneReached,
    PairHealthChanged,
    PulseSubmitted,
)
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantLeftUnmatched,
    ParticipantWithdrew,
)

K = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def month_of(at: datetime | date) -> date:
    """The first day of the UTC month of ``at``."""
    if isinstance(at, datetime):
        at = at.astimezone(UTC).date()
    return date(at.year, at.month, 1)


def next_month(m: date) -> date:
    return date(m.year + m.month // 12, m.month % 12 + 1, 1)


def midnight(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


@dataclass
class Pair:
    pair_id: str
    program_id: str
    members: tuple[str, ...]
    created: datetime
    ended: datetime | None = None
    reason: str | None = None


@dataclass
class Facts:
    """The history, indexed the way the definitions talk about it."""

    events: list[DomainEvent]
    pairs: dict[str, Pair] = field(default_factory=dict)
    groups: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    as_of: datetime = EPOCH

    def __post_init__(self) -> None:
        enrolled: dict[tuple[str, str], tuple[datetime, dict[str, str]]] = {}
        times: list[datetime] = []
        for e in self.events:
            if isinstance(e, PairCreated):
                self.pairs[e.pair_id] = Pair(e.pair_id, e.program_id, e.member_ids, e.occurred_at)
                times.append(e.occurred_at)
            elif isinstance(e, ParticipantEnrolled):
                key = (e.program_id, e.person_id)
                region = e.profile.timezone.split("/")[0]
                group = {"department": e.department, "level": str(e.level), "location": region}
                if key not in enrolled or enrolled[key][0] < e.occurred_at:
                    enrolled[key] = (e.occurred_at, group)
                times.append(e.occurred_at)
            elif isinstance(e, CheckInLogged):
                times.append(midnight(e.met_on))
        for e in self.events:
            if isinstance(e, PairEnded):
                pair = self.pairs[e.pair_id]
                if pair.ended is None or e.occurred_at < pair.ended:
                    pair.ended, pair.reason = e.occurred_at, e.reason
                times.append(e.occurred_at)
        self.groups = {k: v[1] for k, v in enrolled.items()}
        self.as_of = max(times)

    def of(self, kind: type[DomainEvent]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def group(self, program_id: str, person: str, dimension: str) -> str:
        if dimension == "all":
            return "all"
        return self.groups.get((program_id, person), {}).get(dimension, "unknown")

    def months(self, program_id: str) -> list[date]:
        firsts = [p.created for p in self.pairs.values() if p.program_id == program_id]
        firsts += [
            e.occurred_at for e in self.of(ParticipantEnrolled) if e.program_id == program_id
        ]
        m, out = month_of(min(firsts)), []
        while m <= month_of(self.as_of):
            out.append(m)
            m = next_month(m)
        return out


def suppress(cells: dict[Any, int], exempt: bool = False) -> dict[Any, int | None]:
    """Counts of people: under 5 hidden; if the hidden add up to 1..4, the smallest shown too."""
    hidden = sum(c for c in cells.values() if c < K)
    shown = [c for c in cells.values() if c >= K]
    smallest = min(shown) if shown else None
    out: dict[Any, int | None] = {}
    for key, c in cells.items():
        complementary = not exempt and 1 <= hidden <= 4 and c == smallest
        out[key] = None if c < K or complementary else c
    return out


def participation_monthly(f: Facts) -> dict[tuple[Any, ...], int | None]:
    people: dict[tuple[Any, ...], set[str]] = defaultdict(set)

    def add(program_id: str, person: str, at: datetime, measure: str) -> None:
        for dim in ("all", "department", "level", "location"):
            key = (program_id, month_of(at), dim, f.group(program_id, person, dim), measure)
            people[key].add(person)

    for e in f.of(ParticipantEnrolled):
        add(e.program_id, e.person_id, e.occurred_at, "enrolled")
    first: dict[tuple[str, str], datetime] = {}
    for p in f.pairs.values():
        for m in p.members:
            k = (p.program_id, m)
            first[k] = min(first.get(k, p.created), p.created)
    for (program_id, person), at in first.items():
        add(program_id, person, at, "matched")
    for u in f.of(ParticipantLeftUnmatched):
        add(u.program_id, u.person_id, u.occurred_at, "unmatched")
    for w in f.of(ParticipantWithdrew):
        add(w.program_id, w.person_id, w.occurred_at, "withdrawn")
    partitions: dict[tuple[Any, ...], dict[tuple[Any, ...], int]] = defaultdict(dict)
    for key, who in people.items():
        program_id, month, dim, _, measure = key
        partitions[(program_id, month, dim, measure)][key] = len(who)
    out: dict[tuple[Any, ...], int | None] = {}
    for (_, _, dim, _), cells in partitions.items():
        out.update(suppress(cells, exempt=dim == "all"))
    return out


def engagement_monthly(f: Facts) -> dict[tuple[str, date], dict[str, Any]]:
    cadence: dict[str, tuple[datetime, int]] = {}
    for c in f.of(CadenceAgreed):
        if c.pair_id not in cadence or cadence[c.pair_id][0] < c.occurred_at:
            cadence[c.pair_id] = (c.occurred_at, c.every_days)
    met: dict[tuple[str, date], int] = defaultdict(int)
    for ci in f.of(CheckInLogged):
        met[(ci.pair_id, month_of(ci.met_on))] += 1
    out: dict[tuple[str, date], dict[str, Any]] = {}
    programs = {p.program_id for p in f.pairs.values()}
    for program_id in programs:
        for m in f.months(program_id):
            start, end = midnight(m), midnight(next_month(m))
            active = [
                p
                for p in f.pairs.values()
                if p.program_id == program_id
                and p.created < end
                and (p.ended is None or p.ended >= start)
            ]
            if not active:
                continue
            people = {x for p in active for x in p.members}
            check_ins = sum(met[(p.pair_id, m)] for p in active)
            kept = expected = 0.0
            for p in active:
                if p.pair_id not in cadence:
                    continue
                agreed, every = cadence[p.pair_id]
                begin = max(start, p.created, agreed)
                stop = min(end, p.ended or end, f.as_of)
                if stop > begin:
                    due = (stop - begin).total_seconds() / 86400 / every
                    expected += due
                    kept += min(met[(p.pair_id, m)], due)
            out[(program_id, m)] = {
                "pairs_active": len(active),
                "people": len(people),
                "check_ins": check_ins,
                "cadence_kept": kept / expected if expected else None,
            }
    for program_id, m in list(out):
        row = out[(program_id, m)]
        pair_ids = {p.pair_id for p in f.pairs.values() if p.program_id == program_id}
        row["goals_set"] = sum(
            1 for g in f.of(GoalSet) if g.pair_id in pair_ids and month_of(g.occurred_at) == m
        )
        done = {}
        for g in f.of(GoalCompleted):
            if g.pair_id in pair_ids:
                done[g.goal_id] = min(done.get(g.goal_id, g.occurred_at), g.occurred_at)
        row["goals_completed"] = sum(1 for at in done.values() if month_of(at) == m)
        given = [
            fb.helpfulness
            for fb in f.of(FeedbackGiven)
            if fb.pair_id in pair_ids and month_of(fb.occurred_at) == m
        ]
        row["feedback_given"] = len(given)
        row["avg_helpfulness"] = sum(given) / len(given) if given else None
        if row["people"] < K:
            out[(program_id, m)] = {k: None for k in row}
    return out


def survival(f: Facts) -> dict[tuple[str, int], tuple[int, float]]:
    """Kaplan-Meier per program: (program, day) -> (pairs at risk, S(day)), while >= 5 people."""
    out: dict[tuple[str, int], tuple[int, float]] = {}
    programs = {p.program_id for p in f.pairs.values()}
    for program_id in programs:
        spans = []
        for p in f.pairs.values():
            if p.program_id == program_id:
                stop = p.ended or f.as_of
                spans.append((math.floor((stop - p.created).total_seconds() / 86400), p))
        s = 1.0
        for day in sorted({d for d, p in spans if p.ended is not None} | {0}):
            at_risk = [p for d, p in spans if d >= day]
            ended = sum(1 for d, p in spans if d == day and p.ended is not None)
            if not at_risk:
                continue
            if day == 0 and ended == 0 and not any(d == 0 for d, _ in spans):
                continue
            s *= 1 - ended / len(at_risk)
            people = {m for p in at_risk for m in p.members}
            if len(people) >= K:
                out[(program_id, day)] = (len(at_risk), s)
    return out


def retention(f: Facts) -> dict[tuple[str, date], dict[str, Any]]:
    cohorts: dict[tuple[str, date], list[Pair]] = defaultdict(list)
    for p in f.pairs.values():
        cohorts[(p.program_id, month_of(p.created))].append(p)
    out: dict[tuple[str, date], dict[str, Any]] = {}
    for key, pairs in cohorts.items():
        people = {m for p in pairs for m in p.members}
        row: dict[str, Any] = {
            "pairs": len(pairs) if len(people) >= K else None,
            "people": len(people) if len(people) >= K else None,
        }
        for days in (30, 60, 90, 180):
            horizon = timedelta(days=days)
            seen = [p for p in pairs if p.created + horizon <= f.as_of]
            alive = [p for p in seen if p.ended is None or p.ended > p.created + horizon]
            seen_people = {m for p in seen for m in p.members}
            ok = seen and len(seen_people) >= K
            row[f"active_{days}"] = len(alive) / len(seen) if ok else None
        out[key] = row
    return out


def department_matrix(f: Facts) -> dict[tuple[str, str, str], int | None]:
    cells: dict[str, dict[tuple[str, str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for p in f.pairs.values():
        for i, a in enumerate(p.members):
            for b in p.members[i + 1 :]:
                da = f.group(p.program_id, a, "department")
                db = f.group(p.program_id, b, "department")
                key = (p.program_id, min(da, db), max(da, db))
                cells[p.program_id][key] |= {a, b}
    out: dict[tuple[str, str, str], int | None] = {}
    for program_cells in cells.values():
        out.update(suppress({k: len(v) for k, v in program_cells.items()}))
    return out


def health_monthly(f: Facts) -> dict[tuple[str, date, str], int | None]:
    changes: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for h in f.of(PairHealthChanged):
        changes[h.pair_id].append((h.occurred_at, h.current))
    out: dict[tuple[str, date, str], int | None] = {}
    for program_id in {p.program_id for p in f.pairs.values()}:
        for m in f.months(program_id):
            end = midnight(next_month(m))
            people: dict[str, set[str]] = defaultdict(set)
            for p in f.pairs.values():
                if p.program_id != program_id or p.created >= end:
                    continue
                if p.ended is not None and p.ended < end:
                    continue
                before = sorted(c for c in changes[p.pair_id] if c[0] < end)
                people[before[-1][1] if before else "unknown"] |= set(p.members)
            shown = suppress({k: len(v) for k, v in people.items()})
            out.update({(program_id, m, k): v for k, v in shown.items()})
    return out


Pulse = tuple[int, int, float, float, float]


def pulse_monthly(f: Facts) -> dict[tuple[str, date, str, str], Pulse | None]:
    """(program, month, dimension, group) -> (people, answers, average stress, belonging,
    confidence), or None if suppressed."""
    answers: dict[tuple[str, date, str, str], list[PulseSubmitted]] = defaultdict(list)
    for s in f.of(PulseSubmitted):
        program_id = f.pairs[s.pair_id].program_id
        m = month_of(s.occurred_at)
        answers[(program_id, m, "all", "all")].append(s)
        dept = f.group(program_id, s.actor_id, "department")
        answers[(program_id, m, "department", dept)].append(s)
    partitions: dict[tuple[Any, ...], dict[tuple[Any, ...], int]] = defaultdict(dict)
    for key, rows in answers.items():
        partitions[key[:3]][key] = len({s.actor_id for s in rows})
    out: dict[tuple[str, date, str, str], Pulse | None] = {}
    for (_, _, dim), cells in partitions.items():
        for key, people in suppress(cells, exempt=dim == "all").items():
            rows = answers[key]
            n = len(rows)
            out[key] = (
                None
                if people is None
                else (
                    people,
                    n,
                    sum(s.stress for s in rows) / n,
                    sum(s.belonging for s in rows) / n,
                    sum(s.confidence for s in rows) / n,
                )
            )
    return out


def _pairs_and_people(
    cells: dict[Any, tuple[set[str], set[str]]], partition: Callable[[Any], Any]
) -> dict[Any, tuple[int, int] | None]:
    """(pairs, people) per cell, suppressed on people within each partition of the cells."""
    partitions: dict[Any, dict[Any, int]] = defaultdict(dict)
    for key, (_, people) in cells.items():
        partitions[partition(key)][key] = len(people)
    out: dict[Any, tuple[int, int] | None] = {}
    for counts in partitions.values():
        for key, shown in suppress(counts).items():
            out[key] = None if shown is None else (len(cells[key][0]), shown)
    return out


def end_reasons(f: Facts) -> dict[tuple[str, str], tuple[int, int] | None]:
    """(program, reason) -> (pairs, people) of the pairs that ended, suppressed per program."""
    cells: dict[Any, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for p in f.pairs.values():
        if p.ended is not None and p.ended <= f.as_of:
            cells[(p.program_id, p.reason)][0].add(p.pair_id)
            cells[(p.program_id, p.reason)][1].update(p.members)
    return _pairs_and_people(cells, lambda key: key[0])


def milestones_monthly(f: Facts) -> dict[tuple[str, date, str], tuple[int, int] | None]:
    """(program, month, milestone) -> (pairs, people), suppressed per program and month."""
    first: dict[tuple[str, str, int], date] = {}
    for m in f.of(MilestoneReached):
        key = (m.pair_id, m.milestone, m.count or 0)
        first[key] = min(first.get(key, m.reached_on), m.reached_on)
    cells: dict[Any, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for (pair_id, milestone, _), reached in first.items():
        pair = f.pairs.get(pair_id)
        if pair is not None:
            cell = cells[(pair.program_id, month_of(reached), milestone)]
            cell[0].add(pair_id)
            cell[1].update(pair.members)
    return _pairs_and_people(cells, lambda key: key[:2])


def re_enrolment(f: Facts) -> dict[str, tuple[int | None, int | None]]:
    """program -> (people enrolled, people who enrolled more than once anywhere)."""
    enrolments: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    for e in f.of(ParticipantEnrolled):
        enrolments[e.person_id] += 1
        people[e.program_id].add(e.person_id)
    out: dict[str, tuple[int | None, int | None]] = {}
    for program_id, members in people.items():
        n = len(members)
        back = sum(1 for who in members if enrolments[who] > 1)
        small = n < K or 1 <= back < K or 1 <= n - back < K
        out[program_id] = (n if n >= K else None, None if small else back)
    return out


def unmatched_reasons(f: Facts) -> dict[tuple[str, date, str], int | None]:
    """(program, month, reason) -> people left unmatched, suppressed per program and month."""
    people: dict[tuple[str, date, str], set[str]] = defaultdict(set)
    for u in f.of(ParticipantLeftUnmatched):
        people[(u.program_id, month_of(u.occurred_at), unmatched_reason(u.reason))].add(u.person_id)
    partitions: dict[Any, dict[Any, int]] = defaultdict(dict)
    for key, who in people.items():
        partitions[key[:2]][key] = len(who)
    return {k: v for cells in partitions.values() for k, v in suppress(cells).items()}
