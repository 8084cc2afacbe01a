"""Co-created cadence and shared goals: pure decisions over a workspace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem_engagement.domain import goals
from tandem_engagement.domain.cadence import agree, propose
from tandem_engagement.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PairNotYetKnown,
)
from tandem_engagement.domain.folding import fold
from tandem_engagement.domain.workspace import CadenceTerms, Workspace
from tandem_events.catalog.engagement import CadenceAgreed, CadenceProposed, WorkspaceClosed

from .builders import OPENED, SEALED, fold_all, opened

NOW = OPENED + timedelta(days=1)


def test_a_proposal_is_agreed_by_the_other_member_only() -> None:
    state = opened()
    terms = CadenceTerms(14, 45, "morning", "tue")
    state = fold_all(state, propose(state, terms, proposal_id="c1", actor="ana", now=NOW))
    assert state.proposal is not None
    assert state.cadence is None
    with pytest.raises(Conflict, match="not its author"):
        agree(state, proposal_id="c1", actor="ana", now=NOW)
    (event,) = agree(state, proposal_id="c1", actor="ben", now=NOW)
    assert isinstance(event, CadenceAgreed)
    assert (event.every_days, event.weekday, event.agreed_by) == (14, "tue", ("ana", "ben"))
    state = fold(state, event)
    assert state.cadence == terms
    assert state.proposal is None


def test_a_counter_replaces_the_pending_proposal_and_names_it() -> None:
    state = opened()
    state = fold_all(
        state, propose(state, CadenceTerms(7, 30), proposal_id="c1", actor="ana", now=NOW)
    )
    (counter,) = propose(state, CadenceTerms(14, 60), proposal_id="c2", actor="ben", now=NOW)
    assert isinstance(counter, CadenceProposed)
    assert counter.counters == "c1"
    state = fold(state, counter)
    with pytest.raises(Conflict, match="no longer pending"):
        agree(state, proposal_id="c1", actor="ben", now=NOW)
    state = fold_all(state, agree(state, proposal_id="c2", actor="ana", now=NOW))
    assert state.cadence == CadenceTerms(14, 60)


def test_a_changed_cadence_goes_through_propose_and_agree_again() -> None:
    state = opened()
    state = fold_all(
        state, propose(state, CadenceTerms(7, 30), proposal_id="c1", actor="ana", now=NOW)
    )
    state = fold_all(state, agree(state, proposal_id="c1", actor="ben", now=NOW))
    state = fold_all(
        state, propose(state, CadenceTerms(21, 30), proposal_id="c2", actor="ben", now=NOW)
    )
    assert state.cadence == CadenceTerms(7, 30)  # still the agreed one until agreed again
    state = fold_all(state, agree(state, proposal_id="c2", actor="ana", now=NOW))
    assert state.cadence == CadenceTerms(21, 30)


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (CadenceTerms(0, 30), "every_days"),
        (CadenceTerms(91, 30), "every_days"),
        (CadenceTerms(7, 5), "meeting_minutes"),
    ],
)
def test_bad_cadence_terms_name_the_field(terms: CadenceTerms, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        propose(opened(), terms, proposal_id="c1", actor="ana", now=NOW)
    assert raised.value.field == field


def test_outsiders_unknown_pairs_and_ended_pairs_are_refused() -> None:
    terms = CadenceTerms(7, 30)
    with pytest.raises(Forbidden):
        propose(opened(), terms, proposal_id="c1", actor="eve", now=NOW)
    with pytest.raises(PairNotYetKnown):
        propose(Workspace(), terms, proposal_id="c1", actor="ana", now=NOW)
    closed = fold(
        opened(),
        WorkspaceClosed(occurred_at=NOW, actor_id="x", pair_id="p1", reason="pair_ended"),
    )
    with pytest.raises(Conflict, match="ended"):
        propose(closed, terms, proposal_id="c1", actor="ana", now=NOW)


def _goal(state: Workspace, goal_id: str, *, shared: bool, actor: str = "ana") -> Workspace:
    return fold_all(
        state,
        goals.set_goal(
            state,
            goal_id=goal_id,
            sealed_title=SEALED,
            sealed_why=None,
            sealed_steps=(SEALED,),
            shared=shared,
            target_date=date(2026, 6, 1),
            actor=actor,
            now=NOW,
        ),
    )


def test_goals_progress_then_complete_or_drop_once() -> None:
    state = _goal(_goal(opened(), "g1", shared=True), "g2", shared=False)
    state = fold_all(state, goals.progress(state, "g1", 40, None, actor="ben", now=NOW))
    assert state.goals["g1"].progress_percent == 40
    state = fold_all(state, goals.complete(state, "g1", actor="ben", now=NOW))
    assert state.goals["g1"].status == "completed"
    with pytest.raises(Conflict, match="already completed"):
        goals.drop(state, "g1", actor="ana", now=NOW)
    with pytest.raises(Forbidden, match="owner"):
        goals.complete(state, "g2", actor="ben", now=NOW)  # ana's own goal
    state = fold_all(state, goals.drop(state, "g2", actor="ana", now=NOW))
    assert state.goals["g2"].status == "dropped"
    with pytest.raises(NotFound):
        goals.progress(state, "nope", 10, None, actor="ana", now=NOW)


def test_goal_input_rules_name_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        goals.check_title("   ")
    assert raised.value.field == "title"
    assert goals.check_title("  Lead a retro ") == "Lead a retro"
    state = _goal(opened(), "g1", shared=True)
    with pytest.raises(InvalidInput) as raised:
        goals.progress(state, "g1", 101, None, actor="ana", now=NOW)
    assert raised.value.field == "progress_percent"
    with pytest.raises(Conflict):
        _goal(state, "g1", shared=False)
    with pytest.raises(InvalidInput) as raised:
        goals.set_goal(
            state,
            goal_id="g9",
            sealed_title=SEALED,
            sealed_why=None,
            sealed_steps=(),
            shared=False,
            target_date=date(2025, 1, 1),
            actor="ana",
            now=NOW,
        )
    assert raised.value.field == "target_date"
