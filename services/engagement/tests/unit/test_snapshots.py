"""The snapshot codec: a workspace survives JSON unchanged, every field of it."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, date, datetime
from types import MappingProxyType

import pytest

from tandem_engagement.adapters.snapshots import decode, encode
from tandem_engagement.domain.workspace import CadenceTerms, CheckIn, Goal, Proposal, Workspace

FULL = Workspace(
    pair_id="p1",
    program_id="prog",
    member_ids=("ana", "ben"),
    purpose="onboarding",
    timezones=MappingProxyType({"ana": "Europe/Paris", "ben": "Asia/Tokyo"}),
    opened_on=date(2026, 1, 5),
    opened_at=datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
    closed=True,
    proposal=Proposal("c2", "ben", CadenceTerms(7, 45, "morning", "tue")),
    cadence=CadenceTerms(14, 30),
    cadence_agreed_on=date(2026, 1, 6),
    goals={
        "g1": Goal("g1", "ana", True, "completed", 100),
        "g2": Goal("g2", "ben", False, "open", 40),
    },
    check_ins={
        "c1": CheckIn("c1", "ana", date(2026, 1, 7), False, 4),
        "c2": CheckIn("c2", "ben", date(2026, 1, 21), True, None),
    },
    feedback_given=frozenset({("c1", "ben"), ("c2", "ana")}),
    usefulness=(2, 5, 4),
    stress={"ana": 5, "ben": 2},
    milestones=frozenset({"cadence_agreed", "first_check_in", "streak:3"}),
    health="at_risk",
    pulse_invitations=2,
)


def test_the_sample_sets_every_field_of_a_workspace() -> None:
    blank = Workspace()
    unset = [f.name for f in fields(Workspace) if getattr(FULL, f.name) == getattr(blank, f.name)]
    assert unset == []


def test_a_workspace_survives_a_json_round_trip() -> None:
    assert decode(json.loads(json.dumps(encode(FULL)))) == FULL
    assert decode(json.loads(json.dumps(encode(Workspace())))) == Workspace()


def test_the_document_names_every_field() -> None:
    assert set(encode(FULL)) == {f.name for f in fields(Workspace)}


def test_a_workspace_is_built_from_every_field_or_not_at_all() -> None:
    values = dict(vars(FULL))
    assert Workspace.of(values) == FULL
    del values["health"]
    with pytest.raises(TypeError, match="exactly these fields"):
        Workspace.of(values)
