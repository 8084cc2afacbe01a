"""A workspace as a compact JSON document: the snapshot row a load starts from.

Nested parts are positional lists, not objects: sweeps decode a hundred thousand snapshots
and keys would double their size. A change to :class:`Workspace` or to this layout bumps
``FORMAT``; snapshots of another format are ignored (the load folds the whole stream).
"""

from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from tandem_engagement.domain.workspace import CadenceTerms, CheckIn, Goal, Proposal, Workspace

FORMAT = 2


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _terms(terms: CadenceTerms | None) -> list[Any] | None:
    if terms is None:
        return None
    return [terms.every_days, terms.meeting_minutes, terms.time_of_day, terms.weekday]


def encode(state: Workspace) -> dict[str, Any]:
    """The workspace as JSON-ready values."""
    proposal = state.proposal
    return {
        "pair_id": state.pair_id,
        "program_id": state.program_id,
        "member_ids": list(state.member_ids),
        "purpose": state.purpose,
        "timezones": dict(state.timezones),
        "opened_on": _day(state.opened_on),
        "opened_at": state.opened_at.isoformat() if state.opened_at else None,
        "closed": state.closed,
        "proposal": (
            [proposal.proposal_id, proposal.proposed_by, _terms(proposal.terms)]
            if proposal
            else None
        ),
        "cadence": _terms(state.cadence),
        "cadence_agreed_on": _day(state.cadence_agreed_on),
        "goals": [
            [g.goal_id, g.owner_id, g.shared, g.status, g.progress_percent]
            for g in state.goals.values()
        ],
        "check_ins": [
            [c.check_in_id, c.author_id, c.met_on.isoformat(), c.asynchronous, c.felt]
            for c in state.check_ins.values()
        ],
        "feedback_given": sorted(list(pair) for pair in state.feedback_given),
        "usefulness": list(state.usefulness),
        "stress": dict(state.stress),
        "milestones": sorted(state.milestones),
        "health": state.health,
        "pulse_invitations": state.pulse_invitations,
    }


def _parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _parse_terms(value: list[Any] | None) -> CadenceTerms | None:
    return CadenceTerms(*value) if value is not None else None


def decode(doc: dict[str, Any]) -> Workspace:
    """The workspace ``encode`` was given."""
    proposal = doc["proposal"]
    terms = _parse_terms(proposal[2]) if proposal else None
    return Workspace.of(
        {
            "pair_id": doc["pair_id"],
            "program_id": doc["program_id"],
            "member_ids": tuple(doc["member_ids"]),
            "purpose": doc["purpose"],
            "timezones": MappingProxyType(doc["timezones"]),
            "opened_on": _parse_day(doc["opened_on"]),
            "opened_at": datetime.fromisoformat(doc["opened_at"]) if doc["opened_at"] else None,
            "closed": doc["closed"],
            "proposal": Proposal(proposal[0], proposal[1], terms) if proposal and terms else None,
            "cadence": _parse_terms(doc["cadence"]),
            "cadence_agreed_on": _parse_day(doc["cadence_agreed_on"]),
            "goals": {g[0]: Goal(*g) for g in doc["goals"]},
            "check_ins": {
                c[0]: CheckIn(c[0], c[1], date.fromisoformat(c[2]), c[3], c[4])
                for c in doc["check_ins"]
            },
            "feedback_given": frozenset((p[0], p[1]) for p in doc["feedback_given"]),
            "usefulness": tuple(doc["usefulness"]),
            "stress": doc["stress"],
            "milestones": frozenset(doc["milestones"]),
            "health": doc["health"],
            "pulse_invitations": doc["pulse_invitations"],
        }
    )
