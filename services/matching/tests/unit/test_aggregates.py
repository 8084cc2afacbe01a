"""Program, participant and pair aggregates: pure decisions over folded events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import reduce

import pytest

from tandem_events.catalog.matching import (
    MatchingPolicy,
    PairCreated,
    ParticipantEnrolled,
    ParticipantProfile,
    ProgramLaunched,
    ProgramUpdated,
    RematchRequested,
)
from tandem_matching.domain import pair as pairs
from tandem_matching.domain import participant as participants
from tandem_matching.domain import program as programs
from tandem_matching.domain.errors import Conflict, Forbidden, Invalid, NotFound

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


def launched(program_id: str = "p1") -> ProgramLaunched:
    return ProgramLaunched(
        occurred_at=NOW,
        actor_id="admin",
        program_id=program_id,
        name="Grow",
        purpose="onboarding",
        starts_on=date(2026, 12, 1),
        suggested_cadence_days=14,
        policy=MatchingPolicy(max_level_gap=2, weights={"skills": 1.0}),
    )


def test_a_program_launches_once_updates_and_closes() -> None:
    state = programs.Program("p1")
    (event,) = programs.launch(state, launched())
    state = programs.apply_program(state, event)
    assert state.status == "launched"
    assert state.scoring_policy().max_level_gap == 2
    assert state.scoring_policy().weights["skills"] == 1.0
    assert state.scoring_policy().weights["goals"] == 0.25  # defaults fill the rest
    with pytest.raises(Conflict):
        programs.launch(state, launched())
    update = ProgramUpdated(
        occurred_at=NOW, actor_id="a", program_id="p1", suggested_cadence_days=7
    )
    state = reduce(programs.apply_program, programs.update(state, update), state)
    assert state.suggested_cadence_days == 7
    state = reduce(
        programs.apply_program, programs.close(state, reason="done", actor="a", now=NOW), state
    )
    assert state.status == "closed"
    with pytest.raises(Conflict):
        programs.close(state, reason="", actor="a", now=NOW)
    with pytest.raises(NotFound):
        programs.update(programs.Program("nope"), update)


def test_a_program_cannot_end_before_it_starts_nor_start_in_the_past() -> None:
    event = launched().model_copy(update={"ends_on": date(2026, 11, 30)})
    with pytest.raises(Invalid) as backwards:
        programs.launch(programs.Program("p1"), event)
    assert backwards.value.location == ("body", "ends_on")
    past = launched().model_copy(update={"starts_on": date(2026, 11, 23)})
    with pytest.raises(Invalid) as late:
        programs.launch(programs.Program("p1"), past)
    assert late.value.location == ("body", "starts_on")


def test_only_the_owner_co_admins_and_org_admins_manage_a_program() -> None:
    program = programs.apply_program(programs.Program("p1"), launched())
    events = programs.add_admin(program, "co", actor="admin", now=NOW)
    program = programs.apply_program(program, events[0])
    program.check_manager("admin", org_admin=False)
    program.check_manager("co", org_admin=False)
    program.check_manager("anyone", org_admin=True)
    with pytest.raises(Forbidden):
        program.check_manager("other", org_admin=False)
    with pytest.raises(Conflict):
        programs.add_admin(program, "admin", actor="admin", now=NOW)
    removed = programs.remove_admin(program, "co", actor="admin", now=NOW)
    with pytest.raises(Forbidden):
        programs.apply_program(program, removed[0]).check_manager("co", org_admin=False)
    with pytest.raises(NotFound):
        programs.Program("nope").check_manager("admin", org_admin=True)


def enrolled(person: str = "ana", program: str = "p1") -> ParticipantEnrolled:
    return ParticipantEnrolled(
        occurred_at=NOW,
        actor_id=person,
        program_id=program,
        person_id=person,
        level=3,
        profile=ParticipantProfile(),
    )


def test_a_participant_enrols_withdraws_and_may_come_back() -> None:
    state = participants.Participant("ana")
    state = reduce(participants.apply_participant, participants.enrol(state, enrolled()), state)
    with pytest.raises(Conflict):
        participants.enrol(state, enrolled())
    state = reduce(
        participants.apply_participant,
        participants.withdraw(state, "p1", reason="", actor="ana", now=NOW),
        state,
    )
    assert state.enrolments["p1"].status == "withdrawn"
    with pytest.raises(NotFound):
        participants.withdraw(state, "p1", reason="", actor="ana", now=NOW)
    with pytest.raises(NotFound):
        participants.request_rematch(
            state,
            RematchRequested(
                occurred_at=NOW, actor_id="ana", program_id="p1", person_id="ana", pair_id="x"
            ),
        )
    assert participants.enrol(state, enrolled())  # again, after withdrawing


def test_a_pair_ends_once() -> None:
    created = PairCreated(
        occurred_at=NOW,
        actor_id="a",
        pair_id="x",
        program_id="p1",
        member_ids=("ana", "ben"),
        score=50,
    )
    state = pairs.apply_pair(pairs.Pair(), created)
    (ended,) = pairs.end(state, reason="rematch", actor="ana", now=NOW)
    assert ended.member_ids == ("ana", "ben")
    state = pairs.apply_pair(state, ended)
    with pytest.raises(Conflict):
        pairs.end(state, reason="admin", actor="a", now=NOW)
    with pytest.raises(NotFound):
        pairs.end(pairs.Pair(), reason="admin", actor="a", now=NOW)
