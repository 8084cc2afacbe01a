"""The participation projection: programs, admins, enrolments, rounds and pairs from matching.

Each event becomes an idempotent upsert of a fact, so arrival order and redelivery do not
change the rows; the figures are computed by the analyst views over these facts. A batch
is written with one set-based statement per table (see ``rows``).
"""

from __future__ import annotations

from collections.abc import Sequence

from tandem_analytics.domain.categories import location_of, unmatched_reason
from tandem_analytics.projections.rows import FactProjection, Rows
from tandem_analytics.projections.rules import Row, latest_by, least
from tandem_events.catalog.base import DomainEvent
from tandem_events.catalog.matching import (
    PairCreated,
    PairEnded,
    ParticipantEnrolled,
    ParticipantLeftUnmatched,
    ParticipantWithdrew,
    ProgramAdminAdded,
    ProgramAdminRemoved,
    ProgramClosed,
    ProgramLaunched,
)
from tandem_events.envelope import Envelope

TABLES = ("programs", "program_admins", "enrolments", "withdrawals", "unmatched", "pairs")

WRITES: dict[str, str] = {
    # A launch names the program and its owner; the earliest close wins.
    "programs": "INSERT INTO {t} AS p (program_id, name, owner, launched_at, closed_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[],"
    " $5::timestamptz[]) ON CONFLICT (program_id) DO UPDATE SET"
    " name = coalesce(EXCLUDED.name, p.name), owner = coalesce(EXCLUDED.owner, p.owner),"
    " launched_at = coalesce(EXCLUDED.launched_at, p.launched_at),"
    " closed_at = LEAST(p.closed_at, EXCLUDED.closed_at)",
    # Whether a person co-administers a program: the latest change (time, event id) wins.
    "program_admins": "INSERT INTO {t} AS a (program_id, person, active, changed_at, event_id)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::bool[], $4::timestamptz[], $5::text[])"
    " ON CONFLICT (program_id, person) DO UPDATE SET active = EXCLUDED.active,"
    " changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id"
    " WHERE (EXCLUDED.changed_at, EXCLUDED.event_id) > (a.changed_at, a.event_id)",
    "enrolments": "INSERT INTO {t} (event_id, program_id, person, enrolled_at, department,"
    " level, location) SELECT * FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::timestamptz[], $5::text[], $6::int[], $7::text[]) ON CONFLICT DO NOTHING",
    "withdrawals": "INSERT INTO {t} (event_id, program_id, person, withdrawn_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])"
    " ON CONFLICT DO NOTHING",
    "unmatched": "INSERT INTO {t} (round_id, person, program_id, reason, completed_at)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])"
    " ON CONFLICT DO NOTHING",
    # A PairCreated and a PairEnded both carry the program and members, so either may come
    # first; the earliest start and the earliest end (with its reason) win.
    "pairs": "INSERT INTO {t} AS p (pair_id, program_id, members, created_at, ended_at,"
    " end_reason) SELECT pair_id, program_id, string_to_array(members, ' '), created_at,"
    " ended_at, end_reason FROM unnest($1::text[], $2::text[], $3::text[],"
    " $4::timestamptz[], $5::timestamptz[], $6::text[])"
    " AS r(pair_id, program_id, members, created_at, ended_at, end_reason)"
    " ON CONFLICT (pair_id) DO UPDATE SET created_at = LEAST(p.created_at, EXCLUDED.created_at),"
    " end_reason = CASE WHEN EXCLUDED.ended_at IS NOT NULL AND (p.ended_at IS NULL"
    " OR EXCLUDED.ended_at < p.ended_at) THEN EXCLUDED.end_reason ELSE p.end_reason END,"
    " ended_at = LEAST(p.ended_at, EXCLUDED.ended_at)",
}
LATEST_CHANGE = latest_by(3, 4)


class Participation(FactProjection):
    """Feeds programs, co-admins, enrolments, withdrawals, unmatched people and pairs."""

    name = "participation"
    topics: Sequence[str] = ("matching.events",)
    tables: Sequence[str] = TABLES
    writes = WRITES

    def rows(self, items: Sequence[tuple[DomainEvent, Envelope]]) -> Rows:
        """The rows a batch adds, merged per key as the upserts would merge them."""
        rows = Rows()
        row: Row
        people = self._people
        for event, envelope in items:
            at = event.occurred_at
            match event:
                case PairCreated() | PairEnded():
                    rows.merge("pairs", event.pair_id, self._pair(event), _earliest_start_and_end)
                case ParticipantEnrolled():
                    place = location_of(event.profile.timezone)
                    unit = event.department or "unknown"
                    person = people.of(event.person_id)
                    row = (envelope.id, event.program_id, person, at, unit, event.level, place)
                    rows.add("enrolments", row)
                case ParticipantWithdrew():
                    person = people.of(event.person_id)
                    rows.add("withdrawals", (envelope.id, event.program_id, person, at))
                case ParticipantLeftUnmatched():
                    person, why = people.of(event.person_id), unmatched_reason(event.reason)
                    rows.add("unmatched", (event.round_id, person, event.program_id, why, at))
                case ProgramLaunched():
                    row = (event.program_id, event.name, people.of(event.actor_id), at, None)
                    rows.merge("programs", event.program_id, row, _launch_and_close)
                case ProgramClosed():
                    row = (event.program_id, None, None, None, at)
                    rows.merge("programs", event.program_id, row, _launch_and_close)
                case ProgramAdminAdded() | ProgramAdminRemoved():
                    person = people.of(event.person_id)
                    added = isinstance(event, ProgramAdminAdded)
                    row = (event.program_id, person, added, at, envelope.id)
                    rows.merge("program_admins", (event.program_id, person), row, LATEST_CHANGE)
        return rows

    def _pair(self, event: PairCreated | PairEnded) -> Row:
        # Members travel as one space-separated text (pseudonyms are hex): unnest cannot
        # take an array of arrays of varying length.
        members = " ".join(self._people.of_all(event.member_ids))
        if isinstance(event, PairEnded):
            return (event.pair_id, event.program_id, members, None, event.occurred_at, event.reason)
        return (event.pair_id, event.program_id, members, event.occurred_at, None, None)


def _earliest_start_and_end(old: Row, new: Row) -> Row:
    created = least(old[3], new[3])
    ended = min((r for r in (old, new) if r[4] is not None), key=lambda r: r[4], default=old)
    return (*old[:3], created, ended[4], ended[5])


def _launch_and_close(old: Row, new: Row) -> Row:
    launch = new if new[1] is not None else old
    return (old[0], *launch[1:4], least(old[4], new[4]))
