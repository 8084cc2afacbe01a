"""The people of a new pair, checked: enrolled, still here, free, and allowed to meet."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from tandem_matching.domain.constraints import violations
from tandem_matching.domain.errors import Conflict
from tandem_matching.domain.profile import Candidate
from tandem_matching.domain.program import Program
from tandem_matching.handlers.pool import load_pool
from tandem_matching.handlers.tables import MatchingTables


async def free_members(
    tables: MatchingTables, program: Program, member_ids: Sequence[str]
) -> list[Candidate]:
    """The members in ``member_ids`` order, or 409 naming who left, is not enrolled or is busy."""
    found = await load_pool(tables, program.program_id, only=member_ids, include_busy=True)
    departed = [p for p in member_ids if (e := await tables.person(p)) and e.departed_on]
    if departed:
        raise Conflict("left the organisation", departed=departed)
    missing = sorted(set(member_ids) - {c.person_id for c in found})
    if missing:
        raise Conflict("not enrolled in this program", not_enrolled=missing)
    busy = await tables.busy_pairs(program.program_id, member_ids)
    if busy:
        raise Conflict("already in an active pair", pairs=busy)
    by_id = {c.person_id: c for c in found}
    return [by_id[m] for m in member_ids]


def broken_constraints(members: Sequence[Candidate], program: Program) -> list[str]:
    """Every hard constraint the members break, as "a–b: why"."""
    policy = program.scoring_policy()
    return [
        f"{a.person_id}–{b.person_id}: {v}"
        for a, b in itertools.combinations(members, 2)
        for v in violations(a, b, policy)
    ]
