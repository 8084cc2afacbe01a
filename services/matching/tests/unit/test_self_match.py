"""Self-match handlers on the in-memory store and tables, with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tandem_events.catalog.matching import MatchingPolicy, PairCreated
from tandem_matching.adapters.memory import InMemoryMatchingTables
from tandem_matching.domain.errors import Conflict, Forbidden, Invalid
from tandem_matching.handlers.context import Context
from tandem_matching.handlers.directory import ImportPeople, import_people
from tandem_matching.handlers.enrolment import Answers, EnrolParticipant, enrol
from tandem_matching.handlers.programs import LaunchProgram, launch_program
from tandem_matching.handlers.self_match import (
    AnswerRequest,
    AskPeer,
    answer_request,
    ask_peer,
    requests_of,
    suggestions,
)
from tandem_matching.handlers.tables import DirectoryEntry
from tandem_service.commands import CommandContext
from tandem_testkit.memory import InMemoryStreams

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def streams() -> InMemoryStreams:
    return InMemoryStreams()


@pytest.fixture
async def ctx(streams: InMemoryStreams, clock: Clock) -> Context:
    context: Context = CommandContext.in_memory(streams, InMemoryMatchingTables(), clock=clock)
    policy = MatchingPolicy(self_match=True)
    await launch_program(
        context,
        LaunchProgram(
            "admin-1",
            "p1",
            "Grow",
            "career_development",
            "",
            date(2026, 3, 9),
            None,
            14,
            policy,
            (),
        ),
    )
    people = [
        DirectoryEntry("ana", "Ana Lima", "ana@x.org", 3, "Eng"),
        DirectoryEntry("ben", "Ben Ode", "ben@x.org", 3, "Sales", manager_id=None),
        DirectoryEntry("cy", "Cy Park", "cy@x.org", 3, "Ops", manager_id="ana"),
        DirectoryEntry("dee", "Dee Roy", "dee@x.org", 9, "Legal"),
    ]
    await import_people(context, ImportPeople("admin-1", people))
    for person_id in ("ana", "ben", "cy", "dee"):
        await enrol(context, EnrolParticipant("p1", person_id, Answers(languages=("en",))))
    return context


async def test_suggestions_apply_the_constraints_and_hide_nothing_wrongly(ctx: Context) -> None:
    found = await suggestions(ctx, "p1", "ana", 5)
    # cy reports to ana, dee is six levels away: only ben may be asked
    assert [s.person_id for s in found] == ["ben"]
    assert found[0].name == "Ben Ode"
    assert found[0].reasons


async def test_accepting_makes_a_pair_that_says_how_it_was_made(
    ctx: Context, streams: InMemoryStreams
) -> None:
    asked = await ask_peer(ctx, AskPeer("ana", "p1", "ben", "coffee?"))
    with pytest.raises(Conflict):
        await ask_peer(ctx, AskPeer("ben", "p1", "ana"))  # one open request between two
    with pytest.raises(Forbidden):
        await answer_request(ctx, AnswerRequest("ana", asked.request_id, accept=True))
    done = await answer_request(ctx, AnswerRequest("ben", asked.request_id, accept=True))
    assert done.pair_id is not None
    [created] = streams.events(f"pair-{done.pair_id}")
    assert isinstance(created, PairCreated)
    assert (created.origin, created.request_id, created.manual) == (
        "self_match",
        asked.request_id,
        False,
    )
    with pytest.raises(Conflict):
        await answer_request(ctx, AnswerRequest("ben", asked.request_id, accept=False))
    with pytest.raises(Conflict):  # both are busy now
        await suggestions(ctx, "p1", "ana", 5)


async def test_a_request_expires_and_can_then_be_sent_again(ctx: Context, clock: Clock) -> None:
    asked = await ask_peer(ctx, AskPeer("ana", "p1", "ben"))
    clock.now = START + timedelta(days=7)
    with pytest.raises(Conflict) as refused:
        await answer_request(ctx, AnswerRequest("ben", asked.request_id, accept=True))
    assert refused.value.detail == {"status": "expired"}
    [shown] = await requests_of(ctx, "p1", "ben")
    assert shown.status == "expired"
    again = await ask_peer(ctx, AskPeer("ana", "p1", "ben"))
    assert again.request_id != asked.request_id


async def test_asking_oneself_or_a_barred_peer_is_refused(ctx: Context) -> None:
    with pytest.raises(Invalid):
        await ask_peer(ctx, AskPeer("ana", "p1", "ana"))
    with pytest.raises(Conflict) as barred:
        await ask_peer(ctx, AskPeer("ana", "p1", "cy"))
    assert "management chain" in str(barred.value.detail["violations"])
    with pytest.raises(Conflict):
        await ask_peer(ctx, AskPeer("ana", "p1", "ghost"))


async def test_a_program_without_self_match_refuses_it(ctx: Context) -> None:
    await launch_program(
        ctx,
        LaunchProgram(
            "admin-1",
            "p2",
            "Plain",
            "onboarding",
            "",
            date(2026, 3, 9),
            None,
            14,
            MatchingPolicy(),
            (),
        ),
    )
    with pytest.raises(Conflict):
        await suggestions(ctx, "p2", "ana", 5)
