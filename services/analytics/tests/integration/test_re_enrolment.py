"""Re-enrolment: the returning people and the others are two groups, each shown only from 5."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tandem_events.catalog.matching import ParticipantEnrolled, ParticipantProfile

from .conftest import Analytics, envelopes

START = datetime(2026, 2, 2, 9, tzinfo=UTC)


def enrolled(program: str, people: list[str], day: int = 0) -> list[ParticipantEnrolled]:
    return [
        ParticipantEnrolled(
            occurred_at=START + timedelta(days=day, minutes=i),
            actor_id=person,
            program_id=program,
            person_id=person,
            level=3,
            department="Sales",
            profile=ParticipantProfile(timezone="Europe/Paris"),
        )
        for i, person in enumerate(people)
    ]


def test_a_returning_group_or_its_complement_of_one_to_four_people_is_hidden(
    start_analytics: Callable[..., Analytics],
) -> None:
    a = [f"a{i}" for i in range(10)]
    b = [f"b{i}" for i in range(10)]
    d = [f"d{i}" for i in range(10)]
    events = [
        *enrolled("program-a", a),  # 3 of 10 come back in program-c: 3 returning is too few
        *enrolled("program-b", b),  # 8 of 10 come back: the 2 others are too few
        *enrolled("program-c", a[:3] + b[:8], day=40),  # all 11 are returning people
        *enrolled("program-d", d),
        *enrolled("program-d", d[:5], day=60),  # 5 enrol again in the same program
        *enrolled("program-e", [f"e{i}" for i in range(4)]),  # 4 people: nothing shown
    ]
    service = start_analytics(envelopes(events))
    rows = service.rows("SELECT program_id, people, returning_people FROM analytics.re_enrolment")
    assert {r[0]: r[1:] for r in rows} == {
        "program-a": (10, None),
        "program-b": (10, None),
        "program-c": (11, 11),
        "program-d": (10, 5),
        "program-e": (None, None),
    }
